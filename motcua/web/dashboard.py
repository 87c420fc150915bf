"""The province dashboard (a unit leader's: its own subtree): the 766 total and groups with
the change since the last period, the plan's indicators against their targets, a weekly
trend, the ranking of units by level, units at risk in the period's campaigns."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import get_language

from motcua.campaigns.evaluation import evaluate
from motcua.campaigns.models import Campaign, Target
from motcua.campaigns.status import STATUS_LABELS_VI, Status
from motcua.indicators.period import Period
from motcua.indicators.registry import Indicator, formula_set
from motcua.web import charts, figures
from motcua.web.context import PageContext, scoped_units, visible_roots
from motcua.web.periods import week_of

TREND_WEEKS = 12
LEVEL_ORDER = ["province", "agency", "district", "commune"]


def name_of(indicator: Indicator) -> str:
    return indicator.name_en if get_language() == "en" and indicator.name_en else indicator.name_vi


@dataclass
class GroupRow:
    code: str
    name: str
    max: float
    score: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous


@dataclass
class Headline:
    unit: figures.UnitRef
    total: float
    previous: float
    max: float
    provisional: bool
    groups: list[GroupRow]

    @property
    def change(self) -> float:
        return self.total - self.previous


def headlines(
    ctx: PageContext, roots: list[figures.UnitRef], among: list[int] | None = None
) -> list[Headline]:
    """The roots' scores now and in the previous period; ``among``: units computed with
    them in one engine call (the ranking's, which the roots belong to)."""
    period, previous = ctx.chosen.period, ctx.chosen.previous
    fs = figures.index_set(period.end)
    ids = sorted({u.id for u in roots} | set(among or ()))
    both = figures.scores_periods(ctx.fc, fs, ids, [period, previous])
    now, before = both[period], both[previous]
    result = []
    for unit in roots:
        s, p = now.get(unit.id), before.get(unit.id)
        groups = [
            GroupRow(
                g.code,
                g.name_vi,
                g.max,
                s.groups.get(g.code) if s else None,
                p.groups.get(g.code) if p else None,
            )
            for g in fs.groups
        ]
        result.append(
            Headline(
                unit,
                s.total if s else 0.0,
                p.total if p else 0.0,
                fs.max_score,
                fs.total_provisional,
                groups,
            )
        )
    return result


@dataclass
class PlanRow:
    code: str
    name: str
    formula: str
    b: int
    a: int
    rate: float | None
    previous: float | None
    targets: list[str] = field(default_factory=list)
    target_rate: float | None = None

    @property
    def change(self) -> float | None:
        if self.rate is None or self.previous is None:
            return None
        return self.rate - self.previous


def campaigns_of(ctx: PageContext) -> list[Campaign]:
    """The campaigns running in the chosen period (a campaign period: that campaign)."""
    period = ctx.chosen.period
    found = list(
        Campaign.objects.filter(start__lte=period.end, end__gte=period.start).order_by("start")
    )
    return found


def target_texts(campaigns: list[Campaign], year: int) -> dict[str, list[tuple[str, float | None]]]:
    """Per plan indicator: the targets in force (campaigns of the period, standing targets of
    the year) as text, with the absolute rate when the target is one."""
    rows = Target.objects.filter(
        Q(campaign__in=campaigns) | Q(campaign__isnull=True, year=year)
    ).select_related("campaign")
    result: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
    for t in rows:
        where = t.get_level_display() if t.level else (t.group_name or "")
        value = f"{t.value:.0f}".replace(".", ",")
        text = f"≥ {value}%" if t.kind == Target.Kind.ABSOLUTE else f"+{value} điểm %"
        text = f"{text} ({where})" if where else text
        absolute = float(t.value) / 100 if t.kind == Target.Kind.ABSOLUTE else None
        result[t.indicator].append((text, absolute))
    return result


def plan_rows(ctx: PageContext, root: figures.UnitRef, campaigns: list[Campaign]) -> list[PlanRow]:
    fs = formula_set("plan")
    period, previous = ctx.chosen.period, ctx.chosen.previous
    both = figures.figures_periods(ctx.fc, fs, None, [root.id], [period, previous])
    now, before = both[period], both[previous]
    targets = target_texts(campaigns, ctx.chosen.period.end.year)
    rows = []
    for indicator in fs.indicators:
        f = now[(root.id, indicator.code)]
        p = before.get((root.id, indicator.code))
        found = targets.get(indicator.code, [])
        absolute = [v for _, v in found if v is not None]
        rows.append(
            PlanRow(
                indicator.code,
                name_of(indicator),
                indicator.formula,
                f.numerator,
                f.denominator,
                f.rate,
                p.rate if p else None,
                [text for text, _ in found],
                max(absolute) if absolute else None,
            )
        )
    return rows


@dataclass
class TrendPoint:
    week: Period
    label: str
    total: float | None


def trend(ctx: PageContext, root: figures.UnitRef) -> tuple[list[TrendPoint], Any]:
    fs = figures.index_set(ctx.chosen.period.end)
    last = week_of(ctx.chosen.period.end)
    weeks = [
        week_of(last.start - dt.timedelta(days=7 * back)) for back in range(TREND_WEEKS - 1, -1, -1)
    ]
    # The 12 weeks counted in one engine pass when not cached (each cached on its own).
    found = figures.scores_periods(ctx.fc, fs, [root.id], weeks)
    points = []
    for week in weeks:
        s = found[week].get(root.id)
        iso = week.start.isocalendar()
        points.append(TrendPoint(week, f"T{iso.week}", s.total if s else None))
    svg = charts.line_chart(
        [charts.ChartPoint(p.label, p.total) for p in points],
        title=f"Điểm Bộ chỉ số 766 theo tuần — {root.name}",
        desc=(
            f"{TREND_WEEKS} tuần đến {last.end:%d/%m/%Y}; "
            + "; ".join(
                f"{p.label}: {number_format(p.total, 1)}" for p in points if p.total is not None
            )
        ),
        y_max=fs.max_score,
        chart_id="trend",
    )
    return points, svg


@dataclass
class RankRow:
    rank: int
    unit: figures.UnitRef
    total: float
    previous: float | None


@dataclass
class LevelRanking:
    level: str
    label: str
    rows: list[RankRow]


def rankings(ctx: PageContext) -> list[LevelRanking]:
    """Units in scope by level, by their 766 total, best first (ties share a rank)."""
    from motcua.units.models import Level

    units = scoped_units(ctx)
    fs = figures.index_set(ctx.chosen.period.end)
    ids = [u.id for u in units]
    period, previous = ctx.chosen.period, ctx.chosen.previous
    both = figures.scores_periods(ctx.fc, fs, ids, [period, previous])
    now, before = both[period], both[previous]
    by_level: dict[str, list[figures.UnitRef]] = defaultdict(list)
    for u in units:
        by_level[u.level].append(u)
    result = []
    labels = dict(Level.choices)
    for level in sorted(by_level, key=lambda lv: LEVEL_ORDER.index(lv) if lv in LEVEL_ORDER else 9):
        members = by_level[level]
        if len(members) < 2:
            continue
        ordered = sorted(members, key=lambda u: (-round(now[u.id].total, 4), u.name))
        rows: list[RankRow] = []
        for position, u in enumerate(ordered, start=1):
            total = round(now[u.id].total, 4)
            rank = rows[-1].rank if rows and rows[-1].total == total else position
            prev = before.get(u.id)
            rows.append(RankRow(rank, u, total, prev.total if prev else None))
        result.append(LevelRanking(level, str(labels.get(level, level)), rows))
    return result


@dataclass
class RiskRow:
    campaign_id: int
    campaign: str
    unit_id: int
    unit_code: str
    unit_name: str
    indicator: str
    current: float | None
    required: float | None
    projection: float | None
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS_VI[Status(self.status)]


def at_risk(ctx: PageContext, campaigns: list[Campaign]) -> list[RiskRow]:
    """Units at risk or off track in the campaigns, as evaluated on the reference day (or
    the campaign's end), restricted to the caller's scope."""
    rows: list[RiskRow] = []
    for campaign in campaigns:
        as_of = max(campaign.start, min(ctx.reference, campaign.end, ctx.chosen.period.end))

        def work(c: Campaign = campaign, day: dt.date = as_of) -> list[tuple[Any, ...]]:
            ev = evaluate(c, day, corrected=False)
            fs = formula_set(c.formula_set)
            return [
                (
                    c.pk,
                    c.name,
                    r.unit.id,
                    r.unit.code,
                    r.unit.name,
                    name_of(fs.get(r.indicator)),
                    r.current_rate,
                    r.required,
                    r.projection,
                    r.status.value,
                )
                for r in ev.at_risk()
            ]

        found = ctx.fc.get(("at-risk", campaign.pk, as_of, get_language()), work)
        rows.extend(RiskRow(*row) for row in found if ctx.scope.allows(row[2]))
    order = {Status.OFF_TRACK.value: 0, Status.AT_RISK.value: 1}
    rows.sort(key=lambda r: (order.get(r.status, 2), r.current or 0.0))
    return rows


def build(ctx: PageContext) -> dict[str, Any]:
    roots = visible_roots(ctx)
    campaigns = campaigns_of(ctx)
    context: dict[str, Any] = {"roots": roots, "campaigns": campaigns}
    if not roots:
        return context
    root = roots[0]
    points, svg = trend(ctx, root)
    ranked = [u.id for u in scoped_units(ctx)]
    context.update(
        headlines=headlines(ctx, roots, among=ranked),
        plan=plan_rows(ctx, root, campaigns),
        trend_points=points,
        trend_svg=svg,
        rankings=rankings(ctx),
        risks=at_risk(ctx, campaigns),
        root=root,
    )
    return context
