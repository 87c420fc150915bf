"""Running totals and procedure activity: the fast path of the engine (see windows.py).

Both tables are pure functions of the daily aggregates (``DailyFact``), for the measures of
every registered formula set:

- ``RunningTotal``: per unit, year, anchor (R, F, D, M) and measure, the running count of
  dossiers by day of the year. A period's count of any decomposable predicate is then a few
  look-ups per unit, whatever the number of dossiers.
- ``ProcedureActivity``: per unit, procedure, year and measure, a bitmap of the days with at
  least one received dossier. Distinct procedures with a dossier in a period are the rows
  whose bitmap meets the period's days.

Writers of the daily aggregates report which (unit, year) pairs they touched
(:func:`touch`); the pairs are recomputed from the aggregates at the end of the outermost
:func:`batch` — in the same transaction — or at once outside one. ``build(None)`` recomputes
everything (``motcua indicators rebuild``). ``MeasureBuilt`` lists the measures whose totals
are complete; a measure added to the registry later is counted from the daily aggregates
(correct, slower) until the next rebuild.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from functools import cache, reduce
from operator import or_
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Greatest

from motcua.core.bulk import Inserter
from motcua.indicators.models import DailyFact, MeasureBuilt, ProcedureActivity, RunningTotal
from motcua.indicators.period import Period
from motcua.indicators.predicates import Pred
from motcua.indicators.signals import figures_changed
from motcua.indicators.windows import EPOCH, OPEN_LAG, SPAN_CLASS, Measure, Term, decompose

UnitYear = tuple[int, int]
DAYS = 366
WORDS = 6
_ANY_PERIOD = Period(dt.date(2000, 1, 1), dt.date(2000, 1, 1))
ANCHOR_DAY: dict[str, Any] = {
    "R": F("received_day"),
    "F": F("finished_day"),
    "D": F("due_day"),
    "M": Greatest("finished_day", "due_day"),
}
ANCHOR_SET = {
    "R": Q(received_day__isnull=False),
    "F": Q(finished_day__isnull=False),
    "D": Q(due_day__isnull=False),
    "M": Q(finished_day__isnull=False, due_day__isnull=False),
}


# --- what is registered -----------------------------------------------------------------


_EXTRA: list[Any] = []


def register_counts(counts: Iterable[Any]) -> None:
    """Keep running totals for these dossier or procedure counts too (a source that counts
    dossiers through the dossier source, e.g. feedback's group 5). Call when apps load;
    measures registered after a rebuild are counted from the aggregates until the next."""
    _EXTRA.extend(counts)
    registered.cache_clear()


@cache
def registered() -> tuple[frozenset[Measure], frozenset[Measure]]:
    """The dossier measures and the procedure measures of every registered formula set
    (and of :func:`register_counts`)."""
    from motcua.indicators.registry import FORMULA_SETS

    dossier: set[Measure] = set()
    procedure: set[Measure] = set()
    every = [c for fs in FORMULA_SETS.values() for i in fs.indicators for c in i.counts().values()]
    for count in [*every, *_EXTRA]:
        terms = decompose(count.where) if count.where is not None else None
        if terms is not None and count.source == "dossiers":
            dossier.update(t.measure for t in terms if t.kind not in SPANS)
        elif terms is not None and count.source == "procedures" and is_received_in(terms):
            procedure.add(terms[0].measure)
        having = getattr(count, "having", None)
        terms = decompose(having) if having is not None else None
        if terms is not None and is_received_in(terms):
            procedure.add(terms[0].measure)
    return frozenset(dossier), frozenset(procedure)


def is_received_in(terms: list[Term]) -> bool:
    kinds = sorted((t.kind, t.sign, t.measure.anchor) for t in terms)
    return kinds == [("le_e", 1, "R"), ("le_s", -1, "R")]


def static_q(measure: Measure) -> Q:
    return measure.static.q(_ANY_PERIOD) if measure.static is not None else Q()


def built() -> set[str]:
    """Keys ("d:" or "p:" + measure key + anchor) whose stored totals are complete."""
    return set(MeasureBuilt.objects.values_list("key", flat=True))


def built_key(kind: str, measure: Measure) -> str:
    return f"{kind}:{measure.anchor}:{measure.key}"


def mark_all_built() -> None:
    dossier, procedure = registered()
    keys = [built_key("d", m) for m in dossier] + [built_key("p", m) for m in procedure]
    MeasureBuilt.objects.all().delete()
    MeasureBuilt.objects.bulk_create([MeasureBuilt(key=k) for k in keys])


# --- keeping them current ---------------------------------------------------------------

_pending: ContextVar[set[UnitYear] | None] = ContextVar("series_pending", default=None)


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Collect touched (unit, year) pairs and recompute them once, at the end of the
    outermost batch (which must run inside the writer's transaction)."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        pending = _pending.get() or set()
    finally:
        _pending.reset(token)
    if pending:
        build(pending)


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Writes inside this block touch nothing (the caller rebuilds everything after)."""
    token = _pending.set(_IGNORED)
    try:
        yield
    finally:
        _pending.reset(token)


_IGNORED: set[UnitYear] = set()  # the pending set while suspended: never read


def touch(pairs: Iterable[UnitYear]) -> None:
    """The daily aggregates of these (unit, year) pairs changed (``pairs`` is not even read
    while suspended)."""
    pending = _pending.get()
    if pending is _IGNORED:
        return
    if pending is not None:
        pending.update(pairs)
    else:
        found = set(pairs)
        if found:
            build(found)


def unit_years(
    rows: Iterable[tuple[int, dt.date | None, dt.date | None, dt.date | None]],
) -> Iterator[UnitYear]:
    """(unit, year) of every anchor day of aggregate rows (unit, received, finished, due),
    lazily: :func:`touch` does not read them while suspended."""
    for unit_id, *days in rows:
        for day in days:
            if day is not None:
                yield unit_id, day.year


def lock_units(unit_ids: Iterable[int]) -> None:
    """Serialise writers of the same units' aggregates until the transaction ends: row
    locks on the units, in id order (no deadlocks). ``FOR NO KEY UPDATE`` does not block
    inserts of dossiers referring to the units. A no-op on SQLite, whose writers are
    serialised anyway."""
    from motcua.units.models import Unit

    ids = sorted(set(unit_ids))
    if ids and connection.vendor == "postgresql":
        list(
            Unit.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def build(pairs: set[UnitYear] | None) -> None:
    """Recompute the running totals and procedure activity of these (unit, year) pairs from
    the daily aggregates; all of them when ``pairs`` is None."""
    dossier, procedure = registered()
    with transaction.atomic():
        if pairs is not None:
            lock_units(unit_id for unit_id, _ in pairs)
        scope = _scope(pairs)
        RunningTotal.objects.filter(scope(Q(), "year")).delete()
        ProcedureActivity.objects.filter(scope(Q(), "year")).delete()
        _build_totals(dossier, scope)
        _build_activity(procedure, scope)
        if pairs is None:
            mark_all_built()
        # Caches keyed per unit follow the touched units; a full rebuild moves everything.
        units = None if pairs is None else {unit_id for unit_id, _ in pairs}
        figures_changed.send(sender=build, units=units)


def _scope(pairs: set[UnitYear] | None) -> Any:
    """A function giving the Q that restricts a query to ``pairs``: on a ``year`` column,
    or on a day expression (then the year's date range)."""
    by_year: dict[int, set[int]] = defaultdict(set)
    for unit_id, year in pairs or ():
        by_year[year].add(unit_id)

    def restrict(base: Q, field: str) -> Q:
        if pairs is None:
            return base
        q = Q(pk__in=[])
        for year, units in by_year.items():
            if field == "year":
                q |= Q(year=year, unit_id__in=units)
            else:
                first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
                q |= Q(unit_id__in=units, **{f"{field}__gte": first, f"{field}__lte": last})
        return base & q

    return restrict


def _build_totals(measures: frozenset[Measure], scope: Any) -> None:
    """Per anchor, the database sums each measure by unit and day (one scan of the daily
    aggregates); the running counts of each (unit, year, measure) are accumulated here."""
    by_anchor: dict[str, list[Measure]] = defaultdict(list)
    for m in measures:
        by_anchor[m.anchor].append(m)
    rows: list[tuple[Any, ...]] = []
    for anchor, group in by_anchor.items():
        daily: dict[tuple[int, int, str], array[int]] = {}
        sums = {f"m{i}": Sum("n", filter=static_q(m), default=0) for i, m in enumerate(group)}
        query: Any = (
            DailyFact.objects.filter(ANCHOR_SET[anchor])
            .annotate(day=ANCHOR_DAY[anchor])
            .filter(scope(Q(), "day"))
            .values("unit_id", "day")
            .annotate(**sums)
        )
        keys = [m.key for m in group]
        with connection.chunked_cursor() as cursor:
            cursor.execute(*_by_year_and_day(query, list(sums)))
            while chunk := cursor.fetchmany(5000):
                for unit_id, year, index, *ns in chunk:
                    for key, n in zip(keys, ns, strict=True):
                        if n:
                            found = daily.get((unit_id, year, key))
                            if found is None:
                                found = daily[(unit_id, year, key)] = array("I", _ZEROS)
                            found[index] += n
        for (unit_id, year, key), counts in daily.items():
            cum = array("I", itertools.accumulate(counts))
            rows.append((unit_id, year, anchor, key, cum[-1], _bytes(cum)))
    Inserter(RunningTotal, ("unit_id", "year", "anchor", "measure", "total", "cum")).insert(rows)


def _by_year_and_day(query: Any, columns: Sequence[str]) -> tuple[str, list[Any]]:
    """``query`` (grouped by ``unit_id`` and a day ``day``) as (unit_id, year, day of the
    year from 0, *columns): the database splits the day, once per group."""
    sql, params = query.query.sql_with_params()
    quoted = ", ".join(f"g.{connection.ops.quote_name(c)}" for c in columns)
    day = f"g.{connection.ops.quote_name('day')}"
    return (
        f"SELECT g.unit_id, {_year_sql(day)}, {_day_index_sql(day)}, {quoted} "  # noqa: S608
        f"FROM ({sql}) g",
        list(params),
    )


def _year_sql(day: str) -> str:
    if connection.vendor == "sqlite":
        return f"CAST(strftime('%%Y', {day}) AS INTEGER)"
    return f"CAST(EXTRACT(YEAR FROM {day}) AS INTEGER)"


def _day_index_sql(day: str) -> str:
    """The day of the year from 0 (1 January) to 365."""
    if connection.vendor == "sqlite":
        return f"(CAST(strftime('%%j', {day}) AS INTEGER) - 1)"
    return f"(CAST(EXTRACT(DOY FROM {day}) AS INTEGER) - 1)"


def _build_activity(measures: frozenset[Measure], scope: Any) -> None:
    """Written by the database: the days with a dossier of each measure, by unit,
    procedure and day (one scan of the daily aggregates, into a temporary table), then per
    (unit, procedure, year) each word of each bitmap as the sum of its days' bits (days
    are distinct, so the sum is the bitwise or; bit 63 is the sign bit, as stored)."""
    if not measures:
        return
    ordered = sorted(measures, key=lambda m: m.key)
    sums = {f"m{i}": Sum("n", filter=static_q(m), default=0) for i, m in enumerate(ordered)}
    query: Any = (
        DailyFact.objects.filter(received_day__isnull=False)
        .filter(scope(Q(), "received_day"))
        .values("unit_id", "procedure_id", "received_day")
        .annotate(**sums)
    )
    sql, params = query.query.sql_with_params()
    qn = connection.ops.quote_name
    day = _day_index_sql("g.received_day")
    # Each day's year, word and bit computed once (the fence keeps the stage apart).
    located = (
        f"SELECT g.*, {_year_sql('g.received_day')} AS year, {day} / 64 AS word, "  # noqa: S608
        f"{_bit_sql(f'{day} %% 64')} AS bit FROM ({sql}) g"
        + (" LIMIT -1" if connection.vendor == "sqlite" else " OFFSET 0")
    )
    words = ", ".join(
        f"SUM(CASE WHEN d.{qn(name)} > 0 AND d.word = {w} THEN d.bit ELSE 0 END) AS {name}_w{w}"
        for name in sums
        for w in range(WORDS)
    )
    table = qn(ProcedureActivity._meta.db_table)
    columns = ", ".join(
        qn(c) for c in ("unit_id", "procedure_id", "year", "measure", *_WORD_COLUMNS)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_ACTIVITY_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_ACTIVITY_TABLE} AS "  # noqa: S608
            f"SELECT d.unit_id, d.procedure_id, d.year, {words} FROM ({located}) d "
            "GROUP BY d.unit_id, d.procedure_id, d.year",
            params,
        )
        try:
            for name, m in zip(sums, ordered, strict=True):
                mine = [f"{_word_sql(f'a.{name}_w{w}')}" for w in range(WORDS)]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) "  # noqa: S608
                    f"SELECT a.unit_id, a.procedure_id, a.year, %s, {', '.join(mine)} "
                    f"FROM {_ACTIVITY_TABLE} a WHERE "
                    + " OR ".join(f"a.{name}_w{w} <> 0" for w in range(WORDS)),
                    [m.key],
                )
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {_ACTIVITY_TABLE}")


