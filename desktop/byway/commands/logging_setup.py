"""The diagnostic log for the command line: off unless ``--log`` is given or the user saved it on.

The file is :func:`byway.store.logs.configure_logging`'s: rotated, private (0600), in Byway's log
folder (on the stick in portable mode), and scrubbed of addresses and bridge lines before anything is
written. The saved choice is read without :func:`~byway.store.settings.load_settings`, which would
move a damaged settings file aside before the command that explains it to the user gets to run.

The CLI imports this module to build its parser (``--log``), so the log machinery is imported only
when :func:`setup_logging` runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import TYPE_CHECKING

from byway import __version__
from byway.i18n import translate
from byway.store.errors import StoreError

if TYPE_CHECKING:
    from byway.store.locations import Locations

log = logging.getLogger(__name__)


def add_logging_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the global ``--log`` flag."""
    parser.add_argument(
        "--log",
        action="store_true",
        help=translate(
            "Cli",
            "keep a diagnostic log in Byway's log folder (addresses and bridges are removed from it)",
        ),
    )


def saved_choice(locations: Locations) -> bool:
    """Whether the settings say ``"diagnostic_logging": true``; anything unreadable means no."""
    try:
        document = json.loads(locations.settings_file.read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and document.get("diagnostic_logging") is True


def setup_logging(args: argparse.Namespace) -> None:
    """Turn the log file on (``args.log`` or the saved choice) or leave it off; never fail the command.

    Either way Byway's loggers get a ``NullHandler``, so with the log off their warnings do not fall
    through to Python's last-resort handler on stderr.
    """
    byway_logger = logging.getLogger("byway")
    if not any(isinstance(h, logging.NullHandler) for h in byway_logger.handlers):
        byway_logger.addHandler(logging.NullHandler())
    locations: Locations = args.locations
    enabled = bool(getattr(args, "log", False)) or saved_choice(locations)
    if not enabled and all(isinstance(h, logging.NullHandler) for h in byway_logger.handlers):
        return  # off, and no file log to close: the scrubbing machinery is not needed (~20 ms)

    from byway.store.logs import configure_logging  # not needed to build the parser

    try:
        path = configure_logging(locations, enabled)
    except StoreError as error:
        print(
            translate("Cli", "No diagnostic log this time: {why}").format(why=error.message),
            file=sys.stderr,
        )
        return
    if path is not None:
        command = getattr(args, "command", None) or "app"
        log.info("byway %s: %s (portable: %s)", __version__, command, locations.portable)
