"""The daily-aggregate rows a period's predicate can hold, and the dossiers behind a figure
one page at a time (``engine.explain``).

Reading every dossier a figure counts costs as much as the figure's period holds (a
province's year: 2,000,000 dossiers, tens of seconds). Instead:

- the totals of both lists (b, a − b) are the engine's own counts (running totals);
- which days of receipt hold a predicate's dossiers follows from its temporal shape
  (:func:`scope`): "received in the period" dossiers were received in it; "finished in
  the period" and "in progress in it" ones also before it, but only those that can span
  its first day — the lag classes of the span key (``windows.span_key``), as the engine's
  ``series.span_counts`` reads them; any other shape, every day up to the period's end;
- the page is found in the daily aggregates (one row per unit, day of receipt and facts),
  read in order of the day of receipt, a window of days at a time from the first day that
  can hold an item, until the page's items are passed (:func:`day_counts`);
- only the dossiers of the buckets (unit, day) holding the page are read, their facts
  computed (``facts_of``) and tested with the same predicates, which give the reasons.

Items are ordered by moment of receipt, then id, as before. Cost: the aggregate rows from
the first day with an item to the page's last day (proportional to the page's position,
not to the period), plus the page's buckets of dossiers. A page far down a province-wide
year's list still reads the aggregates before it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from itertools import islice
from operator import or_
from typing import Any

from django.db.models import Max, Min, Q, Sum

from motcua.calendar.services import current_calendar
from motcua.dossiers.models import FINISHED_STATUSES, Dossier
from motcua.indicators.facts import DOSSIER_COLUMNS, facts_of, load_procedures
from motcua.indicators.models import DailyFact
from motcua.indicators.period import Period, local_zone
from motcua.indicators.predicates import DayIn, Pred
from motcua.indicators.windows import (
    EPOCH,
    OPEN_LAG,
    PROGRESS_SCOPE,
    SPAN_CLASS,
    is_temporal,
)
from motcua.units.models import Unit

RECEIVED = DayIn("received_day")
FINISHED = DayIn("finished_day")
FEW_UNITS_SHARE = 4  # members fewer than a quarter of the units: read their own rows
CHUNK = 500  # dossiers read at a time; reading stops when both pages are complete


def _conjuncts(pred: Pred) -> set[Pred]:
    """The parts that must all hold, without labels (``All`` flattened)."""
    from motcua.indicators.windows import _flatten, _unlabel

    return set(_flatten(_unlabel(pred)))


def implies(pred: Pred, other: Pred) -> bool:
    """Whether ``pred`` holds only where ``other`` does, seen from their parts: every
    conjunct of ``other`` is one of ``pred``'s (b = a ∧ more)."""
    return _conjuncts(other) <= _conjuncts(pred)


def scope(pred: Pred) -> str:
    """Which days of receipt can hold dossiers satisfying ``pred`` (facts normalised so
    that finished ≥ received): ``"received"`` — the period's days; ``"spanning"`` — those,
    and days before the period of dossiers finished on or after its first day or not
    finished (finished in the period, in progress in it); ``"all"`` — any day up to the
    period's end."""
    parts = {p for p in _conjuncts(pred) if is_temporal(p)}
    if RECEIVED in parts:
        return "received"
    if FINISHED in parts or PROGRESS_SCOPE in parts:
        return "spanning"
    return "all"


def _key(lag: int, day: dt.date) -> int:
    return lag * SPAN_CLASS + (day - EPOCH).days


# (day of receipt, unit, dossiers in a, of which in b)
DayRow = tuple[dt.date, int, int, int]
Found = dict[tuple[dt.date, int], list[int]]


def _add(query: Any, sums: dict[str, Any], wanted: set[int], found: Found) -> None:
    """Add one query's (day, unit) counts of a and b to ``found`` (members only)."""
    for row in query.values("received_day", "unit_id").annotate(**sums):
        if row["unit_id"] in wanted and row["received_day"] is not None and row["n_a"]:
            pair = found[(row["received_day"], row["unit_id"])]
            pair[0] += row["n_a"]
            pair[1] += row["n_b"]


