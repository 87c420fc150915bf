"""From a dossier to the facts indicators count, and the daily aggregate of those facts.

:func:`facts_of` is the one place that reads a dossier the way Decision 766 does; the
rules are in its docstring. Aggregates are kept per *bucket*: one unit's dossiers received
on one local day (dossiers not yet received form a bucket with no day). Any change to a
dossier recomputes its old and new buckets (:func:`refresh_buckets`), in the caller's
transaction, so the aggregate always equals a fresh count. Rows are additive (equal keys
sum), so a dossier that is new can instead be counted in by appending a row for its facts
(:func:`append_counts`, :class:`FactTally`); the importer does that with facts its worker
processes computed (:class:`FactReader`). A full rebuild computes the same facts in SQL
for the dossiers that need none of facts_of's harder rules (the end of this module), and
property tests hold the two equal.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import datetime as dt
import functools
import itertools
import json
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import TruncDate

from motcua.calendar.services import WorkCalendar, current_calendar
from motcua.core.bulk import indexes_set_aside, write_rows
from motcua.dossiers.models import FINISHED_STATUSES, Dossier, SyncState
from motcua.indicators import series
from motcua.indicators.catalogue import certified_by_key
from motcua.indicators.models import DailyFact
from motcua.indicators.period import local_zone
from motcua.indicators.windows import OPEN_LAG, SPAN_CLASS, span_key
from motcua.procedures.models import Procedure, ServiceLevel, ServiceLevelVersion

Bucket = tuple[int, dt.date | None]

# Population database code in DSKetNoiCSDL (the national population database, CSDLQG về dân cư).
POPULATION_DB_CODES = frozenset({"CSDLQGDC", "DANCU", "CSDLDC"})
CITIZEN_DBS = POPULATION_DB_CODES

DOSSIER_COLUMNS = (
    "id",
    "unit_id",
    "procedure_id",
    "channel",
    "status",
    "applicant_type",
    "received_at",
    "due_at",
    "finished_at",
    "refused_at",
    "returned_at",
    "supplements",
    "all_components_filed",
    "has_result_file",
    "reused",
    "from_data_store",
    "sync_state",
    "online_paid",
    "fee_total",
    "vneid_verified",
    "national_databases",
)


class Facts(NamedTuple):
    unit_id: int
    procedure_id: int
    received_day: dt.date | None
    finished_day: dt.date | None
    due_day: dt.date | None
    channel: int
    status: int
    applicant_type: int
    service_level: str
    on_time: bool
    multi_supplement: bool
    digitized: bool
    components_filed: bool
    reused: bool
    from_data_store: bool
    has_result_file: bool
    requires_result: bool
    synced: bool
    online_paid: int
    has_fee: bool
    citizen_data: bool
    certified_copy: bool
    span_key: int | None


FACT_FIELDS = Facts._fields


@dataclass(frozen=True)
class ProcedureInfo:
    requires_result: bool
    time_limit: Decimal
    time_limit_unit: str
    levels: tuple[tuple[dt.date, str], ...]  # (valid_from, level), sorted
    certified_copy: bool = False

    def level_on(self, day: dt.date | None) -> str:
        if day is None or not self.levels:
            return ServiceLevel.NONE
        i = bisect.bisect_right(self.levels, (day, "\uffff")) - 1
        return self.levels[i][1] if i >= 0 else ServiceLevel.NONE


def load_procedures(ids: Iterable[int] | None = None) -> dict[int, ProcedureInfo]:
    procs = Procedure.objects.all()
    versions = ServiceLevelVersion.objects.order_by("procedure_id", "valid_from")
    if ids is not None:
        id_list = list(ids)
        procs = procs.filter(pk__in=id_list)
        versions = versions.filter(procedure_id__in=id_list)
    levels: dict[int, list[tuple[dt.date, str]]] = {}
    for pid, valid_from, level in versions.values_list("procedure_id", "valid_from", "level"):
        levels.setdefault(pid, []).append((valid_from, level))
    return {
        pid: ProcedureInfo(
            requires, limit, unit, tuple(levels.get(pid, ())), certified_by_key(name, key)
        )
        for pid, requires, limit, unit, name, key in procs.values_list(
            "pk", "requires_result", "time_limit", "time_limit_unit", "name", "name_key"
        )
    }


def parse_moment(value: object) -> dt.datetime | None:
    """A supplement date as stored: ``yyyyMMddHHmmss`` or ISO 8601 (local when naive)."""
    if not value:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value).strip()
        if text.isdigit() and len(text) == 14:
            moment = _compact(text)
        else:
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                return None
    return moment if moment.tzinfo else moment.replace(tzinfo=local_zone())


def _compact(text: str) -> dt.datetime:
    """``yyyyMMddHHmmss`` as ``strptime(text, "%Y%m%d%H%M%S")`` reads it (14 digits: every
    field has two, so slicing is the same parse, invalid fields raising alike), five
    times faster. Non-ASCII digits keep strptime's own reading."""
    if not text.isascii():
        return dt.datetime.strptime(text, "%Y%m%d%H%M%S")
    return dt.datetime(
        int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]),
        int(text[12:14]),
    )  # fmt: skip


