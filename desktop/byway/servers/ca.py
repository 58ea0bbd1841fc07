"""A lab certificate authority: the world's HTTPS servers get real, verifiable certificates.

The lab and the tests need TLS that *validates* (a handshake that verifies for the domain is the
evidence that separates a genuine address from an injected one), so they cannot use self-signed
throwaways. A client trusts the lab's CA by pointing ``SSL_CERT_FILE`` at :func:`write_ca`'s file.
Keys are ECDSA P-256: small and fast to make, so a test can mint a fresh CA in milliseconds.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class CertificateAuthority:
    """A CA certificate and its private key, both PEM."""

    common_name: str
    cert_pem: bytes
    key_pem: bytes


@dataclass(frozen=True)
class IssuedCert:
    """A server certificate issued by a lab CA (leaf + key, PEM), valid for its SAN names."""

    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]
    cert_pem: bytes
    key_pem: bytes


@dataclass(frozen=True)
class CertFiles:
    """Where a certificate and its key were written."""

    cert_path: Path
    key_path: Path


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _validity(days: int) -> tuple[datetime.datetime, datetime.datetime]:
    # Back-date by a day: a lab machine's clock may lag the one that minted the certificate.
    now = datetime.datetime.now(datetime.UTC)
    return now - datetime.timedelta(days=1), now + datetime.timedelta(days=days)


def make_ca(common_name: str, *, valid_days: int = 825) -> CertificateAuthority:
    """Mint a fresh CA (self-signed, may only sign server certificates directly)."""
    key = _new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    not_before, not_after = _validity(valid_days)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(
        common_name=common_name, cert_pem=cert.public_bytes(serialization.Encoding.PEM), key_pem=_key_pem(key)
    )


def issue(
    ca: CertificateAuthority,
    dns_names: Sequence[str],
    ip_addresses: Sequence[str] = (),
    *,
    valid_days: int = 90,
) -> IssuedCert:
    """Issue a server certificate for ``dns_names`` (and IP SANs) signed by ``ca``."""
    if not dns_names and not ip_addresses:
        raise ValueError("a certificate needs at least one DNS name or IP address")
    ca_cert = x509.load_pem_x509_certificate(ca.cert_pem)
    ca_key = serialization.load_pem_private_key(ca.key_pem, password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise TypeError("the lab CA key must be an EC key")
    key = _new_key()
    subject_cn = dns_names[0] if dns_names else ip_addresses[0]
    sans: list[x509.GeneralName] = [x509.DNSName(name) for name in dns_names]
    sans += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ip_addresses]
    not_before, not_after = _validity(valid_days)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return IssuedCert(
        dns_names=tuple(dns_names),
        ip_addresses=tuple(ip_addresses),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=_key_pem(key),
    )


def write_ca(ca: CertificateAuthority, directory: Path) -> CertFiles:
    """Write ``ca.pem`` (the file for ``SSL_CERT_FILE``) and ``ca.key`` (mode 0600) into ``directory``."""
    return _write_pair(ca.cert_pem, ca.key_pem, directory, "ca")


def write_cert(cert: IssuedCert, directory: Path, stem: str) -> CertFiles:
    """Write ``<stem>.pem`` and ``<stem>.key`` (mode 0600) into ``directory``."""
    return _write_pair(cert.cert_pem, cert.key_pem, directory, stem)


def _write_pair(cert_pem: bytes, key_pem: bytes, directory: Path, stem: str) -> CertFiles:
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / f"{stem}.pem", directory / f"{stem}.key"
    cert_path.write_bytes(cert_pem)
    key_path.touch(mode=0o600)
    key_path.chmod(0o600)
    key_path.write_bytes(key_pem)
    return CertFiles(cert_path=cert_path, key_path=key_path)


def load_ca(files: CertFiles) -> CertificateAuthority:
    """Read a CA written by :func:`write_ca` (the world process issues its certificates from it)."""
    cert_pem = files.cert_path.read_bytes()
    cert = x509.load_pem_x509_certificate(cert_pem)
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = str(names[0].value) if names else ""
    return CertificateAuthority(
        common_name=common_name, cert_pem=cert_pem, key_pem=files.key_path.read_bytes()
    )


def server_context(cert: IssuedCert | CertFiles) -> ssl.SSLContext:
    """A server-side context presenting ``cert`` (TLS 1.2+, HTTP/1.1 by ALPN)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    if isinstance(cert, CertFiles):
        context.load_cert_chain(cert.cert_path, cert.key_path)
        return context
    # The ssl module only loads keys from files: write them briefly to a private directory.
    with tempfile.TemporaryDirectory(prefix="byway-cert-") as tmp:
        files = write_cert(cert, Path(tmp), "server")
        context.load_cert_chain(files.cert_path, files.key_path)
    return context


def client_context(ca: CertificateAuthority) -> ssl.SSLContext:
    """A client context that trusts only ``ca`` (for tests; the app itself uses SSL_CERT_FILE)."""
    context = ssl.create_default_context(cadata=ca.cert_pem.decode("ascii"))
    context.set_alpn_protocols(["http/1.1"])
    return context


def load_cert(files: CertFiles) -> IssuedCert:
    """Read a server certificate and key from files; its names come from the certificate's SAN."""
    cert_pem = files.cert_path.read_bytes()
    cert = x509.load_pem_x509_certificate(cert_pem)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        san = x509.SubjectAlternativeName([])
    return IssuedCert(
        dns_names=tuple(san.get_values_for_type(x509.DNSName)),
        ip_addresses=tuple(str(ip) for ip in san.get_values_for_type(x509.IPAddress)),
        cert_pem=cert_pem,
        key_pem=files.key_path.read_bytes(),
    )