def _rows(found: Found) -> list[DayRow]:
    return sorted((day, unit, n_a, n_b) for (day, unit), (n_a, n_b) in found.items())


def _sums(where_b: Pred, period: Period) -> dict[str, Any]:
    return {"n_a": Sum("n"), "n_b": Sum("n", filter=where_b.q(period), default=0)}


def counts_between(
    where_a: Pred,
    where_b: Pred,
    members: Sequence[int],
    period: Period,
    first: dt.date,
    last: dt.date,
) -> list[DayRow]:
    """Per day of receipt in [first, last] and member unit, the dossiers in a and in b
    (the members' rows of those days, through the (unit, received day) index)."""
    found: Found = defaultdict(lambda: [0, 0])
    query = DailyFact.objects.filter(
        unit_id__in=list(members), received_day__gte=first, received_day__lte=last
    ).filter(where_a.q(period))
    _add(query, _sums(where_b, period), set(members), found)
    return _rows(found)


def reach(period: Period) -> tuple[int, dt.date]:
    """(the longest lag class present, the first day a dossier of that class received on
    can reach the period): before that day only unfinished dossiers can (index look-up)."""
    s = period.start
    longest = DailyFact.objects.filter(span_key__lt=_key(OPEN_LAG, EPOCH)).aggregate(
        k=Max("span_key")
    )["k"]
    top = longest // SPAN_CLASS if longest is not None and longest >= 0 else 0
    return top, s - dt.timedelta(days=min(2**top - 1, max((s - EPOCH).days, 0)))


def counts_unfinished_before(
    where_a: Pred, where_b: Pred, members: Sequence[int], period: Period, day: dt.date
) -> list[DayRow]:
    """The same for unfinished dossiers received before ``day`` (few: read by the span
    key alone; with a unit condition a planner may read by unit instead of its range)."""
    found: Found = defaultdict(lambda: [0, 0])
    if day > EPOCH:
        query = DailyFact.objects.filter(
            span_key__gte=_key(OPEN_LAG, EPOCH), span_key__lt=_key(OPEN_LAG, day)
        ).filter(where_a.q(period))
        _add(query, _sums(where_b, period), set(members), found)
    return _rows(found)


def counts_spanning(
    where_a: Pred,
    where_b: Pred,
    members: Sequence[int],
    period: Period,
    first: dt.date,
    last: dt.date,
    top: int,
) -> list[DayRow]:
    """The same for days [first, last] before the period, of the rows that can reach its
    first day: not finished, or finished on or after it (scope ``"spanning"``)."""
    s = period.start
    if len(members) * FEW_UNITS_SHARE < _unit_count():
        # A few units: their rows of those days (fewer than the province's spanning ones).
        return counts_between(where_a, where_b, members, period, first, last)
    # Many: one range of the span key per lag class that can reach the period (finished
    # 2**(c-1) to 2**c − 1 days after receipt: received at most 2**c − 1 days before it),
    # and the unfinished; one query each (a planner reads an OR of ranges as a scan).
    ranges = [Q(span_key__gte=_key(OPEN_LAG, first), span_key__lte=_key(OPEN_LAG, last))]
    for c in range(1, top + 1):
        earliest = max(first, s - dt.timedelta(days=min(2**c - 1, (s - EPOCH).days)))
        if earliest <= last:
            ranges.append(Q(span_key__gte=_key(c, earliest), span_key__lte=_key(c, last)))
    found: Found = defaultdict(lambda: [0, 0])
    a_q, sums, wanted = where_a.q(period), _sums(where_b, period), set(members)
    for part in ranges:
        _add(DailyFact.objects.filter(part).filter(a_q), sums, wanted, found)
    return _rows(found)


def _unit_count() -> int:
    return Unit.objects.count()


