"""Receiving dossiers from other systems (``POST /api/sync/dossiers``).

The body is the DVCQG sync JSON — one record, or an array of records, each either a bare
HoSo or ``{"hoSo": …, "tienTrinhDongBo": […]}`` — and goes through the file importer
(``dossiers.ingest.import_records``): the same validation, the same error report, all or
nothing, idempotent by MaHoSo (an unchanged record changes nothing). A source may only
write dossiers of its own units: a record whose dossier is, or would become, another unit's
is rejected and nothing is written.

Back-pressure: at most ``SYNC_INBOUND_CONCURRENCY`` imports run at once in a process; the
caller gets :class:`Busy` (HTTP 429 with Retry-After) instead of waiting or losing data.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from motcua.dossiers.ingest import ImportReport, RecordError, import_records
from motcua.dossiers.models import Dossier
from motcua.sync.models import InboundSource

MAX_RECORDS = 1000
_slots: threading.BoundedSemaphore | None = None
_slots_guard = threading.Lock()


class Busy(Exception):
    """Too many imports running: try again after ``retry_after`` seconds."""

    retry_after = 1


class _OutOfScope(Exception):
    pass


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    with _slots_guard:
        if _slots is None:
            _slots = threading.BoundedSemaphore(settings.SYNC_INBOUND_CONCURRENCY)
        return _slots


def authenticate(key: str) -> InboundSource | None:
    if not key:
        return None
    return InboundSource.objects.filter(key_hash=InboundSource.hash_key(key), active=True).first()


def records_of(body: Any) -> list[dict[str, Any]]:
    """The records of a request body; ValueError says what is wrong with its shape."""
    items = body if isinstance(body, list) else [body]
    if not items:
        raise ValueError("empty: expected a DVCQG record or an array of records")
    if len(items) > MAX_RECORDS:
        raise ValueError(f"too many records ({len(items)}); send at most {MAX_RECORDS}")
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ValueError(f"record {n}: expected a JSON object")
    return items


def _code(record: dict[str, Any]) -> str:
    hoso = record.get("hoSo", record)
    return str(hoso.get("MaHoSo", "")).strip() if isinstance(hoso, dict) else ""


@contextlib.contextmanager
def slot() -> Iterator[None]:
    """Hold one of the ``SYNC_INBOUND_CONCURRENCY`` import slots, or raise :class:`Busy`.

    Taken before anything touches the database, so a refused request costs nothing."""
    slots = _semaphore()
    if not slots.acquire(blocking=False):
        raise Busy
    try:
        yield
    finally:
        slots.release()


def receive(source: InboundSource, records: Sequence[dict[str, Any]]) -> ImportReport:
    """Import ``records`` for ``source`` (the caller holds a :func:`slot`)."""
    return _import(source, records)


def _import(source: InboundSource, records: Sequence[dict[str, Any]]) -> ImportReport:
    scope = set(source.units.values_list("pk", flat=True))
    codes = [_code(r) for r in records]
    report = ImportReport()
    try:
        with transaction.atomic():  # may wait for SQLite's write lock, and give up
            _serialise()
            _check_scope(codes, scope, source.name, report)  # dossiers that exist already
            if report.ok:
                report = import_records(records, source=f"api:{source.name}", actor=source.name)
            if report.ok:
                _check_scope(codes, scope, source.name, report)  # dossiers as imported
            if not report.ok:
                raise _OutOfScope
    except _OutOfScope:
        report.created = report.updated = report.unchanged = 0
    except DatabaseError as exc:
        report = ImportReport()
        report.add_error(RecordError("database", "batch", "", "", str(exc).strip()))
    return report


# Inbound imports run one at a time across processes (PostgreSQL advisory lock; SQLite
# serialises writers anyway): the indicator aggregates (indicators.facts.refresh_buckets)
# are recounted per bucket without a lock, and two imports recounting the same bucket at
# once would both insert their count.
INBOUND_LOCK = 7_262_001


def _serialise() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INBOUND_LOCK])


def _check_scope(codes: list[str], scope: set[int], source: str, report: ImportReport) -> None:
    where = {code: n for n, code in enumerate(codes, 1)}
    others = Dossier.objects.filter(code__in=[c for c in codes if c]).exclude(unit_id__in=scope)
    for code in others.values_list("code", flat=True):
        reason = f"the dossier's unit is not one of {source}'s units"
        report.add_error(
            RecordError(f"api:{source}", f"record {where[code]}", "MaHoSo", code, reason, code)
        )
        report.rejected += 1
