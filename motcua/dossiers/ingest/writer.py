"""Writing one batch of normalised dossiers: the fast path for new ones, the ORM for changes.

New dossiers (the bulk of any first import) skip model instances altogether: their ids are
reserved up front, then the dossier, its ``created`` event and its payments are written as
plain rows — ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Changed dossiers are rarer
and go through the ORM so their old values can be compared and recorded in the event.
Unchanged dossiers (same content hash) cost one indexed lookup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from motcua.core.bulk import copy_field, write_copy_text, write_rows
from motcua.dossiers import formats as f
from motcua.dossiers import pii
from motcua.dossiers.ingest.normalize import Normalized, Problem, columns_of
from motcua.dossiers.ingest.prepare import (
    DOSSIER_COLUMNS,
    PAYMENT_COLUMNS,
    Prepared,
    personal_columns,
)
from motcua.dossiers.models import Dossier, DossierEvent, Payment
from motcua.indicators.facts import Bucket, FactTally, bucket_of

Row = dict[str, Any]
# Columns an import may change on an existing dossier (everything but identity/bookkeeping).
_FIXED = {"id", "code", "created_at", "sync_state", "synced_at", "version", "content_hash"}
EVENT_COLUMNS = (
    "dossier_id",
    "seq",
    "kind",
    "recorded_at",
    "occurred_at",
    "actor_label",
    "source",
    "changes",
)


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[tuple[str, str, Problem]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Existing:
    id: int
    hash: str
    version: int


def _table(model: type[Any]) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


class Writer:
    def __init__(self, *, actor: str, now: dt.datetime) -> None:
        self.actor = actor
        self.now = now
        self.postgres = connection.vendor == "postgresql"
        self.recorded = now.isoformat() if self.postgres else f.to_utc_text(now)
        self.updatable = [
            fl.name for fl in Dossier._meta.concrete_fields if fl.attname not in _FIXED
        ]
        # The indicator aggregates: the facts of new dossiers are counted and appended as
        # they come; what must be recounted at the end is the dossiers changed (or new
        # without facts), and the buckets changed dossiers were in before.
        self.tally = FactTally()
        self.touched: list[int] = []
        self.old_buckets: set[Bucket] = set()
        # Every dossier this import created or changed (for dossiers_imported).
        self.imported: list[int] = []

    # -- the batch ---------------------------------------------------------------------

    def write(self, batch: Sequence[Prepared], source: str) -> BatchResult:
        result = BatchResult()
        existing = self._existing([item.code for item in batch])
        new: list[Prepared] = []
        changed: list[tuple[Prepared, _Existing]] = []
        for item in batch:
            found = existing.get(item.code)
            if found is None:
                new.append(item)
            elif found.hash == item.hash:
                result.unchanged += 1
            else:
                changed.append((item, found))
        payments = self._payments_check(new, changed, result)
        if result.problems:
            return result
        self._insert_new(new, source)
        result.created = len(new)
        updated = self._update(changed, payments, source)
        result.updated = updated
        result.unchanged += len(changed) - updated
        return result

    def _existing(self, codes: list[str]) -> dict[str, _Existing]:
        sql = f"SELECT code, id, content_hash, version FROM {_table(Dossier)} "  # noqa: S608
        sql += self._in("code", codes)
        if self.postgres:
            sql += " FOR UPDATE"  # the workflow may be changing one of them concurrently
        with connection.cursor() as cursor:
            cursor.execute(sql, self._in_params(codes))
            return {code: _Existing(pk, h, v) for code, pk, h, v in cursor.fetchall()}

    def _in(self, column: str, values: Sequence[Any]) -> str:
        """``column IN (…)``: one array parameter on PostgreSQL (cheap to bind)."""
        if self.postgres:
            return f"WHERE {column} = ANY(%s)"
        return f"WHERE {column} IN ({','.join(['%s'] * len(values))})"

    def _in_params(self, values: Sequence[Any]) -> list[Any]:
        return [list(values)] if self.postgres else list(values)

    # -- payments ----------------------------------------------------------------------

    def _payments_check(
        self, new: list[Prepared], changed: list[tuple[Prepared, _Existing]], result: BatchResult
    ) -> dict[str, int]:
        """Existing payment ids by reference; a reference of another dossier is an error."""
        owner: dict[str, tuple[Prepared, int | None]] = {}
        entries = [(item, None) for item in new] + [(item, found.id) for item, found in changed]
        for item, dossier_id in entries:
            for number, (reference, _row) in enumerate(item.payments, 1):
                if reference in owner:
                    where = f"{f.PAYMENTS}[{number}].MaGiaoDich"
                    other = owner[reference][0].code
                    problem = Problem(where, reference, f"also used by dossier {other}")
                    result.problems.append((item.where, item.code, problem))
                owner[reference] = (item, dossier_id)
        if not owner:
            return {}
        existing = self._payments(list(owner))
        for reference, (_pk, payment_dossier, payment_code) in existing.items():
            item, dossier_id = owner[reference]
            if payment_dossier != dossier_id:
                where = f"{f.PAYMENTS}.MaGiaoDich"
                problem = Problem(where, reference, f"belongs to dossier {payment_code} already")
                result.problems.append((item.where, item.code, problem))
        return {reference: pk for reference, (pk, _d, _c) in existing.items()}

    def _payments(self, references: list[str]) -> dict[str, tuple[int, int, str]]:
        """reference -> (payment id, dossier id, dossier code) of existing payments."""
        sql = (
            f"SELECT p.reference, p.id, p.dossier_id, d.code FROM {_table(Payment)} p "  # noqa: S608
            f"JOIN {_table(Dossier)} d ON d.id = p.dossier_id "
        )
        with connection.cursor() as cursor:
            cursor.execute(sql + self._in("p.reference", references), self._in_params(references))
            return {ref: (pk, dossier, code) for ref, pk, dossier, code in cursor.fetchall()}

    # -- new dossiers ------------------------------------------------------------------

    def _insert_new(self, new: list[Prepared], source: str) -> None:
        if not new:
            return
        ids = self._reserve_ids(len(new))
        self.imported.extend(ids)
        for pk, item in zip(ids, new, strict=True):
            if item.facts is None:
                self.touched.append(pk)
            else:
                self.tally.add_packed(item.facts)
        if self.postgres:
            self._copy_new(ids, new, source)
            return
        rows, events, payments = [], [], []
        created = DossierEvent.Kind.CREATED.value
        for pk, item in zip(ids, new, strict=True):
            row = item.row
            assert isinstance(row, list)
            row[0] = pk
            rows.append(row)
            events.append((pk, 1, created, self.recorded, item.occurred, self.actor, source, "{}"))
            for _reference, payment in item.payments:
                assert isinstance(payment, list)
                payment[0] = pk
                payments.append(payment)
        self._insert(Dossier, DOSSIER_COLUMNS, rows)
        self._insert(DossierEvent, EVENT_COLUMNS, events)
        self._insert(Payment, PAYMENT_COLUMNS, payments)

    def _copy_new(self, ids: list[int], new: list[Prepared], source: str) -> None:
        """PostgreSQL: the rows came as COPY text without their first column; the id goes
        in front of each."""
        rows = [f"{pk}\t{item.row}\n" for pk, item in zip(ids, new, strict=True)]
        write_copy_text(Dossier._meta.db_table, DOSSIER_COLUMNS, rows)
        # The created events: every column but occurred_at is the same for the batch.
        head = f"\t1\t{copy_field(DossierEvent.Kind.CREATED.value)}\t{copy_field(self.recorded)}\t"
        tail = f"\t{copy_field(self.actor)}\t{copy_field(source)}\t{{}}\n"
        events = [f"{pk}{head}{item.occurred}{tail}" for pk, item in zip(ids, new, strict=True)]
        write_copy_text(DossierEvent._meta.db_table, EVENT_COLUMNS, events)
        payments = [
            f"{pk}\t{payment}\n"
            for pk, item in zip(ids, new, strict=True)
            for _reference, payment in item.payments
        ]
        if payments:
            write_copy_text(Payment._meta.db_table, PAYMENT_COLUMNS, payments)

    def _reserve_ids(self, count: int) -> list[int]:
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [Dossier._meta.db_table, count],
                )
                return [pk for (pk,) in cursor.fetchall()]
            # SQLite: the import transaction holds the write lock (BEGIN IMMEDIATE).
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_table(Dossier)}")  # noqa: S608
            start = int(cursor.fetchone()[0]) + 1
            return list(range(start, start + count))

    def _insert(self, model: type[Any], columns: Sequence[str], rows: Sequence[Any]) -> None:
        if rows:
            write_rows(model._meta.db_table, columns, rows)

    # -- changed dossiers --------------------------------------------------------------

    def _update(
        self,
        changed: list[tuple[Prepared, _Existing]],
        payment_ids: dict[str, int],
        source: str,
    ) -> int:
        if not changed:
            return 0
        payments = {p.reference: p for p in Payment.objects.filter(pk__in=payment_ids.values())}
        objects = Dossier.objects.in_bulk([found.id for _, found in changed])
        events: list[DossierEvent] = []
        for prepared, found in changed:
            item = prepared.normalized()
            dossier = objects[found.id]
            self.old_buckets.add(bucket_of(dossier.unit_id, dossier.received_at))
            changes = self._apply(dossier, item)
            self.touched.append(dossier.pk)
            self.imported.append(dossier.pk)
            changes.update(self._apply_payments(dossier, item, payments))
            dossier.content_hash = item.hash
            if changes:
                dossier.version += 1
                events.append(
                    DossierEvent(
                        dossier=dossier,
                        seq=dossier.version,
                        kind=DossierEvent.Kind.UPDATED,
                        actor_label=self.actor,
                        source=source,
                        changes=changes,
                    )
                )
        Dossier.objects.bulk_update(
            list(objects.values()), [*self.updatable, "version", "content_hash"], batch_size=500
        )
        DossierEvent.objects.bulk_create(events)
        return len(events)

    def _apply(self, dossier: Dossier, item: Normalized) -> dict[str, list[Any]]:
        values, personal = columns_of(item, now=self.now)
        changes: dict[str, list[Any]] = {}
        for name, new in values.items():
            old = getattr(dossier, name)
            if old != new:
                if name not in ("updated_at", "applicant_key"):
                    changes[name] = [_jsonable(old), _jsonable(new)]
                setattr(dossier, name, new)
        old_personal = pii.reveal(dossier.pii)
        if old_personal != personal:
            for key in sorted(set(old_personal) | set(personal)):
                if old_personal.get(key) != personal.get(key):
                    old, new = old_personal.get(key), personal.get(key)
                    changes[f"pii.{key}"] = [_hidden(old), _hidden(new)]
            for name, value in personal_columns(personal).items():
                setattr(dossier, name, value)
        return changes

    def _apply_payments(
        self, dossier: Dossier, item: Normalized, payments: dict[str, Payment]
    ) -> dict[str, list[Any]]:
        changes: dict[str, list[Any]] = {}
        for new_item in item.canonical.get(f.PAYMENTS, ()):
            fields = f.payment_fields(new_item)
            payment = payments.get(fields["reference"])
            old_item = _payment_item(payment) if payment else None
            if old_item == new_item:
                continue
            changes[f"{f.PAYMENTS}.{fields['reference']}"] = [old_item, new_item]
            if payment is None:
                Payment.objects.create(dossier=dossier, **fields)
            else:
                Payment.objects.filter(pk=payment.pk).update(**fields)
        return changes


def _payment_item(payment: Payment) -> dict[str, Any]:
    return f.payment_item(
        payment.reference,
        payment.amount,
        payment.channel,
        payment.gateway,
        payment.platform_flag,
        payment.state,
        payment.at,
    )


def _hidden(value: Any) -> Any:
    """Personal data in an event: masked text, or only the number of list items."""
    if value is None:
        return None
    if isinstance(value, str):
        return pii.mask(value)
    return f"{len(value)} mục"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return f.format_datetime(value)
    return value
