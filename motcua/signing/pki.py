"""Certificates for signing results: the demo certificate authority and PKCS#12 handling.

Production installs load each unit's real certificate (``motcua signing load-p12``); the
demo creates its own authority so that a fresh install signs for real and verifies its own
signatures (``motcua signing demo-pki``). Everything here is pure: bytes in, bytes out.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_CA_NAME = "motcua Demo CA (không dùng cho văn bản thật)"
CA_YEARS = 20
SIGNER_YEARS = 5


class CredentialError(ValueError):
    """A PKCS#12 file that cannot be used for signing; the message says why."""


@dataclass(frozen=True)
class Credential:
    """A signer's key, certificate and the chain up to (not always including) a root."""

    key: PrivateKeyTypes
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @property
    def subject(self) -> str:
        return common_name(self.certificate)

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint(hashes.SHA256()).hex()


def common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def _name(common: str, organization: str = "motcua") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common[:64]),
        ]
    )


def _key_usage(*allowed: str) -> x509.KeyUsage:
    """A KeyUsage extension allowing only the named uses (content_commitment is what
    certificates call non-repudiation)."""
    uses = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    return x509.KeyUsage(**{use: use in allowed for use in uses})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def new_authority(name: str = DEMO_CA_NAME) -> Credential:
    """A self-signed root that may only sign end-entity certificates (path length 0)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name)
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage("key_cert_sign", "crl_sign"), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Credential(key, cert, ())


def issue_signer(authority: Credential, name: str, organization: str = "motcua") -> Credential:
    """An end-entity certificate for document signing (digital signature, non-repudiation)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    ca_key_id = x509.SubjectKeyIdentifier.from_public_key(authority.certificate.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name, organization))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * SIGNER_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage("digital_signature", "content_commitment"), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_key_id),
            critical=False,
        )
        .sign(authority.key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return Credential(key, cert, (authority.certificate, *authority.chain))


def new_password() -> str:
    return secrets.token_urlsafe(24)


def to_pkcs12(credential: Credential, password: str) -> bytes:
    """The credential as a password-protected PKCS#12 archive (key, certificate, chain)."""
    return pkcs12.serialize_key_and_certificates(
        name=credential.subject.encode(),
        key=credential.key,  # type: ignore[arg-type]
        cert=credential.certificate,
        cas=list(credential.chain) or None,
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode()),
    )


def from_pkcs12(data: bytes, password: str) -> Credential:
    """Read a PKCS#12 archive; refuse one without a key, or with an expired certificate."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() or None)
    except ValueError as exc:
        raise CredentialError(
            "không đọc được tệp PKCS#12 (sai mật khẩu hoặc tệp hỏng) / "
            f"cannot read the PKCS#12 file (wrong password or damaged): {exc}"
        ) from None
    if key is None or cert is None:
        raise CredentialError(
            "tệp PKCS#12 không có khóa bí mật và chứng thư / "
            "the PKCS#12 file has no private key and certificate"
        )
    if cert.not_valid_after_utc < _now():
        raise CredentialError(
            f"chứng thư “{common_name(cert)}” đã hết hạn ngày "
            f"{cert.not_valid_after_utc:%d/%m/%Y} / the certificate has expired"
        )
    return Credential(key, cert, tuple(extra))


def to_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def load_pem_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle (or one DER certificate)."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]
