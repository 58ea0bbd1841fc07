"""Byway: find out what this network blocks, say what it means, and get out through Tor."""

import logging

__version__ = "0.1.0"

# Library etiquette, and privacy: with no log configured (the default), Byway's records go nowhere,
# not to stderr. The CLI and the window turn the scrubbed, rotated log file on only when asked.
logging.getLogger("byway").addHandler(logging.NullHandler())
