"""Turning one raw record into what the writer needs, without touching the database.

This is the CPU-heavy part of an import (decode, validate, canonicalise, hash, encrypt the
personal data, encode the JSON columns), so it can run in worker processes: its input is a
record or a line of JSON text and its output is a small picklable tuple — the dossier row
ready for the database (``id`` left empty), its payment rows, its indicator facts
(``facts_of``, counted into the aggregates if the dossier turns out to be new), and the
canonical record as JSON text, decoded again only when the dossier turns out to have changed.

On PostgreSQL the rows travel as ``COPY`` text (the columns after the id, tab-separated and
escaped, :func:`copy_text`): one string pickles and is written far more cheaply than a list
of fifty values, and the importing process only puts the id in front.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db.models import DateTimeField, JSONField

from motcua.core.bulk import copy_field, copy_text
from motcua.dossiers import formats as f
from motcua.dossiers import pii
from motcua.dossiers.ingest.normalize import Normalized, Normalizer, Rejected, columns_of
from motcua.dossiers.ingest.readers import loads
from motcua.dossiers.models import Dossier
from motcua.indicators.facts import FactReader, PackedFacts, pack_facts

Row = list[Any]
# Dossier columns whose value a new dossier takes from the import itself.
PAYMENT_COLUMNS = (
    "dossier_id",
    "reference",
    "amount",
    "channel",
    "gateway",
    "platform_flag",
    "state",
    "at",
)


class Prepared(NamedTuple):
    where: str
    code: str
    hash: str
    text: bytes  # canonical record, sorted JSON (UTF-8)
    unit_id: int
    procedure_id: int
    # The dossier row in DOSSIER_COLUMNS order with row[0] (id) None; on PostgreSQL the
    # COPY text of the columns after the id.
    row: Row | str
    # (reference, row): payment rows in PAYMENT_COLUMNS order with row[0] (dossier) None; on
    # PostgreSQL the COPY text of the columns after the dossier.
    payments: list[tuple[str, Row | str]]
    occurred: Any  # the created event's occurred_at, adapted (COPY text on PostgreSQL)
    facts: PackedFacts | None  # the dossier's indicator facts as a new one (None: unknown)

    def normalized(self) -> Normalized:
        return Normalized(
            self.code, json.loads(self.text), self.hash, self.unit_id, self.procedure_id
        )


class Failed(NamedTuple):
    where: str
    code: str
    problems: list[tuple[str, str, str]]  # (field, value, reason)


Outcome = Prepared | Failed
DOSSIER_FIELDS = list(Dossier._meta.concrete_fields)
DOSSIER_COLUMNS = [str(fld.column) for fld in DOSSIER_FIELDS]


def personal_columns(personal: dict[str, Any]) -> dict[str, Any]:
    """pii (encrypted), masked ID and phone and the ID hash, from the plain personal data."""
    number = personal.get("SoGiayToChuHoSo", "")
    phone = personal.get("SoDienThoai", "")
    return {
        "pii": pii.encrypt(personal) if personal else "",
        "applicant_id_masked": pii.mask(number) if number else "",
        "applicant_id_hash": pii.id_hash(number) if number else "",
        "phone_masked": pii.mask(phone) if phone else "",
    }


class Preparer:
    """Callable on ``(where, raw, problem)``; one per process."""

    def __init__(
        self,
        normalizer: Normalizer,
        *,
        postgres: bool,
        now: dt.datetime,
        facts: FactReader | None = None,
    ) -> None:
        self.normalizer = normalizer
        self.postgres = postgres
        self.now = now
        self.facts = facts
        # Dates travel as text (cheap to pickle): ISO 8601 with offset for COPY, naive UTC
        # for SQLite (how Django stores them there).
        self.adapt_dt: Callable[[Any], Any] = _iso_text if postgres else _utc_text
        now_text = self.adapt_dt(now)

        def adapt_dt(value: Any) -> Any:  # created_at and updated_at are `now`
            return now_text if value is now else self.adapt_dt(value)

        self.pairs = [(str(fld.attname), self._converter(fld, adapt_dt)) for fld in DOSSIER_FIELDS]
        # The same with JSON columns written by formats.plain_json (Normalized.plain).
        self.plain_pairs = [
            (name, f.plain_json if conv is f.to_json else conv) for name, conv in self.pairs
        ]

    def _converter(self, fld: Any, adapt_dt: Callable[[Any], Any]) -> Callable[[Any], Any] | None:
        if isinstance(fld, JSONField):
            return f.to_json
        if isinstance(fld, DateTimeField):
            return adapt_dt
        return None

    def __call__(
        self, where: str, raw: dict[str, Any] | str | None, problem: str | None
    ) -> Outcome:
        if raw is None:
            return Failed(where, "", [("", "", problem or "unreadable")])
        if isinstance(raw, str):
            try:
                raw = loads(raw)
            except json.JSONDecodeError as exc:
                reason = f"invalid JSON: {exc.msg} (column {exc.colno})"
                return Failed(where, "", [("", "", reason)])
            if not isinstance(raw, dict):
                return Failed(where, "", [("", "", "expected a JSON object")])
        try:
            item = self.normalizer.normalize(raw)
        except Rejected as rejected:
            problems = [(p.field, p.value, p.reason) for p in rejected.problems]
            return Failed(where, rejected.code, problems)
        return self.prepare(where, item)

    def prepare(self, where: str, item: Normalized) -> Prepared:
        values, personal = columns_of(item, now=self.now)
        values.update(personal_columns(personal))
        values.update(
            id=None,
            sync_state="",
            synced_at=None,
            content_hash=item.hash,
            version=1,
            created_at=self.now,
        )
        facts = self.facts(values) if self.facts is not None else None
        pairs = self.plain_pairs if item.plain and f.orjson is not None else self.pairs
        row: Row | str = [
            values[name] if conv is None else conv(values[name]) for name, conv in pairs
        ]
        payments: list[tuple[str, Row | str]] = []
        for payment in item.canonical.get(f.PAYMENTS, ()):
            fields = f.payment_fields(payment)
            fields["at"] = self.adapt_dt(fields["at"])
            values_ = [fields[c] for c in PAYMENT_COLUMNS[1:]]
            if self.postgres:
                payments.append((fields["reference"], copy_text(values_)))
            else:
                payments.append((fields["reference"], [None, *values_]))
        occurred = self.adapt_dt(values["received_at"] or values["submitted_at"])
        if self.postgres:
            row = copy_text(row[1:])
            occurred = copy_field(occurred)
        return Prepared(
            where,
            item.code,
            item.hash,
            item.text,
            item.unit_id,
            item.procedure_id,
            row,
            payments,
            occurred,
            None if facts is None else pack_facts(facts),
        )


def _iso_text(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the value's own offset (aware values only): PostgreSQL reads the
    instant from it."""
    return None if value is None else value.isoformat()


def _utc_text(value: dt.datetime | None) -> str | None:
    return None if value is None else f.to_utc_text(value)
