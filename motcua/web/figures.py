"""The figures pages show, through the indicator engine, cached by data generation.

Only what a page shows is computed: the units it lists and the indicators it needs. Values
cached are plain tuples (never model or registry objects), keyed by everything they depend
on (formula set, indicator codes, unit ids, period) and the data generation
(``generation.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Max

from motcua.indicators.engine import Figure, compute, group_scores
from motcua.indicators.models import DailyFact
from motcua.indicators.period import Period
from motcua.indicators.reconcile import active_formula_set
from motcua.indicators.registry import FormulaSet, formula_set
from motcua.units.history import TreeNode, rollup_map, tree_on
from motcua.web.generation import FigureCache

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


def raw_counts(
    fc: FigureCache,
    set_id: str,
    codes: Sequence[str] | None,
    unit_ids: Sequence[int],
    period: Period,
) -> Raw:
    """(unit, indicator) → (b, a, factors) for each unit's subtree (its history's members)."""
    ids = tuple(sorted(set(unit_ids)))
    wanted = None if codes is None else tuple(codes)
    members = members_union(fc, ids, period)

    def work() -> Raw:
        if not ids:
            return {}
        members_all = rollup_map(period.start, period.end)
        members = {uid: members_all.get(uid, {uid}) for uid in ids}
        fs = subset(formula_set(set_id), wanted)
        return {
            (f.unit_id, f.indicator.code): (f.numerator, f.denominator, f.factors)
            for f in compute(fs, members, period)
        }

    return fc.get(("counts", set_id, wanted, ids, period.start, period.end), work, members)


def figures(
    fc: FigureCache,
    fs: FormulaSet,
    codes: Sequence[str] | None,
    unit_ids: Sequence[int],
    period: Period,
) -> dict[tuple[int, str], Figure]:
    raw = raw_counts(fc, fs.id, codes, unit_ids, period)
    by_code = {i.code: i for i in fs.indicators}
    return {
        key: Figure(key[0], by_code[key[1]], b, a, factors) for key, (b, a, factors) in raw.items()
    }


def members_of(fc: FigureCache, unit_id: int, period: Period) -> list[int]:
    """The units whose dossiers count for ``unit_id`` in the period (its subtree, history
    respected), as the engine sums them."""

    def work() -> list[int]:
        return sorted(rollup_map(period.start, period.end).get(unit_id, {unit_id}))

    return fc.get(("members", unit_id, period.start, period.end), work, units=())


def members_union(fc: FigureCache, unit_ids: Sequence[int], period: Period) -> list[int]:
    """Every member of these units in the period: the units whose dossier data their figures
    are computed from (the cache key of those figures, ``generation.py``)."""
    ids = tuple(sorted(set(unit_ids)))

    def work() -> list[int]:
        members_all = rollup_map(period.start, period.end)
        found: set[int] = set()
        for uid in ids:
            found |= members_all.get(uid, {uid})
        return sorted(found)

    return fc.get(("members-of", ids, period.start, period.end), work, units=())


def scores(
    fc: FigureCache, fs: FormulaSet, unit_ids: Sequence[int], period: Period
) -> dict[int, Scores]:
    """Each unit's total and group scores in the scored set ``fs``."""
    ids = tuple(sorted(set(unit_ids)))

    def work() -> dict[int, tuple[float, dict[str, float | None]]]:
        found = figures(fc, fs, None, ids, period)
        result: dict[int, tuple[float, dict[str, float | None]]] = {}
        for g in group_scores(fs, found.values()):
            total, groups = result.get(g.unit_id, (0.0, {}))
            groups[g.group.code] = g.score
            result[g.unit_id] = (total + (g.score or 0.0), groups)
        return result

    members = members_union(fc, ids, period)
    found = fc.get(("scores", fs.id, ids, period.start, period.end), work, members)
    return {uid: Scores(total, groups) for uid, (total, groups) in found.items()}


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
