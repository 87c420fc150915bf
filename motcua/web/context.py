"""What every figure page starts from: the caller's scope, the chosen period, the cache."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest

from motcua.accounts.roles import Capability, has_capability, is_unrestricted
from motcua.accounts.scope import Scope, assigned_unit_ids, subtree_at_any_time
from motcua.campaigns.models import Campaign
from motcua.units.history import History
from motcua.units.models import Unit
from motcua.web import figures, periods
from motcua.web.generation import FigureCache

RECENT_CAMPAIGNS = 12


@dataclass
class PageContext:
    scope: Scope
    fc: FigureCache
    today: dt.date
    reference: dt.date
    campaigns: dict[int, periods.CampaignRef]
    chosen: periods.ChosenPeriod
    picker: periods.Picker
    error: str | None


def require_indicators(request: HttpRequest) -> None:
    """Figure pages: the VIEW_INDICATORS capability, else 404 (as for another unit)."""
    if not has_capability(request.user, Capability.VIEW_INDICATORS):
        raise Http404("no such page")


def campaign_refs() -> dict[int, periods.CampaignRef]:
    rows = Campaign.objects.order_by("-start", "pk").values_list("id", "name", "start", "end")
    return {row[0]: periods.CampaignRef(*row) for row in rows[:RECENT_CAMPAIGNS]}


def cached_scope(request: HttpRequest, fc: FigureCache) -> Scope:
    """The caller's scope by the rules of ``accounts.scope`` (its own functions), the unit
    subtree cached by data generation (unit changes move it): reading the unit history is
    the largest cost of a warm page. Roles and assignments are read live. The result is
    stored where ``scope_of`` keeps its per-request cache, so later checks reuse it."""
    user = request.user
    if is_unrestricted(user):
        everything = fc.get(
            ("all-units",), lambda: frozenset(Unit.objects.values_list("id", flat=True)), ()
        )
        scope = Scope(True, frozenset(), everything)
    else:
        roots = assigned_unit_ids(user)
        key = ("subtree", tuple(sorted(roots)))
        ids = fc.get(key, lambda: frozenset(subtree_at_any_time(History(), roots)), ())
        scope = Scope(False, roots, ids if roots else frozenset())
    user._motcua_scope = {None: scope}  # type: ignore[union-attr]
    return scope


def page_context(request: HttpRequest) -> PageContext:
    require_indicators(request)
    fc = FigureCache()
    request.figure_cache = fc  # type: ignore[attr-defined]  # read by the timing middleware
    today = dt.date.today()
    reference = figures.reference_day(fc, today)
    campaigns = campaign_refs()
    error = None
    try:
        chosen = periods.choose(request.GET, reference, campaigns)
    except periods.PeriodError as exc:
        error = str(exc)
        chosen = periods.choose({}, reference, campaigns)
    picker = periods.picker(chosen, campaigns, request.GET, reference, today)
    return PageContext(
        cached_scope(request, fc), fc, today, reference, campaigns, chosen, picker, error
    )


def visible_roots(ctx: PageContext) -> list[figures.UnitRef]:
    """The top units the caller sees as of the period's end (the province for a monitor,
    the assigned unit for a leader)."""
    roots = None if ctx.scope.unrestricted else sorted(ctx.scope.roots)
    units = figures.units_under(ctx.fc, ctx.chosen.period, roots)
    return [u for u in units if u.parent_id is None]


def scoped_units(ctx: PageContext) -> list[figures.UnitRef]:
    roots = None if ctx.scope.unrestricted else sorted(ctx.scope.roots)
    return figures.units_under(ctx.fc, ctx.chosen.period, roots)


def query_with(params: Any, **changes: Any) -> str:
    """The query string of ``params`` with ``changes`` (None removes a key)."""
    from urllib.parse import urlencode

    merged = {k: v for k, v in params.items()}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return urlencode(merged)
