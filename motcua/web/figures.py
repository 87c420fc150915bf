"""The figures pages show, through the indicator engine, cached by data generation.

Only what a page shows is computed: the units it lists and the indicators it needs. Values
cached are plain tuples (never model or registry objects), keyed by everything they depend
on (formula set, indicator codes, unit ids, period) and the data generation
(``generation.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Max

from motcua.indicators.engine import Figure, compute_periods, group_scores
from motcua.indicators.models import DailyFact
from motcua.indicators.period import Period
from motcua.indicators.reconcile import active_formula_set
from motcua.indicators.registry import FormulaSet, formula_set
from motcua.units.history import History, TreeNode, rollup_map, tree_on
from motcua.web.generation import FigureCache

T = TypeVar("T")
Raw = dict[tuple[int, str], tuple[int, int, tuple[tuple[int, int], ...]]]


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None = None


@dataclass(frozen=True)
class Scores:
    total: float
    groups: dict[str, float | None]


def index_set(day: dt.date) -> FormulaSet:
    """The scored set (the 766 index) in force on ``day``; the latest if none was yet."""
    return active_formula_set(max(day, dt.date.today()))


def subset(fs: FormulaSet, codes: Sequence[str] | None) -> FormulaSet:
    if codes is None:
        return fs
    return FormulaSet(fs.id, fs.valid_from, tuple(fs.get(c) for c in codes), ())


def _batched(
    fc: FigureCache,
    periods: Sequence[Period],
    key: Callable[[Period], tuple[Any, ...]],
    units: Callable[[Period], Collection[int] | None],
    compute: Callable[[list[Period]], dict[Period, T]],
) -> dict[Period, T]:
    """Each period's value cached under its own key (as a one-period call files it), the
    missing ones computed together: the first miss computes it and every period after it
    in one ``compute`` call (periods after it that were cached are recomputed, unused)."""
    ordered = list(dict.fromkeys(periods))
    computed: dict[Period, T] = {}
    result: dict[Period, T] = {}
    for i, period in enumerate(ordered):

        def work(period: Period = period, i: int = i) -> T:
            if period not in computed:
                computed.update(compute(ordered[i:]))
            return computed[period]

        result[period] = fc.get(key(period), work, units(period))
    return result


def raw_counts_periods(
    fc: FigureCache,
    set_id: str,
    codes: Sequence[str] | None,
    unit_ids: Sequence[int],
    periods: Sequence[Period],
) -> dict[Period, Raw]:
    """:func:`raw_counts` for each period, the missing ones counted in one engine pass
    (``engine.compute_periods``) and each cached under its own key."""
    ids = tuple(sorted(set(unit_ids)))
    wanted = None if codes is None else tuple(codes)
    members = members_union_periods(fc, ids, periods)

    def work(todo: list[Period]) -> dict[Period, Raw]:
        if not ids:
            return {p: {} for p in todo}
        history = History()
        by_period: dict[Period, dict[int, set[int]]] = {}
        for p in todo:
            members_all = history.rollup_map(p.start, p.end)
            by_period[p] = {uid: members_all.get(uid, {uid}) for uid in ids}
        fs = subset(formula_set(set_id), wanted)
        return {
            p: {
                (f.unit_id, f.indicator.code): (f.numerator, f.denominator, f.factors)
                for f in found
            }
            for p, found in compute_periods(fs, by_period).items()
        }

    return _batched(
        fc,
        periods,
        lambda p: ("counts", set_id, wanted, ids, p.start, p.end),
        lambda p: members[p],
        work,
    )


def raw_counts(
    fc: FigureCache,
    set_id: str,
    codes: Sequence[str] | None,
    unit_ids: Sequence[int],
    period: Period,
) -> Raw:
    """(unit, indicator) → (b, a, factors) for each unit's subtree (its history's members)."""
    return raw_counts_periods(fc, set_id, codes, unit_ids, [period])[period]


def figures_periods(
    fc: FigureCache,
    fs: FormulaSet,
    codes: Sequence[str] | None,
    unit_ids: Sequence[int],
    periods: Sequence[Period],
) -> dict[Period, dict[tuple[int, str], Figure]]:
    """:func:`figures` for each period (counted together when not cached)."""
    by_code = {i.code: i for i in fs.indicators}
    return {
        p: {
            key: Figure(key[0], by_code[key[1]], b, a, factors)
            for key, (b, a, factors) in raw.items()
        }
        for p, raw in raw_counts_periods(fc, fs.id, codes, unit_ids, periods).items()
    }


def figures(
    fc: FigureCache,
    fs: FormulaSet,
    codes: Sequence[str] | None,
    unit_ids: Sequence[int],
    period: Period,
) -> dict[tuple[int, str], Figure]:
    return figures_periods(fc, fs, codes, unit_ids, [period])[period]


def members_of(fc: FigureCache, unit_id: int, period: Period) -> list[int]:
    """The units whose dossiers count for ``unit_id`` in the period (its subtree, history
    respected), as the engine sums them."""

    def work() -> list[int]:
        return sorted(rollup_map(period.start, period.end).get(unit_id, {unit_id}))

    return fc.get(("members", unit_id, period.start, period.end), work, units=())


def members_union(fc: FigureCache, unit_ids: Sequence[int], period: Period) -> list[int]:
    """Every member of these units in the period: the units whose dossier data their figures
    are computed from (the cache key of those figures, ``generation.py``)."""
    return members_union_periods(fc, unit_ids, [period])[period]


def members_union_periods(
    fc: FigureCache, unit_ids: Sequence[int], periods: Sequence[Period]
) -> dict[Period, list[int]]:
    """:func:`members_union` for each period (the unit history read once when not cached)."""
    ids = tuple(sorted(set(unit_ids)))

    def work(todo: list[Period]) -> dict[Period, list[int]]:
        history = History()
        result: dict[Period, list[int]] = {}
        for p in todo:
            members_all = history.rollup_map(p.start, p.end)
            found: set[int] = set()
            for uid in ids:
                found |= members_all.get(uid, {uid})
            result[p] = sorted(found)
        return result

    return _batched(fc, periods, lambda p: ("members-of", ids, p.start, p.end), lambda p: (), work)


def scores_periods(
    fc: FigureCache, fs: FormulaSet, unit_ids: Sequence[int], periods: Sequence[Period]
) -> dict[Period, dict[int, Scores]]:
    """:func:`scores` for each period: the missing ones counted in one engine pass."""
    ids = tuple(sorted(set(unit_ids)))
    members = members_union_periods(fc, ids, periods)
    ScoreRows = dict[int, tuple[float, dict[str, float | None]]]

    def work(todo: list[Period]) -> dict[Period, ScoreRows]:
        result: dict[Period, ScoreRows] = {}
        for p, found in figures_periods(fc, fs, None, ids, todo).items():
            rows: ScoreRows = {}
            for g in group_scores(fs, found.values()):
                total, groups = rows.get(g.unit_id, (0.0, {}))
                groups[g.group.code] = g.score
                rows[g.unit_id] = (total + (g.score or 0.0), groups)
            result[p] = rows
        return result

    found = _batched(
        fc,
        periods,
        lambda p: ("scores", fs.id, ids, p.start, p.end),
        lambda p: members[p],
        work,
    )
    return {
        p: {uid: Scores(total, groups) for uid, (total, groups) in rows.items()}
        for p, rows in found.items()
    }


def scores(
    fc: FigureCache, fs: FormulaSet, unit_ids: Sequence[int], period: Period
) -> dict[int, Scores]:
    """Each unit's total and group scores in the scored set ``fs``."""
    return scores_periods(fc, fs, unit_ids, [period])[period]