def pauses(supplements: Sequence[Mapping[str, Any]]) -> list[tuple[dt.datetime, dt.datetime]]:
    """(requested, supplied) for every supplement request that was answered."""
    result = []
    for item in supplements:
        requested = parse_moment(item.get("NgayBoSung"))
        supplied = parse_moment(item.get("NgayTiepNhanBoSung"))
        if requested and supplied and supplied > requested:
            result.append((requested, supplied))
    return result


def finish_moment(row: Mapping[str, Any]) -> dt.datetime | None:
    """When processing ended: NgayKetThucXuLy, else the refusal or return moment."""
    if row["status"] not in FINISHED_STATUSES:
        return None
    finished: dt.datetime | None = row["finished_at"] or row["refused_at"] or row["returned_at"]
    return finished


def effective_due(
    row: Mapping[str, Any], proc: ProcedureInfo, calendar: WorkCalendar
) -> dt.datetime | None:
    """NgayHenTra; when missing, receipt + the legal limit on the office clock, with the
    applicant's supplement time added back."""
    due: dt.datetime | None = row["due_at"]
    if due is not None:
        return due
    received = row["received_at"]
    if received is None or proc.time_limit <= 0:
        return None
    computed = calendar.due_at(received, proc.time_limit, proc.time_limit_unit)
    return calendar.extend_for_pauses(computed, pauses(row["supplements"] or []))


def finished_on_time(
    finished: dt.datetime, due: dt.datetime | None, supplements: Sequence[Mapping[str, Any]]
) -> bool:
    """Decision 766 group 2, for a finished dossier.

    - More than one supplement request: late.
    - Otherwise on time when finish − (supplied − requested) ≤ due, i.e. the time the
      applicant spent on the supplement request is not counted.
    - No due date and no legal limit to compute one from: on time (nothing to be late for).
    """
    if len(supplements) > 1:
        return False
    if due is None:
        return True
    paused = sum((b - a for a, b in pauses(supplements)), dt.timedelta())
    return finished - paused <= due


def _not_before(day: dt.date | None, floor: dt.date | None) -> dt.date | None:
    return max(day, floor) if day is not None and floor is not None else day


def database_codes(items: Sequence[object]) -> set[str]:
    """The national databases a dossier used (DSKetNoiCSDL), upper-cased: each item is a code
    or, as DVCQG sends it, a record whose values name the database (e.g. ``MaCSDL``)."""
    codes: set[str] = set()
    for item in items:
        values = item.values() if isinstance(item, Mapping) else [item]
        codes.update(str(value).strip().upper() for value in values if value)
    return codes


def facts_of(row: Mapping[str, Any], proc: ProcedureInfo, calendar: WorkCalendar) -> Facts:
    """The facts of one dossier (``row`` has the DOSSIER_COLUMNS).

    A finish or due day before the day of receipt (a data error in some sources) is taken
    as the day of receipt: nothing is finished or due before it arrives. The running totals
    (windows.py) rely on finished ≥ received and due ≥ received.
    """
    zone = local_zone()
    received = row["received_at"]
    received_day = received.astimezone(zone).date() if received else None
    finished = finish_moment(row)
    due = effective_due(row, proc, calendar)
    supplements = row["supplements"] or []
    databases = database_codes(row["national_databases"] or [])
    finished_day = _not_before(finished.astimezone(zone).date() if finished else None, received_day)
    return Facts(
        unit_id=row["unit_id"],
        procedure_id=row["procedure_id"],
        received_day=received_day,
        finished_day=finished_day,
        due_day=_not_before(due.astimezone(zone).date() if due else None, received_day),
        channel=row["channel"],
        status=row["status"],
        applicant_type=row["applicant_type"],
        service_level=proc.level_on(received_day),
        on_time=finished_on_time(finished, due, supplements) if finished else False,
        multi_supplement=len(supplements) > 1,
        digitized=row["all_components_filed"]
        and (row["has_result_file"] or not proc.requires_result),
        components_filed=row["all_components_filed"],
        reused=row["reused"],
        from_data_store=row["from_data_store"],
        has_result_file=row["has_result_file"],
        requires_result=proc.requires_result,
        synced=row["sync_state"] == SyncState.ACKNOWLEDGED,
        online_paid=row["online_paid"],
        has_fee=row["fee_total"] > 0,
        citizen_data=row["vneid_verified"] or bool(databases & POPULATION_DB_CODES),
        certified_copy=proc.certified_copy,
        span_key=span_key(received_day, finished_day),
    )


