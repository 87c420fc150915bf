"""Reconciling official DVCQG scores with the formula set's own scoring.

Each official figure is re-scored from the *official raw counts* with the active formula set
(the scored set in force today, or the one asked for):

* an indicator: its ``Scoring`` applied to numerator / denominator (a zero denominator is
  the indicator's empty rule); when the file gives no counts but a ratio, to the ratio (a
  fraction; a value above 1 is read as a percentage). An indicator whose rate is a product
  of factors (3.3) can only be re-scored from the ratio;
* a group: the capped sum of its indicators' re-scored figures for the same unit; a group of
  one indicator (group 2) also from its own counts (the tree shape);
* the total: the sum of the groups (a pending group, e.g. group 5 before feedback data
  exists, is left out when its official score is null too).

Everything else is "not comparable", with the reason: no formula in the set, no counts, a
pending group. A difference beyond 0.015 points is a mismatch; the mismatches are
summarised by the formula they point at.

:func:`build_response` writes the engine's own figures in the ``metrics`` shape (and
:func:`build_tree_response` one group in the ``tree`` shape): reconciling such a file
gives zero differences.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from motcua.indicators.engine import Figure, compute, group_scores
from motcua.indicators.official import OfficialRow
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS, FormulaSet, Group, Indicator
from motcua.indicators.report import ScopeUnit
from motcua.units.history import rollup_map

TOLERANCE = 0.015


@dataclass(frozen=True)
class Comparison:
    unit_code: str
    indicator: str
    official_score: float | None
    computed_score: float | None
    note: str = ""  # why it is not comparable

    @property
    def difference(self) -> float | None:
        if self.official_score is None or self.computed_score is None:
            return None
        return self.computed_score - self.official_score

    @property
    def mismatch(self) -> bool:
        diff = self.difference
        return diff is not None and abs(diff) > TOLERANCE

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_code": self.unit_code,
            "indicator": self.indicator,
            "official_score": self.official_score,
            "computed_score": self.computed_score,
            "difference": self.difference,
            "comparable": self.computed_score is not None,
            "note": self.note,
        }


def active_formula_set(today: dt.date | None = None) -> FormulaSet:
    """The scored formula set in force ``today`` (the latest valid_from not after it)."""
    day = today or dt.date.today()
    scored = sorted((s for s in FORMULA_SETS.values() if s.groups), key=lambda s: s.valid_from)
    in_force = [s for s in scored if s.valid_from <= day]
    return (in_force or scored)[-1]


def _rate_from_ratio(ratio: float) -> float:
    return ratio / 100 if ratio > 1 else ratio


def indicator_score(indicator: Indicator, row: OfficialRow) -> tuple[float | None, str]:
    """The indicator's score from the official counts (or ratio), or why it cannot be."""
    scoring = indicator.scoring
    if scoring.max <= 0:
        return None, f"{indicator.code} carries no points"
    if row.numerator is not None and row.denominator is not None:
        if not row.denominator:  # no rate, whatever the other factors: the empty rule
            return scoring.score(None), ""
        if not indicator.times:
            return scoring.score(row.numerator / row.denominator), ""
    if row.ratio is not None:
        return scoring.score(_rate_from_ratio(row.ratio)), ""
    if indicator.times:
        return None, f"{indicator.code} is a product of rates: needs the ratio"
    return None, "no raw counts or ratio"


def _group_score(
    fs: FormulaSet, group: Group, row: OfficialRow | None, scores: dict[str, float]
) -> tuple[float | None, str]:
    if group.pending:
        return None, f"group {group.code} needs {group.pending}"
    if all(code in scores for code in group.indicators):
        return min(group.max, sum(scores[code] for code in group.indicators)), ""
    if row is not None and len(group.indicators) == 1:
        score, note = indicator_score(fs.get(group.indicators[0]), row)
        return (None, note) if score is None else (min(group.max, score), "")
    missing = ", ".join(code for code in group.indicators if code not in scores)
    return None, f"the file lacks {missing}"


def rescore(rows: list[OfficialRow], fs: FormulaSet) -> list[Comparison]:
    """One comparison per official row, in file order."""
    by_unit: dict[str, list[OfficialRow]] = {}
    for row in rows:
        by_unit.setdefault(row.unit_code, []).append(row)
    computed: dict[tuple[str, str], tuple[float | None, str]] = {}
    groups = {f"group:{g.code}": g for g in fs.groups}
    known = {i.code: i for i in fs.indicators}
    for unit_code, unit_rows in by_unit.items():
        own = {row.indicator: row for row in unit_rows}
        scores: dict[str, float] = {}
        for row in unit_rows:
            if row.indicator in known:
                found = indicator_score(known[row.indicator], row)
                computed[(unit_code, row.indicator)] = found
                if found[0] is not None:
                    scores[row.indicator] = found[0]
        group_total: float | None = 0.0
        total_note = ""
        for key, group in groups.items():
            score, note = _group_score(fs, group, own.get(key), scores)
            if key in own:
                computed[(unit_code, key)] = (score, note)
            official = own[key].score if key in own else None
            if group.pending and official is None:
                continue
            if score is None or group_total is None:
                group_total, total_note = None, total_note or f"group {group.code}: {note}"
            else:
                group_total += score
        computed[(unit_code, "total")] = (group_total, total_note)
    result = []
    for row in rows:
        if row.indicator in known or row.indicator in groups or row.indicator == "total":
            score, note = computed[(row.unit_code, row.indicator)]
        else:
            score, note = None, f"no formula for {row.indicator} in {fs.id}"
        result.append(Comparison(row.unit_code, row.indicator, row.score, score, note))
    return result


