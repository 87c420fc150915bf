"""Computing indicators: sum numerators and denominators over each unit's members.

Each count source (``sources.py``: dossiers and procedures from the running totals or the
daily aggregates, payments, the procedure catalogue, units) counts its share of a formula
set's numerators and denominators per handling unit in one call. A requested unit's figure
is the sum over the units whose history rolls up into it (``members``). Rates are never
averaged. ``explain`` lists the dossiers behind a figure with the reason each one counts or
not, from the same predicates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from motcua.indicators import listing
from motcua.indicators.period import Period
from motcua.indicators.predicates import Pred
from motcua.indicators.registry import Count, FormulaSet, Group, Indicator
from motcua.indicators.sources import Explained, Source, count_periods, get_source


@dataclass(frozen=True)
class Figure:
    unit_id: int
    indicator: Indicator
    numerator: int
    denominator: int
    # (b, a) of the indicator's further factors (``Indicator.times``), in order.
    factors: tuple[tuple[int, int], ...] = ()

    @property
    def rate(self) -> float | None:
        """b / a as a fraction (times each factor's bᵢ / aᵢ); None when any a = 0."""
        if not self.denominator or any(not a for _, a in self.factors):
            return None
        rate = self.numerator / self.denominator
        for b, a in self.factors:
            rate *= b / a
        return rate

    @property
    def score(self) -> float:
        return self.indicator.scoring.score(self.rate)


@dataclass(frozen=True)
class GroupFigure:
    unit_id: int
    group: Group
    score: float | None  # None for a pending group (not computable yet)


def count_by_unit(
    counts: Mapping[str, Count], unit_ids: Iterable[int], period: Period
) -> dict[int, dict[str, int]]:
    """``{unit_id: {key: n}}`` for every named count; each source counts its share in one
    call (``sources.py``)."""
    ids = list(unit_ids)
    result: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(counts, 0))
    by_source: dict[int, tuple[Source, dict[str, Count]]] = {}
    for key, c in counts.items():
        source = get_source(c.source)
        by_source.setdefault(id(source), (source, {}))[1][key] = c
    for source, own in by_source.values():
        for unit_id, values in source.count(own, ids, period).items():
            result[unit_id].update(values)
    return result


def count_by_unit_periods(
    counts: Mapping[str, Count], unit_ids: Iterable[int], periods: Sequence[Period]
) -> dict[Period, dict[int, dict[str, int]]]:
    """:func:`count_by_unit` for several periods: each source counts its share of every
    period in one call (``Source.count_periods``), reading its tables once."""
    ids = list(unit_ids)
    ordered = list(dict.fromkeys(periods))
    results: dict[Period, dict[int, dict[str, int]]] = {
        p: defaultdict(lambda: dict.fromkeys(counts, 0)) for p in ordered
    }
    by_source: dict[int, tuple[Source, dict[str, Count]]] = {}
    for key, c in counts.items():
        source = get_source(c.source)
        by_source.setdefault(id(source), (source, {}))[1][key] = c
    for source, own in by_source.values():
        for p, found in count_periods(source, own, ids, ordered).items():
            result = results[p]
            for unit_id, values in found.items():
                result[unit_id].update(values)
    return results


def _counts_of(formula_set: FormulaSet) -> dict[str, Count]:
    counts: dict[str, Count] = {}
    for indicator in formula_set.indicators:
        counts.update(indicator.counts())
    return counts


def compute(
    formula_set: FormulaSet, members: Mapping[int, set[int]], period: Period
) -> list[Figure]:
    """One figure per requested unit (the keys of ``members``) and indicator."""
    counts = _counts_of(formula_set)
    all_ids: set[int] = set().union(*members.values()) if members else set()
    per_unit = count_by_unit(counts, all_ids, period)
    return _figures(formula_set, counts, members, per_unit)


def compute_periods(
    formula_set: FormulaSet, members: Mapping[Period, Mapping[int, set[int]]]
) -> dict[Period, list[Figure]]:
    """:func:`compute` for each period (the keys of ``members``, each with its own units'
    members, as they roll up in that period): the figures of every period whose members
    are the same units are counted in one pass of each source. Equal to :func:`compute`
    per period."""
    counts = _counts_of(formula_set)
    by_units: dict[frozenset[int], list[Period]] = defaultdict(list)
    for p, mine in members.items():
        all_ids = frozenset().union(*mine.values()) if mine else frozenset()
        by_units[all_ids].append(p)
    result: dict[Period, list[Figure]] = {}
    for all_ids, periods in by_units.items():
        counted = count_by_unit_periods(counts, sorted(all_ids), periods)
        for p in periods:
            result[p] = _figures(formula_set, counts, members[p], counted[p])
    return {p: result[p] for p in members}