def _bucket_filter(buckets: Iterable[Bucket]) -> Q:
    by_unit: dict[int, set[dt.date | None]] = {}
    for unit_id, day in buckets:
        by_unit.setdefault(unit_id, set()).add(day)
    zone = local_zone()
    q = Q(pk__in=[])
    for unit_id, days in by_unit.items():
        dated = sorted(d for d in days if d is not None)
        if None in days:
            q |= Q(unit_id=unit_id, received_at__isnull=True)
        if dated:
            # One range per unit; dossiers of days in between are recomputed too (harmless).
            start = dt.datetime.combine(dated[0], dt.time.min, zone)
            end = dt.datetime.combine(dated[-1] + dt.timedelta(days=1), dt.time.min, zone)
            q |= Q(unit_id=unit_id, received_at__gte=start, received_at__lt=end)
    return q


_DATETIMES = ("received_at", "due_at", "finished_at", "refused_at", "returned_at")
_JSON = ("supplements", "national_databases")


def _raw_batches(sql: str, params: Sequence[Any]) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``sql`` (the DOSSIER_COLUMNS of some dossiers), in batches of plain
    tuples from a plain cursor: the ORM's per-value work costs more than computing the
    facts."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, list(params))
        while batch := cursor.fetchmany(BATCH):
            yield batch


BATCH = 5000


def _decode(values: tuple[Any, ...], sqlite: bool) -> dict[str, Any]:
    """A raw row as facts_of reads it: datetimes aware (SQLite gives naive UTC), JSON
    decoded."""
    row = dict(zip(DOSSIER_COLUMNS, values, strict=True))
    if sqlite:
        for name in _DATETIMES:
            if row[name] is not None:
                row[name] = _utc(row[name])
    for name in _JSON:
        value = row[name]
        if isinstance(value, str):
            row[name] = json.loads(value) if value not in ("[]", "") else []
    return row


# What the forked workers of a parallel recount inherit (set just before forking).
_CONTEXT: tuple[dict[int, ProcedureInfo], WorkCalendar, bool] | None = None


def _count_batch(batch: list[tuple[Any, ...]]) -> Counter[Facts]:
    assert _CONTEXT is not None
    procedures, calendar, sqlite = _CONTEXT
    counts: Counter[Facts] = Counter()
    for values in batch:
        row = _decode(values, sqlite)
        counts[facts_of(row, procedures[row["procedure_id"]], calendar)] += 1
    return counts


def _utc(value: str | dt.datetime) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def fact_rows(counts: Mapping[Facts, int]) -> Iterator[tuple[Any, ...]]:
    """Aggregate rows, in :data:`FACT_COLUMNS` order, for counted facts: the one place that
    turns facts into the shape of the ``DailyFact`` table."""
    for facts, n in counts.items():
        yield (*facts, n)


def fact_columns() -> list[str]:
    """The ``DailyFact`` columns :func:`fact_rows` fills, in order."""
    concrete = {f.attname: str(f.column) for f in DailyFact._meta.concrete_fields}
    return [*(concrete[name] for name in FACT_FIELDS), "n"]


def append_counts(counts: Mapping[Facts, int]) -> int:
    """Insert aggregate rows for counted facts; returns rows written.

    Rows are additive: a key that already has rows just gets one more, and readers sum
    ``n``. So dossiers that are new can be counted in without recounting their buckets.
    Written by ``core.bulk.write_rows`` (the ORM's per-object work dominated rebuild time).
    """
    if not counts:
        return 0
    write_rows(DailyFact._meta.db_table, fact_columns(), fact_rows(counts))
    # The running totals of the (unit, year) pairs these rows touch follow (series.py).
    series.touch(
        series.unit_years((f.unit_id, f.received_day, f.finished_day, f.due_day) for f in counts)
    )
    return len(counts)


PackedFacts = tuple[Any, ...]


def pack_facts(facts: Facts) -> PackedFacts:
    """``facts`` as a plain tuple with the days as ordinals: a fifth of the cost of pickling
    the named tuple and its dates, for facts sent from a worker process."""
    received, finished, due = facts[2:5]
    return (
        *facts[:2],
        received.toordinal() if received is not None else None,
        finished.toordinal() if finished is not None else None,
        due.toordinal() if due is not None else None,
        *facts[5:],
    )


