"""Indicator endpoints: figures, their explanation, the formula sets.

Thin: authenticate (api.py), authorise (capability + unit scope), validate, then call the
indicator modules (report.figure_rows / units_in_scope, engine.explain) as the CLI does.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from motcua.accounts.roles import Capability, has_capability
from motcua.accounts.scope import scope_of
from motcua.api.auth import principal
from motcua.api.schemas import Error, Explanation, FormulaSetOut, IndicatorRow
from motcua.indicators.engine import explain as explain_figure
from motcua.indicators.management.commands.indicators_show import COLUMNS
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS, FormulaSet, formula_set
from motcua.indicators.report import (
    ScopeError,
    ScopeUnit,
    figure_rows,
    units_in_scope,
    wanted_codes,
)
from motcua.units.history import UnitLookupError, resolve_code, rollup_map
from motcua.units.models import Level, Unit

router = Router(tags=["indicators"])


class FigureQuery(Schema):
    date_from: dt.date = Field(alias="from", description="first day, YYYY-MM-DD")
    date_to: dt.date = Field(alias="to", description="last day, YYYY-MM-DD")
    unit: str | None = Field(None, description="DVCQG code, identifier or GSO code")
    level: Level | None = Field(None, description="only units of this level")
    set_id: str = Field("plan", alias="set", description="formula set: plan, qd766-2025…")
    indicator: str | None = Field(
        None, description="only these codes, comma-separated (also group:N, total)"
    )


class ExplainQuery(Schema):
    date_from: dt.date = Field(alias="from", description="first day, YYYY-MM-DD")
    date_to: dt.date = Field(alias="to", description="last day, YYYY-MM-DD")
    unit: str = Field(description="DVCQG code, identifier or GSO code")
    set_id: str = Field("plan", alias="set", description="formula set: plan, qd766-2025…")
    page: int = Field(1, ge=1, description="page of 50 dossiers in each list")


PAGE_SIZE = 50
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error}


def require_capability(request: HttpRequest, capability: Capability) -> Any:
    caller = principal(request)
    if not has_capability(caller, capability):
        raise HttpError(403, f"your account may not {capability.value.replace('_', ' ')}")
    return caller


def parse_period(date_from: dt.date, date_to: dt.date) -> Period:
    try:
        return Period(date_from, date_to)
    except ValueError:
        raise HttpError(
            400, f"from/to: the period ends ({date_to}) before it starts ({date_from})"
        ) from None


def parse_set(set_id: str) -> FormulaSet:
    try:
        return formula_set(set_id)
    except KeyError as exc:
        raise HttpError(400, f"set: {str(exc).strip(chr(34) + chr(39))}") from None


def visible_unit(caller: Any, code: str, on: dt.date) -> Unit:
    """The unit named ``code`` if the caller may see it; 404 alike when absent or hidden."""
    try:
        unit = resolve_code(code, on=on)
    except UnitLookupError as exc:
        if "is not a DVCQG code" in str(exc) or "ambiguous" in str(exc):
            raise HttpError(400, f"unit: {exc}") from None
        raise HttpError(404, f"unit: no unit with code {code}") from None
    if not scope_of(caller).allows(unit.pk):
        raise HttpError(404, f"unit: no unit with code {code}")
    return unit


def scoped_units(
    caller: Any, period: Period, unit_code: str | None, level: str | None
) -> list[ScopeUnit]:
    root = visible_unit(caller, unit_code, period.end) if unit_code else None
    try:
        units = units_in_scope(period, root.pk if root else None, level)
    except ScopeError as exc:
        raise HttpError(400, f"unit: {exc}") from None
    scope = scope_of(caller)
    return [u for u in units if scope.allows(u.id)]


@router.get("/indicators", response={200: list[IndicatorRow], **ERRORS})
def indicators(request: HttpRequest, q: Query[FigureQuery]) -> list[dict[str, Any]]:
    """Figures for each unit the caller may see (or ``unit``'s subtree) and indicator."""
    caller = require_capability(request, Capability.VIEW_INDICATORS)
    period = parse_period(q.date_from, q.date_to)
    fs = parse_set(q.set_id)
    try:
        wanted = wanted_codes(fs, q.indicator)
    except (KeyError, ValueError) as exc:
        message = str(exc).strip(chr(34) + chr(39)).replace("--indicator", "the list")
        raise HttpError(400, f"indicator: {message}") from None
    units = scoped_units(caller, period, q.unit, q.level.value if q.level else None)
    rows = figure_rows(fs, period, units)
    return [
        {k: row[k] for k in COLUMNS} for row in rows if not wanted or row["indicator"] in wanted
    ]


@router.get("/indicators/{code}/explain", response={200: Explanation, **ERRORS})
def explain(request: HttpRequest, code: str, q: Query[ExplainQuery]) -> dict[str, Any]:
    """Why a figure is what it is: formula, b, a, and the dossiers in b and in a−b."""
    caller = require_capability(request, Capability.VIEW_INDICATORS)
    period = parse_period(q.date_from, q.date_to)
    fs = parse_set(q.set_id)
    page = q.page
    try:
        indicator = fs.get(code)
    except KeyError as exc:
        raise HttpError(404, f"code: {str(exc).strip(chr(34) + chr(39))}") from None
    target = visible_unit(caller, q.unit, period.end)
    members = rollup_map(period.start, period.end).get(target.pk, {target.pk})
    try:
        in_b, not_b, n_b, n_not_b = explain_figure(
            indicator, members, period, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
    except ValueError as exc:
        raise HttpError(400, f"code: {exc}") from None
    a = n_b + n_not_b
    return {
        "indicator": indicator.code,
        "name": indicator.name_vi,
        "formula": indicator.formula,
        "provisional": indicator.provisional,
        "unit_code": target.code or target.gso_code,
        "unit_name": target.name,
        "date_from": period.start,
        "date_to": period.end,
        "numerator": n_b,
        "denominator": a,
        "rate": n_b / a if a else None,
        "page": page,
        "page_size": PAGE_SIZE,
        "pages": max(1, math.ceil(max(n_b, n_not_b) / PAGE_SIZE)),
        "in_numerator": _listing(in_b, n_b),
        "not_in_numerator": _listing(not_b, n_not_b),
    }


def _listing(items: list[Any], total: int) -> dict[str, Any]:
    return {
        "total": total,
        "items": [
            {"kind": getattr(e, "kind", "dossier"), "code": e.code, "reason": e.reason}
            for e in items
        ],
    }


@router.get("/formula-sets", response={200: list[FormulaSetOut], 401: Error})
def formula_sets(request: HttpRequest) -> list[dict[str, Any]]:
    """Every formula set: its indicators, groups, maximum scores and provisional flags."""
    return [_formula_set(fs) for fs in FORMULA_SETS.values()]


def _formula_set(fs: FormulaSet) -> dict[str, Any]:
    return {
        "id": fs.id,
        "valid_from": fs.valid_from,
        "max_score": fs.max_score if fs.groups else None,
        "indicators": [
            {
                "code": i.code,
                "name_vi": i.name_vi,
                "name_en": i.name_en,
                "formula": i.formula,
                "group": i.group,
                "max_score": i.scoring.max if i.scoring.max > 0 else None,
                "provisional": i.provisional,
            }
            for i in fs.indicators
        ],
        "groups": [
            {
                "code": g.code,
                "name_vi": g.name_vi,
                "max_score": g.max,
                "indicators": list(g.indicators),
                "provisional": g.provisional,
            }
            for g in fs.groups
        ],
    }