_ACTIVITY_TABLE = "motcua_series_activity"
_WORD_COLUMNS = tuple(f"w{i}" for i in range(WORDS))


def _bit_sql(index: str) -> str:
    """Bit ``index`` (0–63) of a 64-bit word, as a signed 64-bit integer."""
    if connection.vendor == "sqlite":
        return f"(1 << ({index}))"
    return f"(CAST(1 AS BIGINT) << ({index}))"


def _word_sql(column: str) -> str:
    # PostgreSQL sums bigints as numeric; the sum of distinct bits fits a signed bigint.
    return column if connection.vendor == "sqlite" else f"CAST({column} AS BIGINT)"


_ZEROS = bytes(4 * DAYS)
_LITTLE = array("I", [1]).tobytes()[0] == 1


def _bytes(counts: array[int]) -> bytes:
    """The counts as little-endian uint32 (the stored form)."""
    if _LITTLE:
        return counts.tobytes()
    copy = array("I", counts)
    copy.byteswap()
    return copy.tobytes()


def _signed(word: int) -> int:
    """A 64-bit pattern as the signed integer both databases store."""
    return word - (1 << 64) if word >= 1 << 63 else word


# --- reading ----------------------------------------------------------------------------


def running_counts(
    measures: Iterable[Measure], unit_ids: Iterable[int], period: Period
) -> dict[int, dict[tuple[str, str, str], int]]:
    """``{unit: {(kind, anchor, key): n}}`` with kind ``le_e`` (anchor day ≤ the period's
    end) and ``le_s`` (before its start), for every measure."""
    wanted = {(m.anchor, m.key) for m in measures}
    result: dict[int, dict[tuple[str, str, str], int]] = defaultdict(lambda: defaultdict(int))
    if not wanted:
        return result
    end, before = period.end, period.start - dt.timedelta(days=1)
    ids = list(unit_ids)
    table = connection.ops.quote_name(RunningTotal._meta.db_table)
    keys = sorted({key for _, key in wanted})
    sql = (
        f"SELECT unit_id, anchor, measure, year, total, "  # noqa: S608 (names from the model)
        f"CASE WHEN year = %s THEN substr(cum, %s, 4) END, "
        f"CASE WHEN year = %s THEN substr(cum, %s, 4) END "
        f"FROM {table} WHERE year <= %s AND measure IN ({', '.join(['%s'] * len(keys))})"
        f" AND unit_id IN ({', '.join(['%s'] * len(ids))})"
    )
    params: list[int | str] = [
        end.year,
        4 * (end.timetuple().tm_yday - 1) + 1,
        before.year,
        4 * (before.timetuple().tm_yday - 1) + 1,
        end.year,
        *keys,
        *ids,
    ]
    if not ids:
        return result
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for unit_id, anchor, key, year, total, at_end, at_before in cursor.fetchall():
            if (anchor, key) not in wanted:
                continue
            counts = result[unit_id]
            counts[("le_e", anchor, key)] += total if year < end.year else _uint(at_end)
            if year < before.year:
                counts[("le_s", anchor, key)] += total
            elif year == before.year:
                counts[("le_s", anchor, key)] += _uint(at_before)
    return result