def unpack_facts(packed: PackedFacts) -> Facts:
    """The inverse of :func:`pack_facts`."""
    days = (None if d is None else dt.date.fromordinal(d) for d in packed[2:5])
    return Facts(*packed[:2], *days, *packed[5:])


class FactTally:
    """Facts of new dossiers, counted as they come and appended as aggregate rows
    (:func:`append_counts`) every ``limit`` distinct keys, so memory stays bounded.
    Facts may come as :class:`Facts` (:meth:`add`) or packed (:meth:`add_packed`)."""

    def __init__(self, limit: int = 50_000) -> None:
        self.counts: Counter[Facts] = Counter()
        self.packed: Counter[PackedFacts] = Counter()
        self.limit = limit
        self.written = 0

    def add(self, facts: Facts) -> None:
        self.counts[facts] += 1
        if len(self.counts) + len(self.packed) >= self.limit:
            self.flush()

    def add_packed(self, packed: PackedFacts) -> None:
        self.packed[packed] += 1
        if len(self.counts) + len(self.packed) >= self.limit:
            self.flush()

    def flush(self) -> int:
        for packed, n in self.packed.items():
            self.counts[unpack_facts(packed)] += n
        self.packed.clear()
        self.written += append_counts(self.counts)
        self.counts.clear()
        return self.written


@dataclass(frozen=True)
class FactReader:
    """:func:`facts_of` with the procedures and the calendar loaded once.

    Pure once built (no database access), so forked worker processes can use a copy; a
    dossier of a procedure it does not know (created after it was loaded) gives None.
    """

    procedures: Mapping[int, ProcedureInfo]
    calendar: WorkCalendar

    @classmethod
    def load(cls) -> FactReader:
        return cls(load_procedures(), current_calendar())

    def __call__(self, row: Mapping[str, Any]) -> Facts | None:
        proc = self.procedures.get(row["procedure_id"])
        return None if proc is None else facts_of(row, proc, self.calendar)


def refresh_buckets(buckets: Iterable[Bucket]) -> int:
    """Recompute the aggregate rows of these buckets from the dossiers; returns rows written.

    Call inside the transaction that changed the dossiers, with the buckets each changed
    dossier was in before and after the change.
    """
    bucket_list = list(set(buckets))
    if not bucket_list:
        return 0
    with transaction.atomic():
        days_by_unit: dict[int, list[dt.date]] = {}
        stale = Q(pk__in=[])
        for unit_id, day in bucket_list:
            if day is None:
                stale |= Q(unit_id=unit_id, received_day__isnull=True)
            else:
                days_by_unit.setdefault(unit_id, []).append(day)
        for unit_id, days in days_by_unit.items():
            stale |= Q(unit_id=unit_id, received_day__gte=min(days), received_day__lte=max(days))
        # Two writers recounting one bucket at once would both insert its rows.
        series.lock_units(unit_id for unit_id, _ in bucket_list)
        with series.batch():
            old = DailyFact.objects.filter(stale)
            series.touch(
                series.unit_years(
                    old.values_list("unit_id", "received_day", "finished_day", "due_day").distinct()
                )
            )
            old.delete()
            return _recount(Dossier.objects.filter(_bucket_filter(bucket_list)))


def buckets_of(dossier_ids: Sequence[int]) -> set[Bucket]:
    """The buckets the given dossiers are in now (a few queries, however many ids)."""
    found: set[Bucket] = set()
    zone = local_zone()
    for start in range(0, len(dossier_ids), 5000):
        chunk = dossier_ids[start : start + 5000]
        pairs = (
            Dossier.objects.filter(pk__in=chunk)
            .annotate(day=TruncDate("received_at", tzinfo=zone))
            .values_list("unit_id", "day")
            .distinct()
        )
        found.update(pairs)
    return found


def bucket_of(unit_id: int, received_at: dt.datetime | None) -> Bucket:
    return (unit_id, received_at.astimezone(local_zone()).date() if received_at else None)


def rebuild(*, unit_ids: Iterable[int] | None = None) -> int:
    """Recompute every aggregate row (or those of some units) from the dossiers, and the
    running totals built on them."""
    with transaction.atomic():
        if unit_ids is None:
            # The running totals read every aggregate row: a scan, faster without the
            # secondary indexes too (SQLite would read rows through them). SQLite's default
            # page cache is kept: a large one makes its sorts (grouping, indexes) slower.
            with indexes_set_aside(DailyFact, foreign_keys=True):
                with series.suspended():
                    DailyFact.objects.all().delete()
                    written = _rebuild_rows("1 = 1", [], parallel=True)
                series.build(None)
            return written
        ids = list(unit_ids)
        stale = DailyFact.objects.filter(unit_id__in=ids)
        with series.batch():
            days = stale.values_list("unit_id", "received_day", "finished_day", "due_day")
            series.touch(series.unit_years(days.distinct()))
            stale.delete()
            if not ids:
                return 0
            scope = f"d.unit_id IN ({', '.join(['%s'] * len(ids))})"
            return _rebuild_rows(scope, ids, parallel=False)


