"""Where each unit's signing key lives, and the demo certificate authority.

- A unit signs with its own :class:`SigningCredential`, or with the province-wide one
  (``unit`` empty) when it has none.
- The PKCS#12 archive is either a file (``p12_path``, e.g. the demo's under
  ``SIGNING_DIR/demo``) or stored in the database encrypted; its password is always stored
  encrypted. Both use Fernet with a key derived from settings.PII_KEY, as personal data
  does (motcua.dossiers.pii), under a separate label.
- Trust roots for verification: the demo authority (when ``demo-pki`` made one) and the
  PEM files listed in ``SIGNING_TRUST_ROOTS``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import transaction

from motcua.audit import log as audit
from motcua.audit.log import Actor
from motcua.signing import pki
from motcua.signing.models import SigningCredential
from motcua.units.models import Unit

logger = logging.getLogger(__name__)

DEMO_FOLDER = "demo"
CA_CERT_FILE = "ca.pem"
CA_KEY_FILE = "ca.p12"


class NoCredential(LookupError):
    """Neither the unit nor the province has a signing certificate."""


@functools.cache
def _fernet(key: str) -> Fernet:
    digest = hashlib.sha256(("motcua-signing:" + key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(data: bytes) -> str:
    return _fernet(settings.PII_KEY).encrypt(data).decode()


def decrypt(token: str) -> bytes:
    return _fernet(settings.PII_KEY).decrypt(token.encode())


def signing_dir() -> Path:
    return Path(settings.SIGNING_DIR)


def demo_dir() -> Path:
    return signing_dir() / DEMO_FOLDER


def _ca_password() -> str:
    """The demo CA key's password: derived from PII_KEY, never stored."""
    return hmac.new(settings.PII_KEY.encode(), b"motcua-demo-ca", hashlib.sha256).hexdigest()


def archive_of(row: SigningCredential) -> bytes:
    if row.p12_encrypted:
        return decrypt(row.p12_encrypted)
    return Path(row.p12_path).read_bytes()


def password_of(row: SigningCredential) -> str:
    return decrypt(row.password_encrypted).decode()


def credential_row(unit: Unit | None) -> SigningCredential:
    """The unit's credential, else the province-wide one; :class:`NoCredential` if neither."""
    own = SigningCredential.objects.filter(unit=unit).first() if unit else None
    chosen = own or SigningCredential.objects.filter(unit__isnull=True).first()
    if chosen is None:
        name = unit.name if unit else "—"
        raise NoCredential(
            f"đơn vị “{name}” chưa có chứng thư ký số và không có chứng thư dùng chung "
            "(motcua signing load-p12) / no signing certificate for this unit"
        )
    return chosen


def load_row(row: SigningCredential) -> tuple[bytes, str]:
    """The PKCS#12 archive and its password."""
    return archive_of(row), password_of(row)


@dataclass(frozen=True)
class Stored:
    row: SigningCredential
    created: bool


def store(
    unit: Unit | None,
    archive: bytes,
    password: str,
    *,
    actor: Actor,
    path: Path | None = None,
    is_demo: bool = False,
) -> Stored:
    """Check the archive opens and signs, then save it as the unit's credential (audited).

    With ``path`` only the path is kept (the file stays where it is); otherwise the archive
    is stored encrypted. A unit's earlier credential is replaced.
    """
    credential = pki.from_pkcs12(archive, password)
    fields = {
        "p12_path": str(path) if path else "",
        "p12_encrypted": "" if path else encrypt(archive),
        "password_encrypted": encrypt(password.encode()),
        "subject": credential.subject,
        "issuer": _issuer(credential.certificate),
        "fingerprint": credential.fingerprint,
        "not_after": credential.certificate.not_valid_after_utc,
        "is_demo": is_demo,
        "loaded_by": audit.actor_label(actor),
    }
    with transaction.atomic():
        row, created = SigningCredential.objects.update_or_create(unit=unit, defaults=fields)
        audit.record(
            "signing.credential",
            actor=actor,
            object_type="unit",
            object_id=unit.pk if unit else "",
            subject=credential.subject,
            fingerprint=credential.fingerprint,
            demo=is_demo,
            replaced=not created,
        )
    return Stored(row, created)


def _issuer(cert: x509.Certificate) -> str:
    names = cert.issuer.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.issuer.rfc4514_string()


# --- trust roots ----------------------------------------------------------------------


def trust_roots() -> list[x509.Certificate]:
    """The demo authority (if any) and every certificate in ``SIGNING_TRUST_ROOTS``."""
    roots: list[x509.Certificate] = []
    demo = demo_dir() / CA_CERT_FILE
    paths = ([demo] if demo.exists() else []) + [Path(p) for p in settings.SIGNING_TRUST_ROOTS]
    for path in paths:
        try:
            roots += pki.load_pem_certificates(path.read_bytes())
        except (OSError, ValueError) as exc:
            logger.error("signing: trust root %s cannot be read: %s", path, exc)
    return roots


# --- the demo authority ---------------------------------------------------------------


def demo_authority() -> pki.Credential:
    """The demo CA under ``SIGNING_DIR/demo``, created on first use."""
    folder = demo_dir()
    key_file = folder / CA_KEY_FILE
    if key_file.exists():
        return pki.from_pkcs12(key_file.read_bytes(), _ca_password())
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    authority = pki.new_authority()
    key_file.write_bytes(pki.to_pkcs12(authority, _ca_password()))
    key_file.chmod(0o600)
    (folder / CA_CERT_FILE).write_bytes(pki.to_pem(authority.certificate))
    return authority


def _demo_file(unit: Unit | None) -> Path:
    name = f"unit-{unit.pk}.p12" if unit else "province.p12"
    return demo_dir() / name


def demo_certificate(
    authority: pki.Credential, unit: Unit | None, name: str, *, actor: Actor
) -> Stored:
    """Issue a demo certificate for ``unit`` (None: the province-wide one) and store it."""
    signer = pki.issue_signer(authority, name)
    password = pki.new_password()
    path = _demo_file(unit)
    path.write_bytes(pki.to_pkcs12(signer, password))
    path.chmod(0o600)
    return store(unit, path.read_bytes(), password, actor=actor, path=path, is_demo=True)


@dataclass(frozen=True)
class DemoSummary:
    authority: str
    issued: int
    kept: int


def demo_pki(
    units: list[Unit] | None = None, *, actor: Actor = "demo-pki", fallback_name: str = ""
) -> DemoSummary:
    """A demo CA and a certificate for every unit (and the province-wide fallback).

    Idempotent: units that already have a credential keep it; running it again after
    adding units gives only those a certificate.
    """
    authority = demo_authority()
    targets = list(Unit.objects.filter(valid_to__isnull=True)) if units is None else units
    have = set(SigningCredential.objects.values_list("unit_id", flat=True))
    issued = kept = 0
    if None not in have:
        demo_certificate(authority, None, fallback_name or _province_name(), actor=actor)
        issued += 1
    else:
        kept += 1
    for unit in targets:
        if unit.pk in have:
            kept += 1
            continue
        demo_certificate(authority, unit, unit.name, actor=actor)
        issued += 1
    return DemoSummary(pki.common_name(authority.certificate), issued, kept)


def _province_name() -> str:
    province = Unit.objects.filter(level="province", valid_to__isnull=True).order_by("pk").first()
    return province.name if province else "UBND tỉnh"