def units_under(fc: FigureCache, period: Period, root_ids: Sequence[int] | None) -> list[UnitRef]:
    """The units in the tree as of the period's end: every root's subtree (all when None)."""
    roots = tuple(sorted(root_ids)) if root_ids is not None else None

    def work() -> list[tuple[int, str, str, str, int | None]]:
        rows: list[tuple[int, str, str, str, int | None]] = []
        seen: set[int] = set()
        starts = [None] if roots is None else list(roots)
        for start in starts:
            for root in tree_on(period.end, start):
                for parent, node in _walk(root, None):
                    if node.id not in seen:
                        seen.add(node.id)
                        rows.append(
                            (node.id, node.code or node.gso_code, node.name, node.level, parent)
                        )
        return rows

    rows = fc.get(("units", roots, period.end), work, units=())
    return [UnitRef(*row) for row in rows]


def _walk(node: TreeNode, parent: int | None) -> list[tuple[int | None, TreeNode]]:
    out: list[tuple[int | None, TreeNode]] = [(parent, node)]
    for child in node.children:
        out.extend(_walk(child, node.id))
    return out


def latest_day(fc: FigureCache) -> dt.date | None:
    """The last day a dossier was received on (from the daily aggregates' index)."""
    today = dt.date.today()

    def work() -> tuple[dt.date | None]:
        found = DailyFact.objects.filter(received_day__lte=today).aggregate(d=Max("received_day"))
        return (found["d"],)

    return fc.get(("latest-day", today), work)[0]


def reference_day(fc: FigureCache, today: dt.date) -> dt.date:
    """Today, or the last day with dossiers when none were received this week."""
    latest = latest_day(fc)
    monday = today - dt.timedelta(days=today.weekday())
    if latest is None or latest >= monday:
        return today
    return latest