# Compute the facts of the dossiers that need none of facts_of's harder rules in SQL during
# a rebuild (below); tests switch it off to compare the two paths.
SQL_FACTS = True


def _rebuild_rows(scope: str, params: Sequence[Any], *, parallel: bool) -> int:
    """Aggregate rows for the dossiers matching ``scope`` (a condition on ``d``, the
    dossiers table): in SQL for those it can compute, through facts_of for the rest —
    when parallel, the database runs the SQL path while the workers count the rest."""
    procedures = load_procedures()
    offset = fixed_offset() if SQL_FACTS else None
    sql = _Sql(offset) if offset is not None else None
    rest = scope if sql is None else f"({scope}) AND {_simple_sql(sql)} = 0"
    dossier = connection.ops.quote_name(Dossier._meta.db_table)
    columns = ", ".join(f"d.{connection.ops.quote_name(c)}" for c in DOSSIER_COLUMNS)
    select = f"SELECT {columns} FROM {dossier} d WHERE {rest}"  # noqa: S608
    if parallel:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {dossier} d WHERE {scope}", list(params))  # noqa: S608
            parallel = cursor.fetchone()[0] >= PARALLEL_FROM
    if sql is None:
        return _count_rows(_raw_batches(select, params), procedures, parallel=parallel)
    # Loaded before the rest is read: SQLite drops no table while a read is pending.
    with connection.cursor() as cursor:
        _load_procedure_tables(cursor, procedures)
    try:
        return _count_rows(
            _raw_batches(select, params),
            procedures,
            parallel=parallel,
            meanwhile=functools.partial(_sql_recount, scope, params, sql),
        )
    finally:
        with connection.cursor() as cursor:
            _drop_procedure_tables(cursor)


# A rebuild of at least this many dossiers computes their facts in worker processes.
PARALLEL_FROM = 100_000


def _recount(dossiers: Any) -> int:
    """Count the facts of ``dossiers`` (a queryset) into new aggregate rows."""
    sql, params = dossiers.values(*DOSSIER_COLUMNS).query.sql_with_params()
    return _count_rows(_raw_batches(sql, params), load_procedures())


def _count_rows(
    batches: Iterator[list[tuple[Any, ...]]],
    procedures: dict[int, ProcedureInfo],
    *,
    parallel: bool = False,
    meanwhile: Callable[[], int] | None = None,
) -> int:
    """Count the facts of the dossier rows of ``batches`` into new aggregate rows, streaming:
    the counter is written out every 50,000 distinct keys, so memory stays bounded. With
    ``parallel``, they are counted by two forked workers while this process reads and
    writes. ``meanwhile`` (other rows written by the database; returns how many) runs
    first, or, with ``parallel``, once the first batches (up to ``AHEAD``) are read and
    handed to the workers, which count them while it runs."""
    global _CONTEXT
    _CONTEXT = (procedures, current_calendar(), connection.vendor == "sqlite")
    written = 0
    counts: Counter[Facts] = Counter()
    with _counting(batches, parallel, meanwhile) as (counted, done):
        for batch_counts in counted:
            counts.update(batch_counts)
            if len(counts) >= 50_000:
                written += _flush(counts)
    return written + _flush(counts) + sum(done)


# Batches (of BATCH dossiers) read ahead for the workers before ``meanwhile`` runs.
AHEAD = 40


@contextlib.contextmanager
def _counting(
    batches: Iterator[list[tuple[Any, ...]]],
    parallel: bool,
    meanwhile: Callable[[], int] | None = None,
) -> Iterator[tuple[Iterator[Counter[Facts]], list[int]]]:
    """The facts counted per batch, here or by two forked workers (forked before the
    batches are read; they inherit ``_CONTEXT`` and never touch the database), and the
    rows ``meanwhile`` wrote (filled once it has run). This process keeps reading, up to
    four batches ahead (``AHEAD`` while ``meanwhile`` runs)."""
    done: list[int] = []
    if not parallel or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            done.append(meanwhile())
        yield (_count_batch(batch) for batch in batches), done
        return
    with multiprocessing.get_context("fork").Pool(2) as pool:

        def counted() -> Iterator[Counter[Facts]]:
            pending: collections.deque[Any] = collections.deque()
            if meanwhile is not None:
                for batch in itertools.islice(batches, AHEAD):
                    pending.append(pool.apply_async(_count_batch, (batch,)))
                done.append(meanwhile())
            for batch in batches:
                pending.append(pool.apply_async(_count_batch, (batch,)))
                while len(pending) >= 4:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()

        yield counted(), done


