"""Writing one batch of normalised dossiers: the fast path for new ones, the ORM for changes.

New dossiers (the bulk of any first import) skip model instances altogether: their ids are
reserved up front, then the dossier, its ``created`` event and its payments are written as
plain rows — ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Changed dossiers are rarer
and go through the ORM so their old values can be compared and recorded in the event.
Unchanged dossiers (same content hash) cost one indexed lookup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import DateTimeField, JSONField

from motcua.dossiers import formats as f
from motcua.dossiers import pii
from motcua.dossiers.ingest.normalize import Normalized, Problem, columns_of
from motcua.dossiers.models import Dossier, DossierEvent, Payment

Row = dict[str, Any]
Entry = tuple[str, Normalized]  # (where, record)
# Columns an import may change on an existing dossier (everything but identity/bookkeeping).
_FIXED = {"id", "code", "created_at", "sync_state", "synced_at", "version", "content_hash"}


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


_dumps = f.to_json


def _table(model: type[Any]) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


class Writer:
    def __init__(self, *, actor: str, now: dt.datetime) -> None:
        self.actor = actor
        self.now = now
        self.postgres = connection.vendor == "postgresql"
        fields = [fl for fl in Dossier._meta.concrete_fields]
        self.columns = [str(fl.column) for fl in fields]
        self.convert = [self._converter(fl) for fl in fields]
        self.event_columns = [
            "dossier_id",
            "seq",
            "kind",
            "recorded_at",
            "occurred_at",
            "actor_label",
            "source",
            "changes",
        ]
        self.payment_columns = [
            "dossier_id",
            "reference",
            "amount",
            "channel",
            "gateway",
            "platform_flag",
            "state",
            "at",
        ]
        self.updatable = [fl.name for fl in fields if fl.attname not in _FIXED]

    def _converter(self, fld: Any) -> Callable[[Any], Any] | None:
        if isinstance(fld, JSONField):
            return _dumps
        if isinstance(fld, DateTimeField) and not self.postgres:
            return self._dt
        return None

    def _dt(self, value: dt.datetime | None) -> str | None:
        return None if value is None else f.to_utc_text(value)

    # -- the batch ---------------------------------------------------------------------

    def write(self, batch: Sequence[Entry], source: str) -> BatchResult:
        result = BatchResult()
        existing = self._existing([item.code for _, item in batch])
        new: list[Entry] = []
        changed: list[tuple[Entry, _Existing]] = []
        for entry in batch:
            found = existing.get(entry[1].code)
            if found is None:
                new.append(entry)
            elif found.hash == entry[1].hash:
                result.unchanged += 1
            else:
                changed.append((entry, found))
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
        marks = ",".join(["%s"] * len(codes))
        sql = (
            f"SELECT code, id, content_hash, version FROM {_table(Dossier)} "  # noqa: S608
            f"WHERE code IN ({marks})"
        )
        if self.postgres:
            sql += " FOR UPDATE"
        with connection.cursor() as cursor:
            cursor.execute(sql, codes)
            return {code: _Existing(pk, h, v) for code, pk, h, v in cursor.fetchall()}

    # -- payments ----------------------------------------------------------------------

    def _payments_check(
        self, new: list[Entry], changed: list[tuple[Entry, _Existing]], result: BatchResult
    ) -> dict[str, Payment]:
        """Existing payments by reference; a reference used by another dossier is an error."""
        owner: dict[str, tuple[Entry, int | None]] = {}
        entries = [(entry, None) for entry in new] + [(e, found.id) for e, found in changed]
        for entry, dossier_id in entries:
            for number, item in enumerate(entry[1].canonical.get(f.PAYMENTS, []), 1):
                reference = item["MaGiaoDich"]
                if reference in owner:
                    where = f"{f.PAYMENTS}[{number}].MaGiaoDich"
                    other = owner[reference][0][1].code
                    problem = Problem(where, reference, f"also used by dossier {other}")
                    result.problems.append((entry[0], entry[1].code, problem))
                owner[reference] = (entry, dossier_id)
        if not owner:
            return {}
        found = Payment.objects.filter(reference__in=list(owner)).select_related("dossier")
        existing = {payment.reference: payment for payment in found}
        for reference, payment in existing.items():
            entry, dossier_id = owner[reference]
            if payment.dossier_id != dossier_id:
                where = f"{f.PAYMENTS}.MaGiaoDich"
                problem = Problem(
                    where, reference, f"belongs to dossier {payment.dossier.code} already"
                )
                result.problems.append((entry[0], entry[1].code, problem))
        return existing

    # -- new dossiers ------------------------------------------------------------------

    def _insert_new(self, new: list[Entry], source: str) -> None:
        if not new:
            return
        ids = self._reserve_ids(len(new))
        rows, events, payments = [], [], []
        for pk, (_, item) in zip(ids, new, strict=True):
            values = self._new_values(pk, item)
            rows.append([values[c] if conv is None else conv(values[c]) for c, conv in self._pairs])
            occurred = values["received_at"] or values["submitted_at"]
            events.append(
                [pk, 1, DossierEvent.Kind.CREATED.value, self.now, occurred, self.actor, source, {}]
            )
            for payment in item.canonical.get(f.PAYMENTS, ()):
                fields = f.payment_fields(payment)
                payments.append([pk, *(fields[c] for c in self.payment_columns[1:])])
        self._insert(Dossier, self.columns, rows)
        self._insert(DossierEvent, self.event_columns, events, json_at=7, dt_at=(3, 4))
        self._insert(Payment, self.payment_columns, payments, dt_at=(7,))

    @property
    def _pairs(self) -> list[tuple[str, Callable[[Any], Any] | None]]:
        pairs = getattr(self, "_pairs_cache", None)
        if pairs is None:
            pairs = self._pairs_cache = list(zip(self.columns, self.convert, strict=True))
        return pairs

    def _new_values(self, pk: int, item: Normalized) -> Row:
        values, personal = columns_of(item, now=self.now)
        values.update(_personal_columns(personal))
        values.update(
            id=pk,
            sync_state="",
            synced_at=None,
            content_hash=item.hash,
            version=1,
            created_at=self.now,
        )
        return values

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

    def _insert(
        self,
        model: type[Any],
        columns: list[str],
        rows: list[list[Any]],
        *,
        json_at: int | None = None,
        dt_at: tuple[int, ...] = (),
    ) -> None:
        if not rows:
            return
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        if json_at is not None or (dt_at and not self.postgres):
            for row in rows:
                if json_at is not None:
                    row[json_at] = _dumps(row[json_at])
                for i in () if self.postgres else dt_at:
                    row[i] = self._dt(row[i])
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {_table(model)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {_table(model)} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, rows)

    # -- changed dossiers --------------------------------------------------------------

    def _update(
        self, changed: list[tuple[Entry, _Existing]], payments: dict[str, Payment], source: str
    ) -> int:
        if not changed:
            return 0
        objects = Dossier.objects.in_bulk([found.id for _, found in changed])
        events: list[DossierEvent] = []
        for (_, item), found in changed:
            dossier = objects[found.id]
            changes = self._apply(dossier, item)
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
                if name != "updated_at":
                    changes[name] = [_jsonable(old), _jsonable(new)]
                setattr(dossier, name, new)
        old_personal = pii.reveal(dossier.pii)
        if old_personal != personal:
            for key in sorted(set(old_personal) | set(personal)):
                if old_personal.get(key) != personal.get(key):
                    old, new = old_personal.get(key), personal.get(key)
                    changes[f"pii.{key}"] = [_hidden(old), _hidden(new)]
            for name, value in _personal_columns(personal).items():
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


def _personal_columns(personal: Row) -> Row:
    number = personal.get("SoGiayToChuHoSo", "")
    phone = personal.get("SoDienThoai", "")
    return {
        "pii": pii.encrypt(personal) if personal else "",
        "applicant_id_masked": pii.mask(number) if number else "",
        "applicant_id_hash": pii.id_hash(number) if number else "",
        "phone_masked": pii.mask(phone) if phone else "",
    }


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