def mismatch_summary(comparisons: list[Comparison], fs: FormulaSet) -> list[str]:
    """One line per formula the mismatches point at, most units first."""
    counts = Counter(c.indicator for c in comparisons if c.mismatch)
    groups = {f"group:{g.code}": g for g in fs.groups}
    lines = []
    for code, n in counts.most_common():
        if code in groups:
            g = groups[code]
            rule = f"min({g.max:g}, {' + '.join(g.indicators)})"
        elif code == "total":
            rule = "sum of the group scores"
        else:
            indicator = fs.get(code)
            rule = f"{indicator.formula}; score = {indicator.scoring.describe()}"
        lines.append(f"{code} ({n} unit{'s' if n > 1 else ''}): {rule}")
    return lines


# --- the engine's own figures as a DVCQG response --------------------------------------------


def _figures(
    fs: FormulaSet, period: Period, units: list[ScopeUnit]
) -> tuple[dict[int, list[Figure]], dict[int, list[Any]]]:
    members_all = rollup_map(period.start, period.end)
    members = {u.id: members_all.get(u.id, {u.id}) for u in units}
    figures = compute(fs, members, period)
    by_unit: dict[int, list[Figure]] = {u.id: [] for u in units}
    for f in figures:
        by_unit[f.unit_id].append(f)
    groups: dict[int, list[Any]] = {u.id: [] for u in units}
    for g in group_scores(fs, figures):
        groups[g.unit_id].append(g)
    return by_unit, groups


def _metrics(figures: list[Figure], groups: list[Any], fs: FormulaSet) -> list[dict[str, Any]]:
    metrics: list[dict[str, Any]] = []
    for f in figures:
        scored = f.indicator.scoring.max > 0
        metrics.append(
            {
                "code": f.indicator.code,
                "numerator": f.numerator,
                "denominator": f.denominator,
                "ratio": f.rate,
                "score": f.score if scored else None,
                "maxScore": f.indicator.scoring.max if scored else None,
            }
        )
    total = 0.0
    for g in groups:
        metrics.append({"code": f"group:{g.group.code}", "score": g.score, "maxScore": g.group.max})
        total += g.score or 0.0
    if fs.groups:
        metrics.append({"code": "total", "score": total, "maxScore": fs.max_score})
    return metrics


def build_response(fs: FormulaSet, period: Period, units: list[ScopeUnit]) -> dict[str, Any]:
    """The engine's figures in the ``metrics`` shape: the first unit is the overview."""
    figures, groups = _figures(fs, period, units)
    entries = [
        {
            "unitCode": u.code,
            "unitName": u.name,
            "level": u.level,
            "metrics": _metrics(figures[u.id], groups[u.id], fs),
        }
        for u in units
    ]
    return {
        "data": {
            "fromDate": period.start.isoformat(),
            "toDate": period.end.isoformat(),
            "formulaSet": fs.id,
            "overview": entries[0] if entries else {"metrics": []},
            "evaluation": entries[1:],
        }
    }


def build_tree_response(
    fs: FormulaSet, period: Period, units: list[ScopeUnit], group_code: str = "2"
) -> dict[str, Any]:
    """One single-indicator group in the ``tree`` shape: the first unit is the parent."""
    group = next(g for g in fs.groups if g.code == group_code)
    (code,) = group.indicators
    figures, groups = _figures(fs, period, units)

    def entry(u: ScopeUnit) -> dict[str, Any]:
        f = next(f for f in figures[u.id] if f.indicator.code == code)
        g = next(g for g in groups[u.id] if g.group.code == group_code)
        return {
            "departmentCode": u.code,
            "departmentName": u.name,
            "level": u.level,
            "totalReceived": f.denominator,
            "totalOnTime": f.numerator,
            "ratio": f.rate,
            "totalScore": g.score,
            "totalMaxScore": group.max,
        }

    return {
        "data": {
            "fromDate": period.start.isoformat(),
            "toDate": period.end.isoformat(),
            "groupCode": group_code,
            "parent": entry(units[0]),
            "children": [entry(u) for u in units[1:]],
        }
    }