def _flush(counts: Counter[Facts]) -> int:
    """Write and forget. Rows are ordered by unit and day, so a key seen again after a flush
    only splits into two rows with the same key: sums stay right."""
    written = append_counts(counts)
    counts.clear()
    return written


# --- the same facts in SQL, for a rebuild -----------------------------------------------
#
# Most dossiers need none of facts_of's harder rules: they have a due date (or no receipt)
# and no supplement request whose pause counts (a finished dossier with exactly one). Their
# facts are plain column arithmetic, which the database computes itself (INSERT … SELECT):
# no row crosses into Python. National-database records count when they are plain codes.
# The rest — and every dossier with a moment the fixed offset below cannot place, or
# (SQLite) a finish within a second of its due moment, where text and julianday comparisons
# could disagree with Python's — go through facts_of. The split is exact: each dossier
# takes one path (``_simple_sql`` is never NULL). Property tests compare the two paths on
# every fact column (tests/indicators/test_running_totals.py).

# Moments in [1976, 2100): the range over which the local zone's offset is checked fixed.
_SAFE_FROM = dt.datetime(1976, 1, 1, tzinfo=dt.UTC)
_SAFE_TO = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
_MOMENTS = ("received_at", "due_at", "finished_at", "refused_at", "returned_at")


def fixed_offset() -> int | None:
    """The local zone's UTC offset in seconds when it is the same over [1976, 2100)
    (Asia/Ho_Chi_Minh: +7 h since 1975), else None (then every dossier goes through
    facts_of)."""
    zone = local_zone()
    offsets = set()
    moment = _SAFE_FROM
    while moment < _SAFE_TO:
        offsets.add(moment.astimezone(zone).utcoffset())
        moment += dt.timedelta(days=15)
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return int(offset.total_seconds()) if offset is not None else None


class _Sql:
    """The vendor-specific SQL pieces of the fast path."""

    def __init__(self, offset: int) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.offset = offset

    def day(self, moment: str) -> str:
        if self.sqlite:
            return f"date({moment}, '{self.offset:+d} seconds')"
        return f"((({moment}) AT TIME ZONE 'UTC') + interval '{self.offset} seconds')::date"

    def in_range(self, moment: str) -> str:
        if self.sqlite:
            return f"(julianday({moment}) >= 2442778.5 AND julianday({moment}) < 2488069.5)"
        return (
            f"({moment} >= TIMESTAMPTZ '1976-01-01 00:00:00+00' "
            f"AND {moment} < TIMESTAMPTZ '2100-01-01 00:00:00+00')"
        )

    def empty_json(self, column: str) -> str:
        literal = "'[]'" if self.sqlite else "'[]'::jsonb"
        return f"({column} IS NULL OR {column} = {literal})"

    def plain_codes(self, column: str) -> str:
        """1 when the JSON column is empty or an array of plain ASCII codes (letters,
        digits, ``_.-``: ``str.strip().upper()`` is then SQL's ``upper``), else 0."""
        if self.sqlite:
            return (
                f"CASE WHEN {column} IS NULL OR {column} = '[]' THEN 1 "  # noqa: S608
                f"WHEN NOT json_valid({column}) THEN 0 "
                f"WHEN json_type({column}) <> 'array' THEN 0 "
                f"WHEN EXISTS (SELECT 1 FROM json_each({column}) e WHERE e.type <> 'text' "
                "OR e.value GLOB '*[^A-Za-z0-9_.-]*') THEN 0 ELSE 1 END"
            )
        return (
            f"CASE WHEN {column} IS NULL OR {column} = '[]'::jsonb THEN 1 "  # noqa: S608
            f"WHEN jsonb_typeof({column}) <> 'array' THEN 0 "
            f"WHEN EXISTS (SELECT 1 FROM jsonb_array_elements({column}) e "
            "WHERE jsonb_typeof(e) <> 'string' OR NOT (e #>> '{}') ~ '^[A-Za-z0-9_.-]*$') "
            "THEN 0 ELSE 1 END"
        )

    def has_code(self, column: str, codes: Iterable[str]) -> str:
        """The JSON array column (of plain codes) holds one of ``codes`` (upper case)."""
        listed = ", ".join(f"'{code}'" for code in sorted(codes))
        items = (
            f"SELECT 1 FROM json_each({column}) e WHERE upper(e.value) IN ({listed})"  # noqa: S608
            if self.sqlite
            else f"SELECT 1 FROM jsonb_array_elements_text({column}) e(v) "  # noqa: S608
            f"WHERE upper(e.v) IN ({listed})"
        )
        return f"EXISTS ({items})"

    def json_length_over_one(self, column: str) -> str:
        """The JSON array column has more than one item (FALSE for anything else)."""
        if self.sqlite:
            return (
                f"CASE WHEN {column} IS NULL OR {column} = '[]' THEN FALSE "
                f"WHEN NOT json_valid({column}) THEN FALSE "
                f"WHEN json_type({column}) <> 'array' THEN FALSE "
                f"WHEN json_array_length({column}) > 1 THEN TRUE ELSE FALSE END"
            )
        return (
            f"CASE WHEN {column} IS NULL THEN FALSE "
            f"WHEN jsonb_typeof({column}) <> 'array' THEN FALSE "
            f"WHEN jsonb_array_length({column}) > 1 THEN TRUE ELSE FALSE END"
        )

    def is_array(self, column: str) -> str:
        if self.sqlite:
            return (
                f"CASE WHEN NOT json_valid({column}) THEN FALSE "
                f"WHEN json_type({column}) = 'array' THEN TRUE ELSE FALSE END"
            )
        return f"jsonb_typeof({column}) = 'array'"

    def not_later(self, a: str, b: str) -> str:
        return f"julianday({a}) <= julianday({b})" if self.sqlite else f"{a} <= {b}"

    def epoch_days(self, day: str) -> str:
        if self.sqlite:
            return f"CAST(julianday({day}) - 2440587.5 AS INTEGER)"
        return f"({day} - DATE '1970-01-01')"

    def days_between(self, first: str, last: str) -> str:
        if self.sqlite:
            return f"CAST(julianday({last}) - julianday({first}) AS INTEGER)"
        return f"({last} - {first})"