def parts(pred: Pred, members: Sequence[int], period: Period) -> list[tuple[Q, bool]]:
    """Conditions on the daily aggregates whose union holds every member row that can
    satisfy ``pred`` in the period (by its :func:`scope`), each one index's range, to be
    read by its own query; with each, whether it may hold other units' rows (the span key's
    ranges carry no unit condition: with one a planner may read by unit instead)."""
    kind = scope(pred)
    ids = list(members)
    if kind == "all":
        return [(Q(unit_id__in=ids), False)]
    s, e = period.start, period.end
    found = [(Q(unit_id__in=ids, received_day__gte=s, received_day__lte=e), False)]
    if kind == "received" or s <= EPOCH:
        return found
    top, near = reach(period)
    last = s - dt.timedelta(days=1)
    found.append((Q(span_key__gte=_key(OPEN_LAG, EPOCH), span_key__lt=_key(OPEN_LAG, near)), True))
    if near > last:
        return found
    if len(ids) * FEW_UNITS_SHARE < _unit_count():
        found.append((Q(unit_id__in=ids, received_day__gte=near, received_day__lte=last), False))
        return found
    found.append((Q(span_key__gte=_key(OPEN_LAG, near), span_key__lte=_key(OPEN_LAG, last)), True))
    for c in range(1, top + 1):
        earliest = max(near, s - dt.timedelta(days=min(2**c - 1, (s - EPOCH).days)))
        found.append((Q(span_key__gte=_key(c, earliest), span_key__lte=_key(c, last)), True))
    return found


@dataclass
class Wanted:
    """One list's page: items [offset, offset + limit) of ``total`` (None: unknown)."""

    offset: int
    limit: int
    total: int | None

    @property
    def end(self) -> int:
        end = self.offset + self.limit
        return end if self.total is None else min(end, self.total)


def walk(
    where_a: Pred,
    where_b: Pred,
    members: Sequence[int],
    period: Period,
    wanted: tuple[Wanted, Wanted],
) -> list[DayRow]:
    """The day rows, in order, from the first day that can hold an item until both pages
    are passed, a window of days at a time (doubling in length)."""
    shares = [1.0 if w.total is None else w.end / w.total if w.total else 0.0 for w in wanted]
    if max(shares) <= 0:
        return []
    kind = scope(where_a)
    s, last_day = period.start, period.end
    rows: list[DayRow] = []
    seen = [0, 0]

    def take(found: list[DayRow]) -> bool:
        """Keep the rows; whether both pages are passed."""
        for row in found:
            rows.append(row)
            seen[0] += row[3]
            seen[1] += row[2] - row[3]
        return seen[0] >= wanted[0].end and seen[1] >= wanted[1].end

    first = s
    if kind == "all":
        bounds = DailyFact.objects.filter(unit_id__in=list(members)).aggregate(
            lo=Min("received_day"), hi=Max("received_day")
        )
        if bounds["lo"] is None:
            return []
        first, last_day = bounds["lo"], min(last_day, bounds["hi"])
    elif kind == "spanning":
        top, near = reach(period)
        if take(counts_unfinished_before(where_a, where_b, members, period, near)):
            return rows
        first, width = near, 8
        while first < s:
            last = min(s - dt.timedelta(days=1), first + dt.timedelta(days=width - 1))
            if take(counts_spanning(where_a, where_b, members, period, first, last, top)):
                return rows
            first, width = last + dt.timedelta(days=1), width * 2
    # The period's days: the first window sized from the share of the lists the pages
    # reach (items are not spread evenly: the window doubles until they are passed).
    width = max(1, int(((last_day - first).days + 1) * max(shares) * 1.25) + 1)
    while first <= last_day:
        last = min(last_day, first + dt.timedelta(days=width - 1))
        if take(counts_between(where_a, where_b, members, period, first, last)):
            break
        first, width = last + dt.timedelta(days=1), width * 2
    return rows


