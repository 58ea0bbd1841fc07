"""The lab CA's certificates, and the ClientHello SNI reader, checked against real TLS stacks."""

from __future__ import annotations

import ssl
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature

from byway.servers.ca import (
    issue,
    load_ca,
    load_cert,
    make_ca,
    server_context,
    write_ca,
    write_cert,
)
from byway.servers.client_hello import server_name_of


def test_issued_certificates_carry_the_sans_and_chain_to_the_ca(tmp_path: Path) -> None:
    ca = make_ca("Lab CA")
    cert = issue(ca, ["example.org", "*.example.org"], ["127.0.0.1", "::1"])
    parsed = x509.load_pem_x509_certificate(cert.cert_pem)
    san = parsed.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["example.org", "*.example.org"]
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1", "::1"]
    parsed.verify_directly_issued_by(x509.load_pem_x509_certificate(ca.cert_pem))
    with pytest.raises(InvalidSignature):  # same name, another key
        parsed.verify_directly_issued_by(x509.load_pem_x509_certificate(make_ca("Lab CA").cert_pem))

    ca_files = write_ca(ca, tmp_path)
    assert stat.S_IMODE(ca_files.key_path.stat().st_mode) == 0o600
    assert load_ca(ca_files) == ca
    files = write_cert(cert, tmp_path, "site")
    assert load_cert(files) == cert
    assert isinstance(server_context(files), ssl.SSLContext)
    with pytest.raises(ValueError, match="at least one"):
        issue(ca, [])


def _client_hello(server_name: str | None) -> bytes:
    """The first flight of Python's own TLS client, captured from a memory BIO."""
    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=server_name)
    if server_name is None:
        context.check_hostname = False
        tls = context.wrap_bio(incoming, outgoing, server_hostname=None)
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def test_server_name_is_read_from_a_real_client_hello() -> None:
    hello = _client_hello("Blocked.Example")
    assert server_name_of(hello) == "blocked.example"
    assert server_name_of(_client_hello(None)) is None
    for cut in (0, 3, 5, 20, 60, len(hello) // 2):
        server_name_of(hello[:cut])  # truncated: no exception, whatever it says
    assert server_name_of(b"GET / HTTP/1.1\r\n\r\n") is None
    assert server_name_of(b"\x16\x03\x01\x00\x05\x02\x00\x00\x01\x00") is None  # not a ClientHello