def _uint(value: Any) -> int:
    return int.from_bytes(bytes(value), "little") if value is not None else 0


SPANS = ("span", "span_not_due")


def span_ranges(period: Period) -> list[tuple[int, int, int]]:
    """(lag class, low, high): one range ``[low, high)`` of the span key (facts.span_key)
    per lag class that can span the period: dossiers not finished, or finished more than
    the period's length after receipt, received before its start."""
    s, e = period.start, period.end
    length = (e - s).days + 1

    def key(lag: int, day: dt.date) -> int:
        return lag * SPAN_CLASS + (day - EPOCH).days

    found = [(OPEN_LAG, key(OPEN_LAG, EPOCH), key(OPEN_LAG, s))]
    for c in range(1, 40):
        longest = 2**c - 1
        if c < OPEN_LAG and longest >= length + 1:
            first = max(e + dt.timedelta(days=1) - dt.timedelta(days=longest), EPOCH)
            found.append((c, key(c, first), key(c, s)))
        if longest > 10**5:
            break
    return found


def span_counts(
    terms: Iterable[Term], unit_ids: Iterable[int], period: Period
) -> dict[int, dict[tuple[str, str], int]]:
    """``{unit: {(kind, key): n}}``: dossiers received before the period and not finished
    by its end (``span``), and those of them not due by its end either (``span_not_due``).
    Lag classes keep the scan to dossiers that can span the period."""
    wanted = {(t.kind, t.measure.key): t.measure for t in terms if t.kind in SPANS}
    result: dict[int, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    ids = list(unit_ids)
    if not wanted or not ids:
        return result
    e = period.end
    reaches = [Q(span_key__gte=low, span_key__lt=high) for _, low, high in span_ranges(period)]
    not_due = Q(due_day__isnull=True) | Q(due_day__gt=e)
    names = {pair: f"s{i}" for i, pair in enumerate(wanted)}
    sums = {
        names[(kind, key)]: Sum(
            "n", filter=static_q(m) & (not_due if kind == "span_not_due" else Q()), default=0
        )
        for (kind, key), m in wanted.items()
    }
    wanted_units = set(ids)
    for reach in reaches:
        # One query per class, without a unit condition: given one, a planner may scan by
        # unit instead of reading the range of the index.
        query: Any = (
            DailyFact.objects.filter(reach)
            .filter(Q(finished_day__isnull=True) | Q(finished_day__gt=e))
            .values("unit_id")
            .annotate(**sums)
        )
        for row in query:
            if row["unit_id"] in wanted_units:
                counts = result[row["unit_id"]]
                for pair, name in names.items():
                    counts[pair] += int(row[name])
    return result


def procedure_counts(
    measures: Iterable[Measure], unit_ids: Iterable[int], period: Period
) -> dict[int, dict[str, int]]:
    """``{unit: {key: n}}``: distinct procedures with a dossier received in the period."""
    result: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sql = "SELECT unit_id, measure, COUNT(DISTINCT procedure_id) FROM {table} WHERE {where}"
    for unit_id, key, n in _activity(
        sql + " GROUP BY unit_id, measure", measures, unit_ids, period
    ):
        result[unit_id][key] = n
    return result


def procedure_pairs(
    measures: Iterable[Measure], unit_ids: Iterable[int], period: Period
) -> dict[str, dict[int, set[int]]]:
    """``{key: {unit: {procedure, …}}}``: the (unit, procedure) pairs with a dossier
    received in the period satisfying each measure."""
    result: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    sql = "SELECT DISTINCT unit_id, procedure_id, measure FROM {table} WHERE {where}"
    for unit_id, procedure_id, key in _activity(sql, measures, unit_ids, period):
        result[key][unit_id].add(procedure_id)
    return result


def _activity(
    template: str, measures: Iterable[Measure], unit_ids: Iterable[int], period: Period
) -> list[tuple[Any, ...]]:
    """Rows of ``template`` over the procedure activity of these measures and units whose
    bitmap meets the period's days."""
    keys = sorted({m.key for m in measures})
    ids = list(unit_ids)
    if not keys or not ids:
        return []
    clauses, params = [], []
    for year, masks in _masks(period).items():
        words = [f"(w{i} & %s) <> 0" for i, mask in enumerate(masks) if mask]
        clauses.append(f"(year = %s AND ({' OR '.join(words)}))")
        params += [year, *(_signed(mask) for mask in masks if mask)]
    table = connection.ops.quote_name(ProcedureActivity._meta.db_table)
    where = (
        f"measure IN ({', '.join(['%s'] * len(keys))}) "
        f"AND unit_id IN ({', '.join(['%s'] * len(ids))}) AND ({' OR '.join(clauses)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(template.format(table=table, where=where), [*keys, *ids, *params])
        return list(cursor.fetchall())


def _masks(period: Period) -> dict[int, list[int]]:
    """Per year touched by the period, the six 64-bit masks of its days."""
    masks: dict[int, list[int]] = {}
    for year in range(period.start.year, period.end.year + 1):
        first = max(period.start, dt.date(year, 1, 1)).timetuple().tm_yday - 1
        last = min(period.end, dt.date(year, 12, 31)).timetuple().tm_yday - 1
        bits = ((1 << (last - first + 1)) - 1) << first
        masks[year] = [(bits >> (64 * i)) & ((1 << 64) - 1) for i in range(WORDS)]
    return masks


def combine(
    terms: list[Term],
    running: Mapping[tuple[str, str, str], int],
    spans: Mapping[tuple[str, str], int],
) -> int:
    """The signed sum of a decomposition's terms for one unit."""
    total = 0
    for term in terms:
        m = term.measure
        if term.kind in SPANS:
            total += term.sign * spans.get((term.kind, m.key), 0)
        else:
            total += term.sign * running.get((term.kind, m.anchor, m.key), 0)
    return total


# --- the engine's fast path -------------------------------------------------------------

Fast = dict[str, tuple[str, list[Term]]]


def split(counts: Mapping[str, Any]) -> tuple[Fast, dict[str, Any]]:
    """Dossier and procedure counts answerable from the stored totals (with their source
    and terms), and the rest, to be counted from the daily aggregates."""
    done = built()
    fast: Fast = {}
    slow: dict[str, Any] = {}
    for key, count in counts.items():
        terms = decompose(count.where) if count.where is not None else None
        if terms is not None and _answerable(count.source, terms, done):
            fast[key] = (count.source, terms)
        else:
            slow[key] = count
    return fast, slow


def activity_measures(predicates: Mapping[str, Pred]) -> dict[str, Measure]:
    """The predicates answerable from the procedure activity, with their measure."""
    done = built()
    found: dict[str, Measure] = {}
    for key, pred in predicates.items():
        terms = decompose(pred)
        if terms is not None and is_received_in(terms) and built_key("p", terms[0].measure) in done:
            found[key] = terms[0].measure
    return found


def _answerable(source: str, terms: list[Term], done: set[str]) -> bool:
    if source == "dossiers":
        return all(t.kind in SPANS or built_key("d", t.measure) in done for t in terms)
    if source == "procedures":
        return is_received_in(terms) and built_key("p", terms[0].measure) in done
    return False


def count(fast: Fast, unit_ids: Sequence[int], period: Period) -> dict[int, dict[str, int]]:
    """``{unit: {key: n}}`` for counts returned by :func:`split` as answerable."""
    dossier_terms = {k: terms for k, (source, terms) in fast.items() if source == "dossiers"}
    procedure_measures = {
        k: terms[0].measure for k, (source, terms) in fast.items() if source == "procedures"
    }
    all_terms = [t for terms in dossier_terms.values() for t in terms]
    running = running_counts(
        {t.measure for t in all_terms if t.kind not in SPANS}, unit_ids, period
    )
    spans = span_counts(all_terms, unit_ids, period)
    activity = (
        procedure_counts(procedure_measures.values(), unit_ids, period)
        if procedure_measures
        else {}
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id in unit_ids:
        mine, my_spans = running.get(unit_id, {}), spans.get(unit_id, {})
        for key, terms in dossier_terms.items():
            out[unit_id][key] = combine(terms, mine, my_spans)
        mine_p = activity.get(unit_id, {})
        for key, measure in procedure_measures.items():
            out[unit_id][key] = mine_p.get(measure.key, 0)
    return out


# --- several periods in one pass --------------------------------------------------------
#
# The same counts as above for several periods at once (a dashboard's 12-week trend, a
# period and the previous one): each table is read once for all of them. Results equal
# the single-period functions' for every period (tests/indicators/test_periods_at_once.py).

Running = dict[int, dict[tuple[str, str, str], int]]
Spans = dict[int, dict[tuple[str, str], int]]


def running_counts_periods(
    measures: Iterable[Measure], unit_ids: Iterable[int], periods: Sequence[Period]
) -> dict[Period, Running]:
    """:func:`running_counts` for each period, in one query: the running totals are read
    at every day a period needs (its last day, the day before its first)."""
    wanted = {(m.anchor, m.key) for m in measures}
    result: dict[Period, Running] = {p: defaultdict(lambda: defaultdict(int)) for p in periods}
    ids = list(unit_ids)
    if not wanted or not ids or not periods:
        return result
    days = sorted({d for p in periods for d in (p.end, p.start - dt.timedelta(days=1))})
    first_year = min(d.year for d in days)
    last_year = max(d.year for d in days)
    table = connection.ops.quote_name(RunningTotal._meta.db_table)
    keys = sorted({key for _, key in wanted})
    columns = ", ".join(["CASE WHEN year = %s THEN substr(cum, %s, 4) END"] * len(days))
    params: list[int | str] = []
    for d in days:
        params += [d.year, 4 * (d.timetuple().tm_yday - 1) + 1]
    measure_in = f"measure IN ({', '.join(['%s'] * len(keys))})"
    unit_in = f"unit_id IN ({', '.join(['%s'] * len(ids))})"
    # Years before every day only add their totals: summed by the database.
    earlier_sql = (
        f"SELECT unit_id, anchor, measure, SUM(total) FROM {table} "  # noqa: S608
        f"WHERE year < %s AND {measure_in} AND {unit_in} GROUP BY unit_id, anchor, measure"
    )
    sql = (
        f"SELECT unit_id, anchor, measure, year, total, {columns} FROM {table} "  # noqa: S608
        f"WHERE year >= %s AND year <= %s AND {measure_in} AND {unit_in}"
    )
    # at[(unit, anchor, key)][i]: the running count at days[i]
    at: dict[tuple[int, str, str], list[int]] = {}

    def row_of(unit_id: int, anchor: str, key: str) -> list[int]:
        found = at.get((unit_id, anchor, key))
        if found is None:
            found = at[(unit_id, anchor, key)] = [0] * len(days)
        return found

    with connection.cursor() as cursor:
        cursor.execute(earlier_sql, [first_year, *keys, *ids])
        for unit_id, anchor, key, total in cursor.fetchall():
            if (anchor, key) in wanted:
                values = row_of(unit_id, anchor, key)
                for i in range(len(days)):
                    values[i] += int(total)
        cursor.execute(sql, [*params, first_year, last_year, *keys, *ids])
        for unit_id, anchor, key, year, total, *cells in cursor.fetchall():
            if (anchor, key) not in wanted:
                continue
            values = row_of(unit_id, anchor, key)
            for i, d in enumerate(days):
                if year < d.year:
                    values[i] += total
                elif year == d.year:
                    values[i] += _uint(cells[i])
    index = {d: i for i, d in enumerate(days)}
    for p in periods:
        i_end, i_before = index[p.end], index[p.start - dt.timedelta(days=1)]
        counts = result[p]
        for (unit_id, anchor, key), values in at.items():
            mine = counts[unit_id]
            mine[("le_e", anchor, key)] += values[i_end]
            mine[("le_s", anchor, key)] += values[i_before]
    return result


def _merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open ranges, overlapping or adjacent ones merged."""
    merged: list[list[int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


def span_counts_periods(
    terms: Iterable[Term], unit_ids: Iterable[int], periods: Sequence[Period]
) -> dict[Period, Spans]:
    """:func:`span_counts` for each period: one query per lag class over the union of the
    periods' ranges of the span key, grouped by where the receipt, finish and due days fall
    among the periods' starts and ends (a few groups per unit), each period's count then a
    sum of groups. A dossier spanning a period (received before its start, not finished
    by its end) is in that period's range of its class (span_ranges), so the union holds
    every one of each period's."""
    wanted = {(t.kind, t.measure.key): t.measure for t in terms if t.kind in SPANS}
    result: dict[Period, Spans] = {p: defaultdict(lambda: defaultdict(int)) for p in periods}
    ids = list(unit_ids)
    if not wanted or not ids or not periods:
        return result
    by_class: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for p in periods:
        for c, low, high in span_ranges(p):
            by_class[c].append((low, high))
    starts = sorted({p.start for p in periods})
    ends = sorted({p.end for p in periods})

    # r: how many starts are on or before the receipt day (received before the k-th start
    # ⟺ r ≤ k); f, d: how many ends are before the finish (due) day, all of them when
    # unset (not finished, not due by the k-th end ⟺ f, d > k).
    def rank(field: str, bounds: list[dt.date], strict: bool) -> Any:
        lookup = "gt" if strict else "gte"
        parts: list[Any] = [
            Case(When(**{f"{field}__{lookup}": b}, then=Value(1)), default=Value(0)) for b in bounds
        ]
        total = reduce(lambda a, b: a + b, parts)
        if not strict:
            return total
        return Case(
            When(**{f"{field}__isnull": True}, then=Value(len(bounds))),
            default=total,
            output_field=IntegerField(),
        )

    pairs = list(wanted.items())
    sums = {f"s{i}": Sum("n", filter=static_q(m), default=0) for i, (_, m) in enumerate(pairs)}
    not_due = any(kind == "span_not_due" for kind, _ in wanted)
    groups = ["unit_id", "r", "f"] + (["d"] if not_due else [])
    ranks = {
        "r": rank("received_day", starts, strict=False),
        "f": rank("finished_day", ends, strict=True),
    }
    if not_due:
        ranks["d"] = rank("due_day", ends, strict=True)
    index_s = {d: i for i, d in enumerate(starts)}
    index_e = {d: i for i, d in enumerate(ends)}
    bounds = [(p, index_s[p.start], index_e[p.end]) for p in periods]
    wanted_units = set(ids)
    earliest_end = ends[0]
    for ranges in by_class.values():
        reach = reduce(or_, (Q(span_key__gte=lo, span_key__lt=hi) for lo, hi in _merged(ranges)))
        query: Any = (
            DailyFact.objects.filter(reach)
            .filter(Q(finished_day__isnull=True) | Q(finished_day__gt=earliest_end))
            .annotate(**ranks)
            .values(*groups)
            .annotate(**sums)
        )
        for row in query:
            unit_id = row["unit_id"]
            if unit_id not in wanted_units:
                continue
            r, f, d = row["r"], row["f"], row.get("d")
            for p, k_s, k_e in bounds:
                if r > k_s or f <= k_e:
                    continue
                counts = result[p][unit_id]
                for i, ((kind, key), _) in enumerate(pairs):
                    if kind == "span_not_due" and d <= k_e:
                        continue
                    n = int(row[f"s{i}"])
                    if n:
                        counts[(kind, key)] += n
    return result


def _period_clause(period: Period) -> tuple[str, list[int]]:
    """SQL (with params) true for a procedure activity row whose bitmap meets the period."""
    clauses, params = [], []
    for year, masks in _masks(period).items():
        words = [f"(w{i} & %s) <> 0" for i, mask in enumerate(masks) if mask]
        clauses.append(f"(year = %s AND ({' OR '.join(words)}))")
        params += [year, *(_signed(mask) for mask in masks if mask)]
    return f"({' OR '.join(clauses)})", params


def _activity_periods(
    measures: Iterable[Measure], unit_ids: Iterable[int], periods: Sequence[Period]
) -> Iterator[tuple[int, int, str, int]]:
    """(unit, procedure, measure, flags) of the procedure activity rows of these measures
    and units whose bitmap meets one of the periods; bit i of ``flags`` set when it meets
    ``periods[i]`` (one row per year: a procedure may come once per year touched)."""
    keys = sorted({m.key for m in measures})
    ids = list(unit_ids)
    if not keys or not ids or not periods:
        return
    table = connection.ops.quote_name(ProcedureActivity._meta.db_table)
    for first in range(0, len(periods), 60):  # 60 flags fit a signed 64-bit integer
        chunk = periods[first : first + 60]
        flags, flag_params = [], []
        for i, p in enumerate(chunk):
            clause, params = _period_clause(p)
            flags.append(f"CASE WHEN {clause} THEN {1 << i} ELSE 0 END")
            flag_params += params
        # Rows meeting any period: the union of the periods' masks, per year.
        union: dict[int, list[int]] = {}
        for p in chunk:
            for year, masks in _masks(p).items():
                found = union.setdefault(year, [0] * WORDS)
                for w, mask in enumerate(masks):
                    found[w] |= mask
        clauses, params = [], []
        for year, masks in union.items():
            words = [f"(w{i} & %s) <> 0" for i, mask in enumerate(masks) if mask]
            clauses.append(f"(year = %s AND ({' OR '.join(words)}))")
            params += [year, *(_signed(mask) for mask in masks if mask)]
        sql = (
            f"SELECT unit_id, procedure_id, measure, {' + '.join(flags)} "  # noqa: S608
            f"FROM {table} WHERE measure IN ({', '.join(['%s'] * len(keys))}) "
            f"AND unit_id IN ({', '.join(['%s'] * len(ids))}) AND ({' OR '.join(clauses)})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*flag_params, *keys, *ids, *params])
            for unit_id, procedure_id, key, found_flags in cursor.fetchall():
                yield unit_id, procedure_id, key, int(found_flags) << first


def procedure_pairs_periods(
    measures: Iterable[Measure], unit_ids: Iterable[int], periods: Sequence[Period]
) -> dict[Period, dict[str, dict[int, set[int]]]]:
    """:func:`procedure_pairs` for each period, in one query."""
    result: dict[Period, dict[str, dict[int, set[int]]]] = {
        p: defaultdict(lambda: defaultdict(set)) for p in periods
    }
    for unit_id, procedure_id, key, flags in _activity_periods(measures, unit_ids, periods):
        for i, p in enumerate(periods):
            if flags >> i & 1:
                result[p][key][unit_id].add(procedure_id)
    return result


def count_periods(
    fast: Fast, unit_ids: Sequence[int], periods: Sequence[Period]
) -> dict[Period, dict[int, dict[str, int]]]:
    """:func:`count` for each period: each table read once for all of them."""
    dossier_terms = {k: terms for k, (source, terms) in fast.items() if source == "dossiers"}
    procedure_measures = {
        k: terms[0].measure for k, (source, terms) in fast.items() if source == "procedures"
    }
    all_terms = [t for terms in dossier_terms.values() for t in terms]
    running = running_counts_periods(
        {t.measure for t in all_terms if t.kind not in SPANS}, unit_ids, periods
    )
    spans = span_counts_periods(all_terms, unit_ids, periods)
    # Distinct procedures per period: one grouped query each (measured faster than one
    # query flagging every period, whose rows are then merged here).
    activity = (
        {p: procedure_counts(procedure_measures.values(), unit_ids, p) for p in periods}
        if procedure_measures
        else {}
    )
    result: dict[Period, dict[int, dict[str, int]]] = {}
    for p in periods:
        out: dict[int, dict[str, int]] = defaultdict(dict)
        my_running, my_spans = running[p], spans[p]
        my_activity = activity.get(p, {})
        for unit_id in unit_ids:
            mine, mine_s = my_running.get(unit_id, {}), my_spans.get(unit_id, {})
            for key, terms in dossier_terms.items():
                out[unit_id][key] = combine(terms, mine, mine_s)
            mine_p = my_activity.get(unit_id, {})
            for key, measure in procedure_measures.items():
                out[unit_id][key] = mine_p.get(measure.key, 0)
        result[p] = out
    return result
