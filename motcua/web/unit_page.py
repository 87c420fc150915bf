"""A unit's page: its figures, what costs it most (indicators, sub-units, procedures, each
with the reason) and its overdue and nearly-due dossiers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from motcua.dossiers.models import FINISHED_STATUSES, Dossier, Status
from motcua.indicators import listing
from motcua.indicators.engine import Figure
from motcua.indicators.models import DailyFact
from motcua.indicators.period import local_zone
from motcua.indicators.registry import FormulaSet
from motcua.procedures.models import Procedure
from motcua.units.history import UnitLookupError, resolve_code
from motcua.web import dashboard, figures
from motcua.web.context import PageContext
from motcua.web.nav import safe_reverse

TOP_LOSSES = 6
COSTLY_INDICATORS = 3  # sub-units and procedures are shown for this many indicators
NEARLY_DUE_DAYS = 3
DOSSIER_ROWS = 20


@dataclass
class Loss:
    code: str
    name: str
    formula: str
    score: float
    max: float
    rate: float | None
    b: int
    a: int
    dossier_source: bool

    @property
    def lost(self) -> float:
        return self.max - self.score

    @property
    def missing(self) -> int:
        return self.a - self.b


@dataclass
class SubUnitCost:
    unit: figures.UnitRef
    indicator: str
    indicator_name: str
    b: int
    a: int
    share: float | None  # of the unit's a − b
    total: float | None  # the sub-unit's 766 total

    @property
    def missing(self) -> int:
        return self.a - self.b

    @property
    def rate(self) -> float | None:
        return self.b / self.a if self.a else None


@dataclass
class ProcedureCost:
    indicator: str
    indicator_name: str
    reason: str
    procedure_code: str
    procedure_name: str
    missing: int
    share: float | None


def find_unit(ctx: PageContext, code: str) -> figures.UnitRef:
    """The unit named ``code`` as the caller may see it in the period; 404 otherwise."""
    try:
        unit = resolve_code(code, on=ctx.chosen.period.end)
    except UnitLookupError:
        raise Http404("no such unit") from None
    if not ctx.scope.allows(unit.pk):
        raise Http404("no such unit")
    found = figures.units_under(ctx.fc, ctx.chosen.period, [unit.pk])
    if not found:
        raise Http404("the unit did not exist in the period")
    return found[0]


def losses(fs: FormulaSet, figs: dict[tuple[int, str], Figure], unit_id: int) -> list[Loss]:
    rows = []
    for indicator in fs.indicators:
        f = figs.get((unit_id, indicator.code))
        if f is None or indicator.scoring.max <= 0:
            continue
        rows.append(
            Loss(
                indicator.code,
                dashboard.name_of(indicator),
                indicator.formula,
                f.score,
                indicator.scoring.max,
                f.rate,
                f.numerator,
                f.denominator,
                {indicator.numerator.source, indicator.denominator.source}
                <= {"dossiers", "procedures"}
                and indicator.numerator.source == "dossiers",
            )
        )
    rows.sort(key=lambda r: (-r.lost, r.code))
    return [r for r in rows if r.lost > 0.00005][:TOP_LOSSES]


def sub_unit_costs(
    ctx: PageContext,
    fs: FormulaSet,
    unit: figures.UnitRef,
    children: list[figures.UnitRef],
    worst: list[Loss],
) -> list[SubUnitCost]:
    if not children or not worst:
        return []
    ids = [unit.id, *(c.id for c in children)]
    # Every indicator: the same engine call as the unit's own figures, its headline and the
    # sub-units' totals below (one call: the unit's members are its children's).
    figs = figures.figures(ctx.fc, fs, None, ids, ctx.chosen.period)
    totals = figures.scores(ctx.fc, fs, ids, ctx.chosen.period)
    rows = []
    for w in worst:
        for child in children:
            f = figs.get((child.id, w.code))
            if f is None or f.denominator == f.numerator:
                continue
            missing = f.denominator - f.numerator
            share = missing / w.missing if w.missing > 0 else None
            total = totals[child.id].total if child.id in totals else None
            rows.append(
                SubUnitCost(child, w.code, w.name, f.numerator, f.denominator, share, total)
            )
    rows.sort(key=lambda r: (-(r.share or 0.0), -r.missing))
    return rows[:12]


def procedure_costs(
    ctx: PageContext, fs: FormulaSet, unit: figures.UnitRef, worst: list[Loss]
) -> list[ProcedureCost]:
    """For each costly dossier indicator, the procedures with most dossiers in a − b."""
    period = ctx.chosen.period
    result: list[ProcedureCost] = []
    chosen = [w for w in worst if w.dossier_source and w.missing > 0][:COSTLY_INDICATORS]
    if not chosen:
        return result
    members = figures.members_of(ctx.fc, unit.id, period)
    for w in chosen:
        indicator = fs.get(w.code)
        where_a, where_b = indicator.denominator.where, indicator.numerator.where
        if where_a is None or where_b is None or indicator.denominator.source != "dossiers":
            continue

        def work(a: Any = where_a, b: Any = where_b) -> list[tuple[int, str, str, int]]:
            # Only the aggregate rows that can be in a (the period's days, and those before
            # it that can reach it: listing.parts), each part through its own index.
            # Grouped on an expression of the procedure, not the column: grouping on the
            # column makes SQLite walk the procedure index, reading the rows in random
            # order instead of the part's range.
            missing: dict[int, int] = defaultdict(int)
            wanted = set(members)
            for part, others in listing.parts(a, members, period):
                rows: Any = (
                    DailyFact.objects.filter(part)
                    .filter(a.q(period) & ~b.q(period))
                    .annotate(pid=F("procedure_id") + 0)
                    .values(*(("unit_id", "pid") if others else ("pid",)))
                    .annotate(m=Sum("n"))
                )
                for row in rows:
                    if not others or row["unit_id"] in wanted:
                        missing[row["pid"]] += row["m"]
            top = sorted(missing.items(), key=lambda item: (-item[1], item[0]))[:5]
            named = Procedure.objects.filter(pk__in=[pid for pid, _ in top])
            names = {pk: (code, name) for pk, code, name in named.values_list("pk", "code", "name")}
            return [(pid, *names[pid], m) for pid, m in top]

        key = ("procedure-costs", w.code, fs.id, unit.id, period.start, period.end)
        top = ctx.fc.get(key, work, members)
        reason = indicator.numerator.label or getattr(where_b, "label", "") or w.name
        for _pk, code, name, missing in top:
            result.append(
                ProcedureCost(
                    w.code,
                    w.name,
                    str(reason),
                    code,
                    name,
                    missing,
                    missing / w.missing if w.missing else None,
                )
            )
    return result


OPEN_STATUSES = [s.value for s in Status if s not in FINISHED_STATUSES]


def due_dossiers(ctx: PageContext, unit: figures.UnitRef) -> dict[str, Any]:
    """Open dossiers past their due moment, and due within NEARLY_DUE_DAYS, as of this
    minute (or the end of the reference day when the data stops before today). Cached per
    minute and data generation; after a change, the last list is shown with its own "as of"
    while it is recomputed in the background (``FigureCache.get``'s ``refresh``)."""
    now = dt.datetime.now(local_zone()).replace(second=0, microsecond=0)
    if ctx.reference != ctx.today:
        now = dt.datetime.combine(ctx.reference + dt.timedelta(days=1), dt.time.min, local_zone())
    members = figures.members_of(ctx.fc, unit.id, ctx.chosen.period)
    detail = safe_reverse("dossiers:detail", "CODE")

    def work() -> dict[str, Any]:
        # finished_at IS NULL (true of every open dossier) lets the (unit, finished_at)
        # index answer: the (status, due_at) one would read every open dossier.
        base = Dossier.objects.filter(
            unit_id__in=members, finished_at__isnull=True, status__in=OPEN_STATUSES
        )
        overdue = base.filter(due_at__lt=now)
        soon = base.filter(due_at__gte=now, due_at__lt=now + dt.timedelta(days=NEARLY_DUE_DAYS))
        fields = ("code", "due_at", "status", "procedure__name")
        return {
            "overdue": list(overdue.order_by("due_at", "pk").values(*fields)[:DOSSIER_ROWS]),
            "overdue_count": overdue.count(),
            "soon": list(soon.order_by("due_at", "pk").values(*fields)[:DOSSIER_ROWS]),
            "soon_count": soon.count(),
            "as_of": now,
        }

    question = ("due", unit.id, ctx.reference != ctx.today)
    found = ctx.fc.get((*question, now), work, members, refresh=True, same_as=question)
    for name in ("overdue", "soon"):
        for row in found[name]:
            row["url"] = detail.replace("CODE", row["code"]) if detail else None
            row["status_label"] = Status(row["status"]).label
    return found | {"nearly_days": NEARLY_DUE_DAYS}


def breadcrumbs(ctx: PageContext, unit: figures.UnitRef) -> list[figures.UnitRef]:
    """The unit's ancestors the caller may see, top first."""
    everything = {u.id: u for u in figures.units_under(ctx.fc, ctx.chosen.period, None)}
    chain = []
    current = everything.get(unit.id)
    while current is not None and current.parent_id is not None:
        current = everything.get(current.parent_id)
        if current is not None and ctx.scope.allows(current.id):
            chain.append(current)
    return list(reversed(chain))


def due_context(ctx: PageContext, unit: figures.UnitRef) -> dict[str, Any]:
    """The live part of the page (as of now): overdue and nearly-due dossiers."""
    due = due_dossiers(ctx, unit)
    return {
        "due": due,
        "due_tables": [
            (_("Quá hạn"), due["overdue"], due["overdue_count"], "overdue"),
            (
                _("Đến hạn trong %(n)s ngày tới") % {"n": NEARLY_DUE_DAYS},
                due["soon"],
                due["soon_count"],
                "nearly-due",
            ),
        ],
    }


def build(ctx: PageContext, unit: figures.UnitRef) -> dict[str, Any]:
    """The figures part of the page (cacheable: a function of the data and the period)."""
    period = ctx.chosen.period
    fs = figures.index_set(period.end)
    subtree = figures.units_under(ctx.fc, period, [unit.id])
    children = [u for u in subtree if u.parent_id == unit.id]
    with_children = [unit.id, *(c.id for c in children)]
    # The headline first: it computes this period and the previous one in one engine pass,
    # and this period's figures are then read from the cache it filled.
    headline = dashboard.headlines(ctx, [unit], among=with_children)[0]
    figs = figures.figures(ctx.fc, fs, None, with_children, period)
    worst = losses(fs, figs, unit.id)
    costly = [w for w in worst if w.missing > 0][:COSTLY_INDICATORS]
    campaigns = dashboard.campaigns_of(ctx)
    return {
        "unit": unit,
        "breadcrumbs": breadcrumbs(ctx, unit),
        "headline": headline,
        "losses": worst,
        "sub_units": sub_unit_costs(ctx, fs, unit, children, costly),
        "children": children,
        "procedures": procedure_costs(ctx, fs, unit, costly),
        "plan": dashboard.plan_rows(ctx, unit, campaigns),
        "index_set": fs,
    }
