"""``byway lab ...``: the command-line face of the lab, for trainers and CI.

The main CLI calls :func:`add_lab_parser` (defined in :mod:`byway.lab.command_args`, which imports
nothing of the lab; the handlers here are imported when a sub-command runs); ``python -m byway.lab``
runs the same parser. Every handler returns an exit code and turns the lab's typed errors into one
sentence.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from byway.i18n import translate
from byway.lab import control, scenario
from byway.lab.command_args import add_lab_parser as add_lab_parser
from byway.lab.errors import LabError


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except LabError as err:
            print(translate("Lab", "byway lab: {error}").format(error=err), file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:  # output piped into head(1) and friends
            return 0

    return run


def _up(args: argparse.Namespace) -> int:
    print(
        translate("Lab", "Building the lab (namespaces, censor, world, private Tor network)..."), flush=True
    )
    info = control.up(args.scenario)
    print(
        translate("Lab", "The lab is up in {s} s, scenario {name}.").format(
            s=info.up_seconds, name=args.scenario
        )
    )
    print(translate("Lab", "Client address {inside}; resolver {dns}; CA bundle {ca}").format(
        inside=info.inside_ip, dns=info.resolver_ip, ca=info.ca_file))  # fmt: skip
    print(translate("Lab", "Bridge lines:"))
    print(f"  {info.vanilla_bridge}")
    for line in info.obfs4_bridges:
        print(f"  {line}")
    problem = control.status().helper_problem
    if problem is not None:
        print(translate("Lab", "The OONI test helper is not running: {why}").format(why=problem))
    return 0


def _down(args: argparse.Namespace) -> int:
    control.down()
    print(translate("Lab", "The lab is down; nothing of it remains."))
    return 0


def _status(args: argparse.Namespace) -> int:
    state = control.status()
    if not state.up:
        print(translate("Lab", "The lab is not up."))
        return 3
    print(translate("Lab", "The lab is up, scenario {name}.").format(name=state.scenario))
    for proc in state.processes:
        word = translate("Lab", "running") if proc.running else translate("Lab", "STOPPED")
        print(f"  {proc.name:<22} {proc.pid:>7}  {word}")
    print(translate("Lab", "Exit relays in the consensus: {n}").format(n=state.exits_in_consensus))
    if state.helper_problem is not None:
        print(translate("Lab", "The OONI test helper is not running: {why}").format(why=state.helper_problem))
    if not state.healthy:
        print(
            translate(
                "Lab", "The lab is damaged (a process stopped or its state is lost); run 'byway lab down'."
            )
        )
    if state.info is not None:
        print(translate("Lab", "Bridge lines:"))
        for line in (state.info.vanilla_bridge, *state.info.obfs4_bridges):
            print(f"  {line}")
    return 0 if state.healthy else 2


def _exec(args: argparse.Namespace) -> int:
    argv = [part for part in args.command if part != "--"] if args.command[:1] == ["--"] else args.command
    return control.exec_inside(argv, capture=False).returncode


def _shell(args: argparse.Namespace) -> int:
    return control.shell()


def _scenario(args: argparse.Namespace) -> int:
    chosen = control.switch_scenario(args.name)
    print(
        translate("Lab", "Scenario {name}: {description}").format(
            name=chosen.name, description=chosen.description
        )
    )
    return 0


def _scenarios(args: argparse.Namespace) -> int:
    for item in scenario.available():
        print(f"{item.name:<24} {item.description}")
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "up": _up,
    "down": _down,
    "status": _status,
    "exec": _exec,
    "shell": _shell,
    "scenario": _scenario,
    "scenarios": _scenarios,
}


def run(name: str, args: argparse.Namespace) -> int:
    """Run the sub-command ``name`` (a key of :data:`HANDLERS`), its lab errors turned into a sentence."""
    return _guarded(HANDLERS[name])(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="byway")
    add_lab_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["lab", *(sys.argv[1:] if argv is None else argv)])
    result: int = args.func(args)
    return result
