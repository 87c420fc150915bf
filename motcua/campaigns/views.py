"""Campaign pages: the list, one campaign's progress, task progress reports, downloads.

Reading needs VIEW_INDICATORS; a campaign none of whose units the user sees is a 404, and
the detail page shows only the rows of the units the user sees. Downloads cover the whole
campaign, so they need a scope covering every unit of it. Figures come from
``campaigns.evaluation.evaluate`` (the same as the reports); documents from
``reports.build`` and ``reports.render``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.roles import Capability, has_capability
from motcua.accounts.scope import Scope, scope_of
from motcua.campaigns import plans, services
from motcua.campaigns.evaluation import Evaluation, evaluate, indicator_name
from motcua.campaigns.forms import TaskReportForm
from motcua.campaigns.models import Campaign, Plan, PlanTask
from motcua.campaigns.status import STATUS_LABELS_VI, Status
from motcua.indicators.period import Period
from motcua.reports.build import KINDS, build
from motcua.reports.campaign import target_label
from motcua.reports.render import FORMATS
from motcua.reports.render import render as render_document
from motcua.units.models import Level, Unit

STATUS_LABELS = {
    Status.MET: gettext_lazy("Đạt"),
    Status.ON_TRACK: gettext_lazy("Đúng hướng"),
    Status.AT_RISK: gettext_lazy("Có nguy cơ không đạt"),
    Status.OFF_TRACK: gettext_lazy("Không đạt"),
    Status.NOT_EVALUABLE: gettext_lazy("Chưa đánh giá được"),
}
assert set(STATUS_LABELS) == set(STATUS_LABELS_VI)
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
REPORT_NAMES = {
    "campaign": gettext_lazy("Báo cáo tiến độ chiến dịch"),
    "appendix1": gettext_lazy("Phụ lục 1: thủ tục phát sinh hồ sơ theo mức độ dịch vụ"),
    "appendix2": gettext_lazy("Phụ lục 2: hồ sơ tiếp nhận và giải quyết trực tuyến"),
    "appendix3": gettext_lazy("Phụ lục 3: thanh toán trực tuyến"),
    "scorecard": gettext_lazy("Bảng điểm Quyết định 766"),
}
assert set(REPORT_NAMES) == set(KINDS)


def _viewer(request: HttpRequest) -> User:
    if not has_capability(request.user, Capability.VIEW_INDICATORS):
        raise PermissionDenied
    assert isinstance(request.user, User)
    return request.user


def _visible(campaign: Campaign, scope: Scope) -> set[int]:
    """The campaign's units the scope sees."""
    units = services._scope_ids(campaign)
    return units if scope.unrestricted else units & scope.unit_ids


def _covers(campaign: Campaign, scope: Scope) -> bool:
    return scope.unrestricted or services._scope_ids(campaign) <= scope.unit_ids


def _campaign(request: HttpRequest, pk: int) -> tuple[User, Campaign, Scope]:
    user = _viewer(request)
    campaign = get_object_or_404(Campaign.objects.select_related("scope_root"), pk=pk)
    scope = scope_of(user)
    if not _visible(campaign, scope):
        raise Http404("campaign not found")
    return user, campaign, scope


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    scope = scope_of(user)
    today = timezone.localdate()
    rows = []
    for campaign in Campaign.objects.select_related("scope_root"):
        if not _visible(campaign, scope):
            continue
        state = (
            _("Sắp diễn ra")
            if today < campaign.start
            else _("Đã kết thúc")
            if today > campaign.end
            else _("Đang diễn ra")
        )
        rows.append({"campaign": campaign, "state": state})
    return render(request, "campaigns/list.html", {"rows": rows})


@dataclass
class Row:
    unit: Any
    target: str
    baseline: float | None
    required: float | None
    points: list[float | None]
    current: float | None
    numerator: int
    denominator: int
    change: float | None
    projection: float | None
    status: str
    status_label: Any


def _pct(rate: float | None) -> float | None:
    return None if rate is None else rate * 100


def _tables(ev: Evaluation, visible: set[int]) -> list[dict[str, Any]]:
    tables = []
    for code in ev.campaign.indicators:
        rows = []
        for r in ev.rows:
            if r.indicator != code or r.unit.id not in visible:
                continue
            by_due = {p.due: p.rate for p in r.points}
            rows.append(
                Row(
                    unit=r.unit,
                    target=target_label(r.target),
                    baseline=_pct(r.baseline_rate),
                    required=_pct(r.required),
                    points=[_pct(by_due.get(due)) for due in ev.checkpoints],
                    current=_pct(r.current_rate),
                    numerator=r.current[0],
                    denominator=r.current[1],
                    change=_pct(r.change_since_last),
                    projection=_pct(r.projection),
                    status=str(r.status),
                    status_label=STATUS_LABELS[r.status],
                )
            )
        tables.append({"code": code, "name": indicator_name(ev.campaign, code), "rows": rows})
    return tables


