"""Byway's front door: ``byway`` opens the desktop app (or, without a display, diagnoses in the
terminal); ``byway diagnose | helper | lab | ...`` run one stage headless."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from byway import __version__
from byway.commands.bridges_args import add_bridges_parser
from byway.commands.connect_args import add_connect_parser
from byway.commands.diagnose_args import add_diagnose_arguments, add_diagnose_parser
from byway.commands.helper_args import add_helper_parser
from byway.commands.logging_setup import add_logging_arguments, setup_logging
from byway.i18n import translate
from byway.lab.command_args import add_lab_parser
from byway.store.errors import StoreError


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """Byway's command line; without ``commands``, only the options of ``byway`` itself."""
    parser = argparse.ArgumentParser(
        prog="byway",
        exit_on_error=commands,
        description=translate(
            "Cli", "Find out what this network blocks, learn which way out should work, and connect."
        ),
    )
    parser.add_argument("--version", action="version", version=f"byway {__version__}")
    parser.add_argument(
        "--portable",
        type=Path,
        metavar="DIR",
        help=translate("Cli", "keep everything (settings, secrets, tor state) under DIR"),
    )
    add_logging_arguments(parser)
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=translate(
            "Cli", "check this copy of Byway (window, demo diagnosis, bundled tor and transports) and exit"
        ),
    )
    parser.add_argument(
        "--demo",
        metavar="SCENARIO",
        help=translate(
            "Cli",
            "run the desktop app against a simulated network (no traffic at all): "
            "iran-2022, china-gfw, russia-2022, shutdown, or a scenario .toml file",
        ),
    )
    if not commands:
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_diagnose_parser(subparsers)
    add_connect_parser(subparsers)
    add_bridges_parser(subparsers)
    add_helper_parser(subparsers)
    add_lab_parser(subparsers)
    return parser


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The arguments. When no command is named (opening the window, the common case), the commands'
    parsers are not built: that is a few milliseconds before the window appears. Anything else
    (a command, ``--help``, a mistake) goes through the whole parser and its messages."""
    tokens = list(sys.argv[1:] if argv is None else argv)
    if not any(token in ("-h", "--help") for token in tokens):
        try:
            args, rest = build_parser(commands=False).parse_known_args(tokens)
        except argparse.ArgumentError:
            rest = tokens
        if not rest:
            args.command = None
            return args
    return build_parser().parse_args(tokens)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.portable is not None:
        try:
            args.portable.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            print(
                translate("Cli", "Cannot use {path} as the portable folder: {reason}").format(
                    path=args.portable, reason=exc.strerror or exc
                ),
                file=sys.stderr,
            )
            return 1
    from byway.store.locations import resolve_locations  # platformdirs: not needed for --help

    args.locations = resolve_locations(args.portable, _program())
    setup_logging(args)
    try:
        return _dispatch(args)
    except StoreError as exc:  # a vanished stick, a read-only folder: words, not a traceback
        print(exc.message, file=sys.stderr)
        return 1


def _program() -> Path:
    """The file whose folder may hold the portable marker: the frozen executable in a bundle (even
    when started by bare name through PATH), else the launch script."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable)
    return Path(sys.argv[0])


def _dispatch(args: argparse.Namespace) -> int:
    if args.self_test:
        from byway.selftest import run_self_test

        return run_self_test(args.locations)
    if args.command is None:
        if _has_display():
            try:
                from byway.ui.app import run_app
            except ImportError:
                pass
            else:
                return run_app(args)
        # No display: the diagnosis in the terminal, with Byway's default targets.
        from byway.commands.diagnose import run_diagnose

        defaults = argparse.ArgumentParser(add_help=False)
        add_diagnose_arguments(defaults)
        diagnose_args = defaults.parse_args([])
        diagnose_args.locations = args.locations
        return run_diagnose(diagnose_args)
    result: int = args.func(args)
    return result
