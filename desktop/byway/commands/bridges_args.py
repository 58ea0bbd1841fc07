"""``byway bridges``' arguments, kept apart from the command so that building the CLI's parser
imports neither the secret store nor the bridge catalog: :mod:`byway.commands.bridges` is imported
only when the command runs."""

from __future__ import annotations

import argparse

from byway.i18n import translate


def _run(args: argparse.Namespace) -> int:
    """:func:`byway.commands.bridges.run_bridges`, imported only when the command runs."""
    from byway.commands.bridges import run_bridges

    return run_bridges(args)


def add_bridges_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``byway bridges`` and its sub-commands."""
    parser = subparsers.add_parser(
        "bridges",
        help=translate("Cli", "list, check, add and remove bridges"),
        description=translate(
            "Cli", "Built-in and your own bridges: list them, check which transports work here, add, remove."
        ),
    )
    parser.add_argument(
        "--check", action="store_true", help=translate("Cli", "same as 'byway bridges check'")
    )
    parser.set_defaults(func=_run, bridges_command=None, reachability=False, timeout=6.0)
    commands = parser.add_subparsers(dest="bridges_command", metavar="ACTION")

    listing = commands.add_parser("list", help=translate("Cli", "show built-in and your own bridges"))
    listing.add_argument("--show", action="store_true", help=translate("Cli", "show your bridges in full"))

    check = commands.add_parser("check", help=translate("Cli", "which transports can run here, and why"))
    check.add_argument(
        "--reachability",
        action="store_true",
        help=translate("Cli", "also pre-check the Tor network and the bridges from this network"),
    )
    check.add_argument("--timeout", type=float, default=6.0, help=translate("Cli", "seconds per check"))

    add = commands.add_parser("add", help=translate("Cli", "add your own bridges"))
    add.add_argument("lines", nargs="+", metavar="LINE", help=translate("Cli", "a bridge line (quote it)"))
    add.add_argument(
        "--session-only",
        action="store_true",
        help=translate("Cli", "do not store the bridges; use them only for this session"),
    )

    remove = commands.add_parser("remove", help=translate("Cli", "remove one of your bridges"))
    remove.add_argument("which", metavar="ID|LINE", help=translate("Cli", "its id from 'list' or its line"))

    refresh = commands.add_parser("refresh", help=translate("Cli", "fetch fresh built-in bridges from Moat"))
    refresh.add_argument("--moat-url", default=None, metavar="URL")
    refresh.add_argument(
        "--through-meek",
        action="store_true",
        help=translate("Cli", "reach Moat through meek domain fronting (when it is blocked)"),
    )
