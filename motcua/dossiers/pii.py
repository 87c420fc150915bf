"""Personal data on dossiers (Decree 13/2023/NĐ-CP): stored encrypted, shown masked.

An applicant's ID number, other identifiers, phone and e-mail go into one encrypted JSON
blob (``Dossier.pii``, Fernet with a key derived from settings.PII_KEY). The dossier row
also keeps a masked ID and phone for lists, and a keyed hash of the ID number so an
officer can find a dossier by exact ID number without decrypting every row. Reading the
blob is done only through :func:`reveal`, whose callers must record the access in the
audit trail.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings

from motcua.dossiers.formats import canonical_bytes


@functools.cache
def _fernet(key: str) -> Fernet:
    digest = hashlib.sha256(("motcua-pii:" + key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@functools.cache
def _hash_key(key: str) -> bytes:
    return hashlib.sha256(("motcua-pii-hash:" + key).encode()).digest()


def encrypt(data: dict[str, Any]) -> str:
    """The encrypted form of ``data``; an empty dict gives an empty string."""
    if not any(data.values()):
        return ""
    payload = canonical_bytes(data)
    return _fernet(settings.PII_KEY).encrypt(payload).decode()


def reveal(token: str) -> dict[str, Any]:
    """Decrypt a ``Dossier.pii`` value. The caller records the access (audit trail)."""
    if not token:
        return {}
    return dict(json.loads(_fernet(settings.PII_KEY).decrypt(token.encode())))


def id_hash(number: str) -> str:
    """Keyed hash of an ID number, for exact-match search."""
    cleaned = "".join(number.split()).upper()
    if not cleaned:
        return ""
    return hmac.digest(_hash_key(settings.PII_KEY), cleaned.encode(), "sha256").hex()


def mask(value: str, visible: int = 3) -> str:
    """``0123456789`` -> ``*******789``: only the last ``visible`` characters show."""
    cleaned = "".join(value.split())
    if len(cleaned) <= visible:
        return "*" * len(cleaned)
    return "*" * (len(cleaned) - visible) + cleaned[-visible:]
