"""A dossier's append-only history (lịch sử hồ sơ).

Rules:

- ``Dossier.version`` counts the dossier's events: a new dossier has version 1 and one
  ``created`` event with ``seq`` 1; every further event increments ``version`` and gets
  ``seq`` equal to the new version. Events are never edited or deleted.
- :func:`append_event` runs inside the caller's transaction with the dossier row locked
  (``select_for_update``). It also refuses a stale in-memory dossier: the version is bumped
  with a conditional UPDATE, so two writers can never both claim the same ``seq``.
- ``changes`` is ``{field: [old, new]}`` in JSON-safe values (datetimes and dates as ISO
  8601 strings, decimals as strings, choices as their plain value).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.functional import Promise

from motcua.dossiers.models import Dossier, DossierEvent

Actor = User | AnonymousUser | str | None

# Not part of the content hash: the key, the bookkeeping, the sync state, and the encrypted
# blob (Fernet output differs on every encryption; applicant_id_hash stands for it).
HASH_EXCLUDED = frozenset(
    {"id", "pii", "content_hash", "version", "created_at", "updated_at", "sync_state", "synced_at"}
)


class StaleDossier(RuntimeError):
    """The in-memory dossier's version is not the stored one (it was not locked)."""


def actor_label(actor: Actor) -> str:
    """The name kept with an event: the username, a system label ("import") or "system"."""
    if isinstance(actor, User):
        return actor.get_username()
    if isinstance(actor, str) and actor:
        return actor
    return "system"


def json_value(value: Any) -> Any:
    """``value`` as JSON: ISO 8601 for dates and datetimes (aware ones in UTC), str for
    decimals and lazy text."""
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return json_value(value.value)
    if isinstance(value, Decimal | Promise):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every key whose JSON value differs (missing = None)."""
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(old) | set(new)):
        before, after = json_value(old.get(key)), json_value(new.get(key))
        if before != after:
            changes[key] = [before, after]
    return changes


def append_event(
    dossier: Dossier,
    kind: str,
    *,
    actor: Actor,
    changes: Mapping[str, Any],
    occurred_at: dt.datetime | None = None,
    source: str = "",
) -> DossierEvent:
    """Append one event to ``dossier``'s history and bump ``dossier.version``.

    The caller holds the row lock in an open transaction. Only ``version`` is written to
    the dossier row here; the caller saves the fields it changed.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_event must run inside a transaction with the dossier locked")
    seq = dossier.version + 1 if kind != DossierEvent.Kind.CREATED else 1
    if kind == DossierEvent.Kind.CREATED:
        updated = Dossier.objects.filter(pk=dossier.pk).update(version=1)
    else:
        updated = Dossier.objects.filter(pk=dossier.pk, version=dossier.version).update(version=seq)
    if updated != 1:
        raise StaleDossier(f"dossier {dossier.pk}: version {dossier.version} is not current")
    dossier.version = seq
    return DossierEvent.objects.create(
        dossier=dossier,
        seq=seq,
        kind=kind,
        occurred_at=occurred_at,
        actor_label=actor_label(actor),
        source=source,
        changes=json_value(dict(changes)),
    )


def content_fields(dossier: Dossier) -> dict[str, Any]:
    """The stored content of a dossier as JSON values, procedure and unit by their codes."""
    data: dict[str, Any] = {}
    for field in Dossier._meta.concrete_fields:
        if field.name in HASH_EXCLUDED:
            continue
        if field.name == "procedure":
            data["procedure"] = dossier.procedure.code
        elif field.name == "unit":
            data["unit"] = dossier.unit.code
        else:
            data[field.name] = json_value(getattr(dossier, field.attname))
    return data


def content_hash(dossier: Dossier) -> str:
    """sha256 (hex) of the canonical JSON of :func:`content_fields`.

    Canonical: keys sorted, no whitespace (``","`` and ``":"``), UTF-8 without escapes,
    datetimes as ISO 8601 in UTC as Django holds them. Equal content gives an equal hash on
    any database, so it can tell an unchanged re-import or a tampered row.
    """
    text = json.dumps(
        content_fields(dossier), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()
