"""``byway lab ...``'s arguments, kept apart from :mod:`byway.lab.command` so that building the
CLI's parser does not import the lab's control code: a sub-command's handler is imported only when it
runs (through :func:`byway.lab.command.run`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from byway.i18n import translate


def _later(name: str) -> Callable[[argparse.Namespace], int]:
    """The handler ``name`` of :mod:`byway.lab.command`, imported when the sub-command runs."""

    def run(args: argparse.Namespace) -> int:
        from byway.lab import command

        return command.run(name, args)

    return run


def add_lab_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``lab`` and its sub-commands on the main CLI."""
    lab = subparsers.add_parser(
        "lab", help=translate("Lab", "the censorship lab in network namespaces (root)")
    )
    commands = lab.add_subparsers(dest="lab_command", required=True)
    p = commands.add_parser("up", help=translate("Lab", "build the lab and wait until Tor is usable"))
    p.add_argument(
        "--scenario", default="open", help=translate("Lab", "the censor's scenario (default: open)")
    )
    p.set_defaults(func=_later("up"))
    p = commands.add_parser("down", help=translate("Lab", "remove everything the lab created"))
    p.set_defaults(func=_later("down"))
    p = commands.add_parser("status", help=translate("Lab", "what is running, and the bridge lines"))
    p.set_defaults(func=_later("status"))
    p = commands.add_parser("exec", help=translate("Lab", "run a command inside the censored client"))
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(func=_later("exec"))
    p = commands.add_parser("shell", help=translate("Lab", "an interactive shell inside the censored client"))
    p.set_defaults(func=_later("shell"))
    p = commands.add_parser("scenario", help=translate("Lab", "switch the censor to another scenario"))
    p.add_argument("name")
    p.set_defaults(func=_later("scenario"))
    p = commands.add_parser("scenarios", help=translate("Lab", "list the scenarios with their descriptions"))
    p.set_defaults(func=_later("scenarios"))