def _finish_sql() -> str:
    finished = ", ".join(str(int(s)) for s in sorted(FINISHED_STATUSES))
    return (
        f"CASE WHEN d.status IN ({finished}) "
        "THEN COALESCE(d.finished_at, d.refused_at, d.returned_at) END"
    )


def _simple_sql(sql: _Sql) -> str:
    """1 for a dossier whose facts the SQL path computes, else 0 (never NULL)."""
    guards = [
        "(d.due_at IS NOT NULL OR d.received_at IS NULL)",
        # Supplement requests matter only to a finished dossier with exactly one (pauses).
        f"({sql.empty_json('d.supplements')} OR (({sql.is_array('d.supplements')}) "
        f"AND (({_finish_sql()}) IS NULL OR ({sql.json_length_over_one('d.supplements')}))))",
        f"({sql.plain_codes('d.national_databases')}) = 1",
        *(f"(d.{m} IS NULL OR {sql.in_range('d.' + m)})" for m in _MOMENTS),
    ]
    if sql.sqlite:
        fm = _finish_sql()
        guards.append(
            f"(({fm}) IS NULL OR d.due_at IS NULL "
            f"OR abs(julianday({fm}) - julianday(d.due_at)) > 1.0 / 86400)"
        )
    return f"CASE WHEN {' AND '.join(guards)} THEN 1 ELSE 0 END"


def _bit_length_sql(lag: str) -> str:
    """int.bit_length of a non-negative day count (days between 1976 and 2100 < 2**16)."""
    whens = " ".join(f"WHEN {lag} < {1 << c} THEN {c}" for c in range(24))
    return f"CASE {whens} ELSE 24 END"


_PROC_TABLE, _LEVEL_TABLE = "motcua_fact_procedure", "motcua_fact_level"


def _load_procedure_tables(cursor: Any, procedures: Mapping[int, ProcedureInfo]) -> None:
    """Temporary tables with what facts_of takes from a procedure: its fixed facts, and its
    service level as day ranges ([first, last), covering every day)."""
    for name in (_PROC_TABLE, _LEVEL_TABLE):
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_PROC_TABLE} (procedure_id integer PRIMARY KEY, "
        "requires_result boolean NOT NULL, certified_copy boolean NOT NULL)"
    )
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_LEVEL_TABLE} (procedure_id integer NOT NULL, "
        "first_day date NOT NULL, last_day date NOT NULL, level varchar(10) NOT NULL, "
        "PRIMARY KEY (procedure_id, first_day))"
    )
    procs, levels = [], []
    for pid, info in procedures.items():
        procs.append((pid, info.requires_result, info.certified_copy))
        bounds = sorted({day for day, _ in info.levels})
        edges = [dt.date.min, *bounds, dt.date.max]
        for first, last in itertools.pairwise(edges):
            level = info.level_on(first) if first != dt.date.min else ServiceLevel.NONE
            levels.append((pid, first, last, str(level)))
    cursor.executemany(f"INSERT INTO {_PROC_TABLE} VALUES (%s, %s, %s)", procs)  # noqa: S608
    cursor.executemany(f"INSERT INTO {_LEVEL_TABLE} VALUES (%s, %s, %s, %s)", levels)  # noqa: S608


