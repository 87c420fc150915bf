"""Figures for a campaign's indicators and units, through the indicator engine."""

from __future__ import annotations

from collections.abc import Iterable

from motcua.indicators.engine import compute
from motcua.indicators.period import Period
from motcua.indicators.registry import FormulaSet, formula_set
from motcua.indicators.report import ScopeUnit, units_in_scope
from motcua.units.history import rollup_map

Counts = dict[tuple[int, str], tuple[int, int]]  # (unit id, indicator) → (b, a)


def subset(set_id: str, codes: Iterable[str]) -> FormulaSet:
    """The formula set restricted to ``codes`` (so the engine counts only those)."""
    fs = formula_set(set_id)
    wanted = list(dict.fromkeys(codes))
    return FormulaSet(fs.id, fs.valid_from, tuple(fs.get(code) for code in wanted))


def counts(set_id: str, codes: Iterable[str], period: Period, unit_ids: Iterable[int]) -> Counts:
    ids = list(unit_ids)
    if not ids:
        return {}
    members_all = rollup_map(period.start, period.end)
    members = {uid: members_all.get(uid, {uid}) for uid in ids}
    return {
        (f.unit_id, f.indicator.code): (f.numerator, f.denominator)
        for f in compute(subset(set_id, codes), members, period)
    }


def scope_units(period: Period, root_id: int | None, levels: Iterable[str]) -> list[ScopeUnit]:
    """The campaign's units as of the period's end: the root's subtree at those levels."""
    wanted = set(levels)
    return [u for u in units_in_scope(period, root_id, None) if not wanted or u.level in wanted]


def rate(pair: tuple[int, int] | None) -> float | None:
    if pair is None or pair[1] == 0:
        return None
    return pair[0] / pair[1]