def _days_for(
    rows: list[DayRow], count: Callable[[DayRow], int], want: Wanted
) -> dict[dt.date, int]:
    """The days holding items [offset, end) of one list, each with the list's items on the
    days before it."""
    found: dict[dt.date, int] = {}
    before = 0
    per_day: dict[dt.date, int] = defaultdict(int)
    for row in rows:
        per_day[row[0]] += count(row)
    for day in sorted(per_day):
        n = per_day[day]
        if n and before + n > want.offset and before < want.end:
            found[day] = before
        before += n
    return found


Item = tuple[bool, int, str, str]  # (in b, id, code, reason)


def page(
    where_a: Pred,
    where_b: Pred,
    label_b: str,
    members: Sequence[int],
    period: Period,
    wanted: tuple[Wanted, Wanted],
) -> tuple[list[Item], list[Item], int, int]:
    """Both pages of items (in b; in a − b) with the counts the aggregates give for each
    list over the days walked (the totals when the walk reached the end)."""
    rows = walk(where_a, where_b, members, period, wanted)
    spanning = scope(where_a) == "spanning"
    b_days = _days_for(rows, lambda r: r[3], wanted[0])
    not_b_days = _days_for(rows, lambda r: r[2] - r[3], wanted[1])
    units_by_day: dict[dt.date, set[int]] = defaultdict(set)
    for day, unit, _, _ in rows:
        if day in b_days or day in not_b_days:
            units_by_day[day].add(unit)
    in_b: list[Item] = []
    not_b: list[Item] = []
    if units_by_day:
        zone = local_zone()
        # Before the period, only dossiers that can reach it (a superset of those whose
        # finish day is on or after its first day, or unset).
        reaching = (
            Q(finished_at__isnull=True)
            | Q(finished_at__gte=period.start_at)
            | ~Q(status__in=FINISHED_STATUSES)
        )
        where = reduce(
            or_,
            (
                Q(
                    unit_id__in=sorted(units),
                    received_at__gte=dt.datetime.combine(day, dt.time.min, zone),
                    received_at__lt=dt.datetime.combine(
                        day + dt.timedelta(days=1), dt.time.min, zone
                    ),
                )
                & (reaching if day < period.start and spanning else Q())
                for day, units in sorted(units_by_day.items())
            ),
        )
        query = (
            Dossier.objects.filter(where)
            .order_by("received_at", "pk")
            .values("code", *DOSSIER_COLUMNS)
        )
        # The page's items: the lists' lengths over the days walked, capped by the page.
        seen = (sum(r[3] for r in rows), sum(r[2] - r[3] for r in rows))
        expected = [
            max(0, min(w.offset + w.limit, n) - w.offset) for w, n in zip(wanted, seen, strict=True)
        ]
        procedures: dict[int, Any] = {}
        calendar = current_calendar()
        position: dict[str, int] = {}
        current: dt.date | None = None
        streamed = query.iterator(chunk_size=CHUNK)
        while len(in_b) < expected[0] or len(not_b) < expected[1]:
            chunk = list(islice(streamed, CHUNK))
            if not chunk:
                break
            missing = {row["procedure_id"] for row in chunk} - procedures.keys()
            if missing:
                procedures.update(load_procedures(missing))
            for row in chunk:
                facts = facts_of(row, procedures[row["procedure_id"]], calendar)
                received = facts.received_day
                if received is not None and received != current:
                    current = received
                    position = {"b": b_days.get(received, -1), "n": not_b_days.get(received, -1)}
                if not where_a.test(facts, period):
                    continue
                ok = where_b.test(facts, period)
                name, want, out = ("b", wanted[0], in_b) if ok else ("n", wanted[1], not_b)
                if position[name] < 0:
                    continue  # not a day of this list's page
                if want.offset <= position[name] < want.offset + want.limit:
                    reason = label_b if ok else where_b.why_not(facts, period)
                    out.append((ok, row["id"], row["code"], reason))
                position[name] += 1
                if len(in_b) >= expected[0] and len(not_b) >= expected[1]:
                    break  # both pages complete: the rest of the day is not read
    n_b = sum(r[3] for r in rows)
    return in_b, not_b, n_b, sum(r[2] for r in rows) - n_b
