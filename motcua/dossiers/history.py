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
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.functional import Promise

from motcua.audit.log import Actor, actor_label
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.signals import dossier_changed

# Left out of the content a "created" event records: the key, the bookkeeping, the sync state,
# and the encrypted blob (personal data is never copied into the history in clear).
CONTENT_EXCLUDED = frozenset(
    {
        "id",
        "pii",
        "content_hash",
        "version",
        "created_at",
        "updated_at",
        "sync_state",
        "synced_at",
        "applicant_key",  # derived from applicant_name (search)
    }
)


class StaleDossier(RuntimeError):
    """The in-memory dossier's version is not the stored one (it was not locked)."""


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
    event = DossierEvent.objects.create(
        dossier=dossier,
        seq=seq,
        kind=kind,
        occurred_at=occurred_at,
        actor_label=actor_label(actor),
        source=source,
        changes=json_value(dict(changes)),
    )
    dossier_changed.send(sender=Dossier, dossier=dossier, event=event)
    return event


def content_fields(dossier: Dossier) -> dict[str, Any]:
    """The stored content of a dossier as JSON values, procedure and unit by their codes."""
    data: dict[str, Any] = {}
    for field in Dossier._meta.concrete_fields:
        if field.name in CONTENT_EXCLUDED:
            continue
        if field.name == "procedure":
            data["procedure"] = dossier.procedure.code
        elif field.name == "unit":
            data["unit"] = dossier.unit.code
        else:
            data[field.name] = json_value(getattr(dossier, field.attname))
    return data


def content_hash(dossier: Dossier) -> str:
    """The hash import compares against: that of the dossier's canonical DVCQG record.

    The dossier is written out as export does and read back through the importer's
    normaliser, so a row changed locally (a status change) and the same dossier imported
    from a file hash alike exactly when their DVCQG content is the same: re-importing an
    unchanged record is a no-op, and any difference is seen.
    """
    from motcua.dossiers import export
    from motcua.dossiers.ingest.normalize import Lookups, Normalizer

    record = export.exported_one(dossier)
    unit_codes = {dossier.unit_id: dossier.unit.code} if dossier.unit.code else {}
    lookups = Lookups(
        unit_by_code={dossier.unit.code: dossier.unit_id} if dossier.unit.code else {},
        units_by_name={},
        unit_code_of=unit_codes,
        procedure_by_code={dossier.procedure.code: dossier.procedure_id},
    )
    hoso = {"hoSo": record.hoso, "tienTrinhDongBo": record.steps}
    return Normalizer(lookups, None).normalize(hoso).hash
