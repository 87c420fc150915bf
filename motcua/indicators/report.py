"""Rows of indicator figures for a unit's subtree: what ``indicators show`` and the API
print. One row per unit in scope and indicator; for scored sets also one row per group and
one for the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motcua.indicators.engine import compute, group_scores
from motcua.indicators.period import Period
from motcua.indicators.registry import FormulaSet
from motcua.units.history import rollup_map, tree_on


class ScopeError(ValueError):
    pass


@dataclass(frozen=True)
class ScopeUnit:
    id: int
    code: str
    name: str
    level: str


def units_in_scope(period: Period, root_id: int | None, level: str | None) -> list[ScopeUnit]:
    """The unit (or every root) and its descendants in the tree as of the period's end."""
    roots = tree_on(period.end, root_id)
    if root_id is not None and not roots:
        raise ScopeError(f"the unit did not exist on {period.end:%d/%m/%Y}")
    units = [
        ScopeUnit(node.id, node.code or node.gso_code, node.name, node.level)
        for root in roots
        for _, node in root.walk()
    ]
    return [u for u in units if level is None or u.level == level]


def wanted_codes(fs: FormulaSet, text: str | None) -> set[str]:
    """The indicator codes asked for as ``CODE,CODE`` (also ``group:N`` and ``total``); none
    (everything) when ``text`` is None. An unknown or empty list is an error naming it."""
    if text is None:
        return set()
    known = [i.code for i in fs.indicators]
    if fs.groups:
        known += [f"group:{g.code}" for g in fs.groups] + ["total"]
    codes = {code.strip() for code in text.split(",") if code.strip()}
    if not codes:
        raise ValueError("--indicator is empty")
    for code in sorted(codes):
        if code not in known:
            raise KeyError(
                f"unknown indicator {code!r} in formula set {fs.id} (known: {', '.join(known)})"
            )
    return codes


def figure_rows(
    formula_set: FormulaSet, period: Period, units: list[ScopeUnit]
) -> list[dict[str, Any]]:
    members_all = rollup_map(period.start, period.end)
    members = {u.id: members_all.get(u.id, {u.id}) for u in units}
    figures = compute(formula_set, members, period)
    by_id = {u.id: u for u in units}
    rows: list[dict[str, Any]] = []

    def base(unit_id: int) -> dict[str, Any]:
        unit = by_id[unit_id]
        return {"unit_code": unit.code, "unit_name": unit.name, "level": unit.level}

    for f in figures:
        scored = f.indicator.scoring.max > 0
        rows.append(
            base(f.unit_id)
            | {
                "indicator": f.indicator.code,
                "name": f.indicator.name_vi,
                "numerator": f.numerator,
                "denominator": f.denominator,
                "rate": f.rate,
                "score": round(f.score, 4) if scored else None,
                "max_score": f.indicator.scoring.max if scored else None,
                "provisional": f.indicator.provisional,
            }
        )
    if formula_set.groups:
        totals: dict[int, float] = {}
        for g in group_scores(formula_set, figures):
            totals[g.unit_id] = totals.get(g.unit_id, 0.0) + (g.score or 0.0)
            rows.append(
                base(g.unit_id)
                | {
                    "indicator": f"group:{g.group.code}",
                    "name": g.group.name_vi,
                    "numerator": None,
                    "denominator": None,
                    "rate": None,
                    "score": None if g.score is None else round(g.score, 4),
                    "max_score": g.group.max,
                    "provisional": formula_set.group_provisional(g.group),
                    "pending": g.group.pending,
                }
            )
        for unit_id, total in totals.items():
            rows.append(
                base(unit_id)
                | {
                    "indicator": "total",
                    "name": "Tổng điểm",
                    "numerator": None,
                    "denominator": None,
                    "rate": None,
                    "score": round(total, 4),
                    "max_score": formula_set.max_score,
                    "provisional": formula_set.total_provisional,
                }
            )
    return rows