def _rankings(ev: Evaluation, visible: set[int]) -> list[dict[str, Any]]:
    codes = {u.code: u.id for u in ev.units}
    out = []
    for code in ev.campaign.indicators:
        for kind, rankings in (("best", ev.best[code]), ("improved", ev.improved[code])):
            for ranking in rankings:
                ranked = [
                    {"rank": r.rank, "name": r.entry.name, "value": float(r.value) * 100}
                    for r in ranking.ranked
                    if codes.get(r.entry.key) in visible
                ]
                if ranked:
                    out.append(
                        {
                            "indicator": indicator_name(ev.campaign, code),
                            "kind": kind,
                            "level": _level_label(ranking.level),
                            "ranked": ranked,
                        }
                    )
    return out


def _level_label(level: str) -> Any:
    try:
        return Level(level).label
    except ValueError:
        return level


def _tasks(
    campaign: Campaign, as_of: dt.date, scope: Scope, visible: set[int]
) -> list[dict[str, Any]]:
    linked = list(Plan.objects.filter(campaign=campaign))
    flagged: dict[int, list[str]] = defaultdict(list)
    for flag in plans.flags(linked, as_of):
        flagged[flag.task.pk].append(flag.kind)
    names = dict(Unit.objects.values_list("pk", "name"))
    out = []
    tasks = (
        PlanTask.objects.filter(plan__in=linked)
        .select_related("plan")
        .prefetch_related("lead_units", "reports")
    )
    for task in tasks:
        leads = plans.lead_unit_ids(task)
        mine = sorted(u for u in leads if scope.allows(u))
        reports = [r for r in task.reports.all() if r.unit_id in visible or scope.allows(r.unit_id)]
        out.append(
            {
                "task": task,
                "flags": flagged.get(task.pk, []),
                "reports": [(names.get(r.unit_id, ""), r) for r in reports],
                "form": TaskReportForm(units=[(u, names.get(u, "")) for u in mine])
                if mine
                else None,
            }
        )
    return out


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, campaign, scope = _campaign(request, pk)
    as_of = timezone.localdate()
    ev = evaluate(campaign, as_of)
    visible = _visible(campaign, scope)
    counts = Counter(r.status for r in ev.rows if r.unit.id in visible)
    context = {
        "campaign": campaign,
        "as_of": min(as_of, campaign.end),
        "checkpoints": ev.checkpoints,
        "tables": _tables(ev, visible),
        "rankings": _rankings(ev, visible),
        "status_counts": [(STATUS_LABELS[s], counts[s], str(s)) for s in Status if counts[s]],
        "at_risk": [r for r in ev.at_risk() if r.unit.id in visible],
        "tasks": _tasks(campaign, as_of, scope, visible),
        "downloads": _downloads() if _covers(campaign, scope) else [],
        "can_manage": has_capability(user, Capability.MANAGE_CAMPAIGNS),
        "unit_count": len(visible),
    }
    return render(request, "campaigns/detail.html", context)


def _downloads() -> list[dict[str, Any]]:
    kinds = ["campaign", *(k for k in KINDS if k != "campaign")]  # this week's report first
    return [{"kind": kind, "name": REPORT_NAMES[kind], "formats": FORMATS} for kind in kinds]


@login_required
def campaign_download(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    _user, campaign, scope = _campaign(request, pk)
    if kind not in KINDS or fmt not in FORMATS or not _covers(campaign, scope):
        raise Http404("report not found")
    as_of = min(timezone.localdate(), campaign.end)
    period = Period(campaign.start, as_of) if kind == "campaign" else None
    document = build(kind, period, root_id=campaign.scope_root_id, campaign_obj=campaign)
    body = render_document(document, fmt)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    filename = f"{kind}-{campaign.pk}-{as_of:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def task_report(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    """A lead unit's progress on a plan task (the user must see that unit)."""
    user, campaign, scope = _campaign(request, pk)
    task = get_object_or_404(PlanTask, pk=task_id, plan__campaign=campaign)
    mine = sorted(u for u in plans.lead_unit_ids(task) if scope.allows(u))
    if not mine:
        raise Http404("task not found")
    names = dict(Unit.objects.filter(pk__in=mine).values_list("pk", "name"))
    form = TaskReportForm(request.POST, request.FILES, units=[(u, names[u]) for u in mine])
    if form.is_valid():
        plans.report_progress(
            task,
            unit_id=form.cleaned_data["unit"],
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            evidence=form.cleaned_data.get("evidence"),
            actor=user,
            on=timezone.localdate(),
        )
        messages.success(request, _("Đã ghi nhận báo cáo tiến độ."))
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("Báo cáo chưa được ghi: %(errors)s") % {"errors": errors})
    return redirect(f"{campaign_url(campaign)}#task-{task.pk}")


def campaign_url(campaign: Campaign) -> str:
    return reverse("campaigns:detail", args=[campaign.pk])


@login_required
@require_POST
def take_snapshots(request: HttpRequest, pk: int) -> HttpResponse:
    """Freeze every checkpoint already due (idempotent: a taken one is skipped)."""
    user, campaign, scope = _campaign(request, pk)
    if not has_capability(user, Capability.MANAGE_CAMPAIGNS) or not _covers(campaign, scope):
        raise PermissionDenied
    taken = [r for r in services.snapshot_due(timezone.localdate(), campaign.pk) if r.created]
    messages.success(request, _("Đã chốt số liệu %(n)d mốc.") % {"n": len(taken)})
    return redirect(campaign_url(campaign))