def _drop_procedure_tables(cursor: Any) -> None:
    for name in (_PROC_TABLE, _LEVEL_TABLE):
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _sql_recount(scope: str, params: Sequence[Any], sql: _Sql) -> int:
    """Aggregate rows for the dossiers of ``scope`` (a condition on ``d``) that the SQL
    path computes; returns rows written. The procedure tables must be loaded."""
    dossier = connection.ops.quote_name(Dossier._meta.db_table)
    table = connection.ops.quote_name(DailyFact._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in fact_columns())
    fm = _finish_sql()
    flags = (
        "d.channel, d.status, d.applicant_type, d.all_components_filed AS components_filed, "
        "d.reused, d.from_data_store, d.has_result_file, d.online_paid, "
        "p.requires_result, p.certified_copy, "
        f"CASE WHEN d.vneid_verified OR {sql.has_code('d.national_databases', CITIZEN_DBS)} "
        "THEN TRUE ELSE FALSE END AS citizen_data, "
        "CASE WHEN d.all_components_filed AND (d.has_result_file OR NOT p.requires_result) "
        "THEN TRUE ELSE FALSE END AS digitized, "
        f"CASE WHEN d.sync_state = '{SyncState.ACKNOWLEDGED.value}' "
        "THEN TRUE ELSE FALSE END AS synced, "
        "CASE WHEN d.fee_total > 0 THEN TRUE ELSE FALSE END AS has_fee"
    )
    multi = sql.json_length_over_one("d.supplements")
    on_time = (
        f"CASE WHEN ({fm}) IS NULL THEN FALSE WHEN ({multi}) THEN FALSE "
        "WHEN d.due_at IS NULL THEN TRUE "
        f"WHEN {sql.not_later(fm, 'd.due_at')} THEN TRUE ELSE FALSE END"
    )
    inner = (
        f"SELECT d.unit_id, d.procedure_id, {sql.day('d.received_at')} AS rd, "  # noqa: S608
        f"{sql.day(fm)} AS fd0, {sql.day('d.due_at')} AS dd0, {on_time} AS on_time, "
        f"{multi} AS multi, {flags} "
        f"FROM {dossier} d JOIN {_PROC_TABLE} p ON p.procedure_id = d.procedure_id "
        f"WHERE ({scope}) AND {_simple_sql(sql)} = 1"
    )
    # Each stage is fenced (not merged into the next), so its expressions are computed
    # once per dossier instead of once per use.
    fence = " LIMIT -1" if sql.sqlite else " OFFSET 0"
    clamped = (
        "SELECT x.*, CASE WHEN fd0 < rd THEN rd ELSE fd0 END AS fd, "  # noqa: S608
        f"CASE WHEN dd0 < rd THEN rd ELSE dd0 END AS dd FROM ({inner}{fence}) x"
    )
    measured = (
        f"SELECT z.*, {sql.epoch_days('z.rd')} AS since, "  # noqa: S608
        f"{sql.days_between('z.rd', 'z.fd')} AS lag FROM ({clamped}{fence}) z"
    )
    span = (
        f"CASE WHEN y.rd IS NULL THEN NULL "
        f"WHEN y.fd IS NULL THEN {OPEN_LAG * SPAN_CLASS} + y.since "
        f"ELSE {_bit_length_sql('y.lag')} * {SPAN_CLASS} + y.since END"
    )
    level = f"COALESCE(l.level, '{ServiceLevel.NONE.value}')"
    keys = [
        "y.unit_id", "y.procedure_id", "y.rd", "y.fd", "y.dd", "y.channel", "y.status",
        "y.applicant_type", level, "y.on_time", "y.multi", "y.digitized", "y.components_filed",
        "y.reused", "y.from_data_store", "y.has_result_file", "y.requires_result", "y.synced",
        "y.online_paid", "y.has_fee", "y.citizen_data", "y.certified_copy", span,
    ]  # fmt: skip
    assert len(keys) == len(FACT_FIELDS)
    # One row per dossier (n = 1): with three days and a dozen facts in the key, grouping
    # merged under 0.1 % of the rows of the benchmark's dossiers and cost a sort.
    statement = (
        f"INSERT INTO {table} ({columns}) SELECT {', '.join(keys)}, 1 "  # noqa: S608
        f"FROM ({measured}{fence}) y LEFT JOIN {_LEVEL_TABLE} l ON l.procedure_id = y.procedure_id "
        "AND y.rd >= l.first_day AND y.rd < l.last_day"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))
        return int(cursor.rowcount)