def _figures(
    formula_set: FormulaSet,
    counts: Mapping[str, Count],
    members: Mapping[int, set[int]],
    per_unit: Mapping[int, Mapping[str, int]],
) -> list[Figure]:
    figures = []
    for unit_id, member_ids in members.items():
        totals = dict.fromkeys(counts, 0)
        for member in member_ids:
            for key, value in per_unit.get(member, {}).items():
                totals[key] += value
        for indicator in formula_set.indicators:
            code = indicator.code
            factors = tuple(
                (totals[f"{code}__b{i}"], totals[f"{code}__a{i}"])
                for i in range(1, len(indicator.times) + 1)
            )
            figures.append(
                Figure(unit_id, indicator, totals[f"{code}__b"], totals[f"{code}__a"], factors)
            )
    return figures


def group_scores(formula_set: FormulaSet, figures: Iterable[Figure]) -> list[GroupFigure]:
    """Each group's score: the sum of its indicators' scores, capped at the group's max;
    None for a pending group."""
    by_unit: dict[int, dict[str, Figure]] = defaultdict(dict)
    for figure in figures:
        by_unit[figure.unit_id][figure.indicator.code] = figure
    result = []
    for unit_id, figs in by_unit.items():
        for group in formula_set.groups:
            if group.pending:
                result.append(GroupFigure(unit_id, group, None))
                continue
            total = sum(figs[code].score for code in group.indicators if code in figs)
            result.append(GroupFigure(unit_id, group, min(group.max, total)))
    return result


def explain(
    indicator: Indicator,
    member_ids: Iterable[int],
    period: Period,
    *,
    offset: int = 0,
    limit: int = 50,
    totals: tuple[int, int] | None = None,
) -> tuple[list[Explained], list[Explained], int, int]:
    """The items in b and in a−b with their reasons, paginated; and both totals.

    Items are dossiers (``kind="dossier"``) for dossier and procedure counts; a source
    counting something else lists its own items (catalogue: (unit, procedure) pairs).
    Raises ValueError for a source that cannot list its items (payments).

    Dossiers: the totals are the engine's counts of the dossiers satisfying b and a
    (``totals``: the caller's, when it has them); only the page's dossiers are read
    (listing.py).
    """
    where_b, where_a = indicator.numerator.where, indicator.denominator.where
    sources = {indicator.numerator.source, indicator.denominator.source}
    if not sources <= {"dossiers", "procedures"}:
        source = get_source(indicator.denominator.source)
        if len(sources) == 1:
            found = source.explain(
                indicator.numerator, indicator.denominator, list(member_ids), period, offset, limit
            )
            if found is not None:
                return found
        what = ", ".join(sorted(sources - {"dossiers", "procedures"}))
        raise ValueError(f"{indicator.code} counts {what}, which cannot be listed")
    if where_b is None or where_a is None:
        raise ValueError(f"{indicator.code} has no dossier predicate")
    members = sorted(set(member_ids))
    if totals is None and listing.implies(where_b, where_a):
        totals = dossier_totals(where_a, where_b, members, period)
    wanted = (
        listing.Wanted(offset, limit, totals[0] if totals else None),
        listing.Wanted(offset, limit, totals[1] if totals else None),
    )
    label = indicator.numerator.label or "✓"
    in_b, not_b, n_b, n_not_b = listing.page(where_a, where_b, label, members, period, wanted)
    if totals is not None:
        n_b, n_not_b = totals
    return (
        [Explained(pk, code, reason) for _, pk, code, reason in in_b],
        [Explained(pk, code, reason) for _, pk, code, reason in not_b],
        n_b,
        n_not_b,
    )


def dossier_totals(
    where_a: Pred, where_b: Pred, member_ids: Iterable[int], period: Period
) -> tuple[int, int]:
    """(dossiers in b, dossiers in a − b) over the members, b implying a: the engine's
    counts (running totals when built)."""
    counts = {"a": Count("dossiers", where=where_a), "b": Count("dossiers", where=where_b)}
    found = count_by_unit(counts, member_ids, period)
    b = sum(v.get("b", 0) for v in found.values())
    a = sum(v.get("a", 0) for v in found.values())
    return b, a - b
