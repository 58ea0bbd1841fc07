"""Byway: find out what this network blocks, say what it means, and get out through Tor."""

__version__ = "0.1.0"
