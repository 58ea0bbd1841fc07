"""OONI's web-connectivity test-helper protocol: the uncensored control, as client and server.

The probe sends the URL and the addresses it resolved; the helper, from a network without
censorship, resolves the name itself, connects to every address, handshakes, fetches the page, and
answers with what it saw. Byway speaks the protocol both ways so that trainers and tests can run
their own control (``byway helper --listen HOST:PORT``).
"""
