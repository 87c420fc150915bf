""" "Why is this number what it is": an indicator's formula, b and a for a unit and period,
and the items (dossiers, or procedures for catalogue counts) in b and in a − b with the
reason each counts or not — the engine's own explanation (``engine.explain``), paginated,
filtered by sub-unit and list, and exported as XLSX."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from motcua.indicators.engine import Figure
from motcua.indicators.engine import explain as explain_figure
from motcua.indicators.registry import FORMULA_SETS, FormulaSet, Indicator
from motcua.web import dashboard, figures
from motcua.web.context import PageContext, query_with, visible_roots
from motcua.web.nav import safe_reverse
from motcua.web.unit_page import find_unit

PAGE_SIZE = 50
XLSX_MAX = 100_000  # items per list in an export
LISTS = ("all", "b", "not_b")

Item = tuple[str, str, str]  # (kind, code, reason)


@dataclass
class IndicatorPage:
    fs: FormulaSet
    indicator: Indicator
    name: str
    unit: figures.UnitRef
    figure: Figure
    sub_units: list[figures.UnitRef]
    which: str
    page: int
    pages: int
    in_b: list[dict[str, Any]] = field(default_factory=list)
    not_b: list[dict[str, Any]] = field(default_factory=list)
    n_b: int = 0
    n_not_b: int = 0
    unlisted: str | None = None  # why the items cannot be listed
    query: str = ""
    prev_query: str | None = None
    next_query: str | None = None
    xlsx_query: str = ""

    @property
    def missing(self) -> int:
        return self.figure.denominator - self.figure.numerator

    @property
    def score(self) -> float | None:
        return self.figure.score if self.indicator.scoring.max > 0 else None


def find_indicator(
    code: str, set_id: str | None, fallback: FormulaSet
) -> tuple[FormulaSet, Indicator]:
    """The indicator ``code`` in ``set_id``, else in the index set in force, else in any set."""
    candidates = [FORMULA_SETS[set_id]] if set_id in FORMULA_SETS else []
    candidates += [fallback, *FORMULA_SETS.values()]
    for fs in candidates:
        try:
            return fs, fs.get(code)
        except KeyError:
            continue
    raise Http404("no such indicator")


def explained(
    ctx: PageContext, fs: FormulaSet, indicator: Indicator, unit_id: int, offset: int, limit: int
) -> tuple[list[Item], list[Item], int, int]:
    period = ctx.chosen.period

    members = figures.members_of(ctx.fc, unit_id, period)

    def work() -> tuple[list[Item], list[Item], int, int]:
        in_b, not_b, n_b, n_not_b = explain_figure(
            indicator, members, period, offset=offset, limit=limit
        )
        return (
            [(e.kind, e.code, e.reason) for e in in_b],
            [(e.kind, e.code, e.reason) for e in not_b],
            n_b,
            n_not_b,
        )

    key = ("explain", fs.id, indicator.code, unit_id, period.start, period.end, offset, limit)
    return ctx.fc.get(key, work, members)


def _rows(items: list[Item]) -> list[dict[str, Any]]:
    detail = safe_reverse("dossiers:detail", "CODE")
    return [
        {
            "kind": kind,
            "code": code,
            "reason": reason,
            "url": detail.replace("CODE", code) if detail and kind == "dossier" else None,
        }
        for kind, code, reason in items
    ]


def build(ctx: PageContext, request: HttpRequest, code: str) -> IndicatorPage:
    period = ctx.chosen.period
    fs, indicator = find_indicator(code, request.GET.get("set"), figures.index_set(period.end))
    unit_code = request.GET.get("unit", "").strip()
    if unit_code:
        unit = find_unit(ctx, unit_code)
    else:
        roots = visible_roots(ctx)
        if not roots:
            raise Http404("no unit in scope")
        unit = roots[0]
    figure = figures.figures(ctx.fc, fs, [indicator.code], [unit.id], period)[
        (unit.id, indicator.code)
    ]
    subtree = figures.units_under(ctx.fc, period, [unit.id])
    which = request.GET.get("list", "all")
    which = which if which in LISTS else "all"
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    result = IndicatorPage(
        fs,
        indicator,
        dashboard.name_of(indicator),
        unit,
        figure,
        [u for u in subtree if u.parent_id == unit.id],
        which,
        page,
        1,
    )
    try:
        in_b, not_b, n_b, n_not_b = explained(
            ctx, fs, indicator, unit.id, (page - 1) * PAGE_SIZE, PAGE_SIZE
        )
    except ValueError as exc:
        result.unlisted = str(exc)
        return result
    shown = {"all": max(n_b, n_not_b), "b": n_b, "not_b": n_not_b}[which]
    result.pages = max(1, math.ceil(shown / PAGE_SIZE))
    result.in_b = _rows(in_b) if which in ("all", "b") else []
    result.not_b = _rows(not_b) if which in ("all", "not_b") else []
    result.n_b, result.n_not_b = n_b, n_not_b
    params = request.GET
    result.query = query_with(params, page=None, format=None)
    if page > 1:
        result.prev_query = query_with(params, page=page - 1, format=None)
    if page < result.pages:
        result.next_query = query_with(params, page=page + 1, format=None)
    result.xlsx_query = query_with(params, page=None, format="xlsx", unit=unit.code)
    return result


def xlsx(ctx: PageContext, page: IndicatorPage) -> HttpResponse:
    """Every item of both lists (up to XLSX_MAX each) with the figure and its formula."""
    from openpyxl import Workbook

    if page.unlisted is not None:
        raise Http404(page.unlisted)
    in_b, not_b, n_b, n_not_b = explained(ctx, page.fs, page.indicator, page.unit.id, 0, XLSX_MAX)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(page.indicator.code[:31])
    period = ctx.chosen.period
    f = page.figure
    sheet.append([_("Chỉ số"), page.indicator.code, page.name])
    sheet.append([_("Đơn vị"), page.unit.code, page.unit.name])
    sheet.append([_("Kỳ"), period.start, period.end])
    sheet.append([_("Công thức"), page.indicator.formula])
    sheet.append(["b", f.numerator])
    sheet.append(["a", f.denominator])
    sheet.append([_("Tỷ lệ"), f.rate])
    sheet.append([])
    sheet.append([_("Danh sách"), _("Loại"), _("Mã"), _("Lý do")])
    for kind, code, reason in in_b:
        sheet.append(["b", kind, code, reason])
    for kind, code, reason in not_b:
        sheet.append(["a−b", kind, code, reason])
    if n_b > XLSX_MAX or n_not_b > XLSX_MAX:
        sheet.append([_("Danh sách bị cắt ở %(n)s dòng mỗi phần") % {"n": XLSX_MAX}])
    out = BytesIO()
    book.save(out)
    name = f"{page.indicator.code}_{page.unit.code}_{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
