"""Tor: a typed configuration turned into torrc, the tor process under stem, bootstrap events,
typed errors with plain explanations, the connect strategy, and the session."""
