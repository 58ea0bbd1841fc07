"""Bridges and pluggable transports: typed bridge lines, the built-in catalog, and the PT binaries.

Everything that ends up in a torrc as ``Bridge`` or ``ClientTransportPlugin`` starts here as a typed,
validated value, so that text pasted by a user or sent by a server can never smuggle in a directive.
"""
