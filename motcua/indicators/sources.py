"""Count sources: what an indicator's numerator and denominator can count.

A :class:`Source` counts, for a period, every requested :class:`~motcua.indicators.registry.
Count` naming it, per unit, in as few queries as it can. Sources are registered by name
(``register``); the engine only groups the counts of a formula set by source and adds up what
each returns, so a new kind of count is a new source, never an engine change. Built in:

- ``dossiers`` and ``procedures``: the running totals and procedure activity (series.py),
  else one query over the daily aggregates for both;
- ``payments``: payment transactions;
- ``catalogue`` and ``units`` (catalogue.py, registered when the app is ready).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Count as CountAgg
from django.db.models import Sum

from motcua.dossiers.models import Payment
from motcua.indicators import series
from motcua.indicators.models import DailyFact
from motcua.indicators.period import Period
from motcua.indicators.predicates import Pred

if TYPE_CHECKING:
    from motcua.indicators.registry import Count

UnitCounts = dict[int, dict[str, int]]


@dataclass(frozen=True)
class Explained:
    """One item behind a figure: a dossier (the default), a procedure or a unit."""

    dossier_id: int  # the item's id (a procedure's or a unit's for those kinds)
    code: str
    reason: str
    kind: str = "dossier"
    unit_id: int | None = None  # the applying unit, for catalogue pairs


# (in b, in a − b, total in b, total in a − b)
Explanation = tuple[list[Explained], list[Explained], int, int]


class Source:
    """Counts ``{key: Count}`` for the given units and period: ``{unit_id: {key: n}}``.

    Units with nothing to count may be left out; missing keys count 0.
    """

    def count(
        self, counts: Mapping[str, Count], unit_ids: Sequence[int], period: Period
    ) -> UnitCounts:
        raise NotImplementedError

    def count_periods(
        self, counts: Mapping[str, Count], unit_ids: Sequence[int], periods: Sequence[Period]
    ) -> dict[Period, UnitCounts]:
        """:meth:`count` for each of several periods: ``{period: {unit_id: {key: n}}}``.
        A source that can count them together (reading its tables once) overrides this;
        the default counts each period on its own."""
        return {p: self.count(counts, unit_ids, p) for p in dict.fromkeys(periods)}

    def explain(
        self,
        numerator: Count,
        denominator: Count,
        unit_ids: Sequence[int],
        period: Period,
        offset: int,
        limit: int,
    ) -> Explanation | None:
        """The items in b and in a−b with reasons (paginated); None when not listable."""
        return None


def count_periods(
    source: Any,
    counts: Mapping[str, Count],
    unit_ids: Sequence[int],
    periods: Sequence[Period],
) -> dict[Period, UnitCounts]:
    """``source.count_periods`` when it has one, else its ``count`` per period (a source
    registered without subclassing :class:`Source`)."""
    if hasattr(source, "count_periods"):
        found: dict[Period, UnitCounts] = source.count_periods(counts, unit_ids, periods)
        return found
    return {p: source.count(counts, unit_ids, p) for p in dict.fromkeys(periods)}


def paginate(items: Iterable[tuple[bool, Explained]], offset: int, limit: int) -> Explanation:
    """Split ``(in_b, item)`` pairs into the two paginated lists with their totals."""
    in_b: list[Explained] = []
    not_b: list[Explained] = []
    n_b = n_not_b = 0
    for ok, item in items:
        if ok:
            if offset <= n_b < offset + limit:
                in_b.append(item)
            n_b += 1
        else:
            if offset <= n_not_b < offset + limit:
                not_b.append(item)
            n_not_b += 1
    return in_b, not_b, n_b, n_not_b


class FactSource(Source):
    """Dossiers (``Sum(n)``) and distinct procedures per unit.

    Counts whose predicate decomposes into running totals (windows.py) are read from them
    and from the procedure activity (series.py): a few look-ups per unit whatever the
    number of dossiers. The rest are counted from ``DailyFact`` in one query.
    """

    def count(
        self, counts: Mapping[str, Count], unit_ids: Sequence[int], period: Period
    ) -> UnitCounts:
        result: UnitCounts = defaultdict(dict)
        if not unit_ids:
            return result
        fast, slow = series.split(counts)
        if fast:
            for unit_id, values in series.count(fast, unit_ids, period).items():
                result[unit_id].update(values)
        self._count_slow(counts, slow, unit_ids, period, result)
        return result

    def count_periods(
        self, counts: Mapping[str, Count], unit_ids: Sequence[int], periods: Sequence[Period]
    ) -> dict[Period, UnitCounts]:
        """The running totals, spans and procedure activity read once for every period;
        counts they cannot answer are counted from ``DailyFact`` per period."""
        ordered = list(dict.fromkeys(periods))
        results: dict[Period, UnitCounts] = {p: defaultdict(dict) for p in ordered}
        if not unit_ids:
            return results
        fast, slow = series.split(counts)
        if fast:
            for p, found in series.count_periods(fast, unit_ids, ordered).items():
                for unit_id, values in found.items():
                    results[p][unit_id].update(values)
        for p in ordered:
            self._count_slow(counts, slow, unit_ids, p, results[p])
        return results

    @staticmethod
    def _count_slow(
        counts: Mapping[str, Count],
        slow: Mapping[str, Count],
        unit_ids: Sequence[int],
        period: Period,
        result: UnitCounts,
    ) -> None:
        filters = {key: c.where.q(period) for key, c in slow.items() if c.where is not None}
        if not filters:
            return
        annotations = {
            key: Sum("n", filter=q, default=0)
            if counts[key].source == "dossiers"
            else CountAgg("procedure_id", filter=q, distinct=True)
            for key, q in filters.items()
        }
        rows: Any = (
            DailyFact.objects.filter(unit_id__in=unit_ids)
            .filter(reduce(or_, filters.values()))
            .values("unit_id")
            .annotate(**annotations)
        )
        for row in rows:
            unit_id = row.pop("unit_id")
            result[unit_id].update({k: int(v or 0) for k, v in row.items()})


class PaymentSource(Source):
    """Payment transactions selected by ``payment_where(period)``, per dossier unit."""

    def count(
        self, counts: Mapping[str, Count], unit_ids: Sequence[int], period: Period
    ) -> UnitCounts:
        filters = {key: c.payment_where(period) for key, c in counts.items() if c.payment_where}
        result: UnitCounts = defaultdict(dict)
        if not filters or not unit_ids:
            return result
        rows: Any = (
            Payment.objects.filter(dossier__unit_id__in=unit_ids)
            .filter(reduce(or_, filters.values()))
            .values("dossier__unit_id")
            .annotate(**{k: CountAgg("pk", filter=q) for k, q in filters.items()})
        )
        for row in rows:
            unit_id = row.pop("dossier__unit_id")
            result[unit_id].update(row)
        return result


def dossier_pairs(
    having: Mapping[str, Pred], unit_ids: Sequence[int], period: Period
) -> dict[str, dict[int, set[int]]]:
    """``{key: {unit_id: {procedure_id, …}}}``: the (unit, procedure) pairs with at least
    one dossier satisfying each predicate in the period: from the procedure activity
    (series.py) for "received in the period and …" predicates, else one query over the
    aggregates."""
    result: dict[str, dict[int, set[int]]] = {key: defaultdict(set) for key in having}
    if not having or not unit_ids:
        return result
    fast = series.activity_measures(having)
    if fast:
        found = series.procedure_pairs(fast.values(), unit_ids, period)
        for key, measure in fast.items():
            result[key].update(found.get(measure.key, {}))
    filters = {key: pred.q(period) for key, pred in having.items() if key not in fast}
    if not filters:
        return result
    rows: Any = (
        DailyFact.objects.filter(unit_id__in=unit_ids)
        .filter(reduce(or_, filters.values()))
        .values("unit_id", "procedure_id")
        .annotate(**{key: Sum("n", filter=q, default=0) for key, q in filters.items()})
    )
    for row in rows:
        for key in filters:
            if row[key]:
                result[key][row["unit_id"]].add(row["procedure_id"])
    return result


def dossier_pairs_periods(
    having: Mapping[str, Pred], unit_ids: Sequence[int], periods: Sequence[Period]
) -> dict[Period, dict[str, dict[int, set[int]]]]:
    """:func:`dossier_pairs` for each period: the procedure activity read once for all;
    predicates it cannot answer are counted from the aggregates per period."""
    ordered = list(dict.fromkeys(periods))
    results: dict[Period, dict[str, dict[int, set[int]]]] = {
        p: {key: defaultdict(set) for key in having} for p in ordered
    }
    if not having or not unit_ids:
        return results
    fast = series.activity_measures(having)
    if fast:
        found = series.procedure_pairs_periods(fast.values(), unit_ids, ordered)
        for p in ordered:
            for key, measure in fast.items():
                results[p][key].update(found[p].get(measure.key, {}))
    rest = {key: pred for key, pred in having.items() if key not in fast}
    if rest:
        for p in ordered:
            for key, pairs in dossier_pairs(rest, unit_ids, p).items():
                results[p][key] = pairs
    return results


_SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Make ``source`` countable as ``Count(name, …)``; several names may share one source
    (it then gets all their counts in one call)."""
    _SOURCES[name] = source


def get_source(name: str) -> Source:
    try:
        return _SOURCES[name]
    except KeyError:
        known = ", ".join(sorted(_SOURCES))
        raise KeyError(f"unknown count source {name!r} (known: {known})") from None


_facts = FactSource()
register("dossiers", _facts)
register("procedures", _facts)
register("payments", PaymentSource())
