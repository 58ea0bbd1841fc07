"""``byway connect`` as a program of its own, for tests that must SIGKILL it (or run it inside the lab)
before the command is wired into ``byway.cli``: ``python run_connect.py --portable DIR [connect args]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from byway.commands.connect import add_connect_parser
from byway.store.locations import resolve_locations


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="byway")
    parser.add_argument("--portable", type=Path, required=True)
    subparsers = parser.add_subparsers(dest="command")
    add_connect_parser(subparsers)
    args = parser.parse_args(argv)
    args.portable.mkdir(parents=True, exist_ok=True)
    args.locations = resolve_locations(args.portable, Path(sys.argv[0]))
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
