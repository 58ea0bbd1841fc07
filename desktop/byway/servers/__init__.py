"""Real protocol servers: the censorship lab's "world", and the traffic sources of the test suite.

Byway's probes must meet real packets: a resolver that lies or races, a TLS server whose handshake
is reset for one name, a page that never finishes. These servers produce them on purpose. The lab
(``byway lab``, in network namespaces) runs them as the world behind its censor with
``python -m byway.servers.world`` (see :mod:`byway.servers.world` for the JSON format); the tests
start them in-process on 127.0.0.1 with port 0. Every misbehaviour is data (an enum member or a
frozen dataclass), switchable at run time, so a trainer changes scenarios without restarts.

Rooms:

- :mod:`~byway.servers.ca`: a lab certificate authority (ECDSA P-256) and server certificates;
  clients trust it through ``SSL_CERT_FILE``.
- :mod:`~byway.servers.dns_zone` and :mod:`~byway.servers.dns_server`: an authoritative UDP name
  server, truthful or NXDOMAIN/SERVFAIL/REFUSED/empty/silent/lying/racing/duplicating/garbled per name.
- :mod:`~byway.servers.web_routes`, :mod:`~byway.servers.http_wire`, :mod:`~byway.servers.web_server`:
  HTTP/1.1 and HTTPS with virtual hosts; pages, redirects, blockpages, trickle, huge and garbage
  responses; TLS reset or stall by SNI, decided from a peeked ClientHello.
- :mod:`~byway.servers.doh_server`: RFC 8484 DNS-over-HTTPS as a web route, answering from a zone.
- :mod:`~byway.servers.tcp_endpoints`: hold, reset on connect, reset on data/keyword, black hole.
- :mod:`~byway.servers.client_hello`, :mod:`~byway.servers.connections`: ClientHello peeking;
  per-connection tasks and TCP resets shared by the servers.
- :mod:`~byway.servers.world_config`, :mod:`~byway.servers.world`: the whole world from one file.

Robustness rules every server keeps, because a censor leaves half-open connections behind: each
connection or handshake runs in its own task under a deadline, nothing blocks the event loop, and
``close()`` ends the connections too (asyncio 3.11's ``Server.close`` does not).

Network rule for tests: bind to 127.0.0.1 (or ::1) with port 0, and send nothing anywhere else.
"""
