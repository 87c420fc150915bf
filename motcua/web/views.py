from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from motcua.accounts.roles import Capability, has_capability
from motcua.accounts.summary import account_summary
from motcua.dossiers.models import Dossier
from motcua.indicators import catalogue
from motcua.procedures.models import Procedure
from motcua.units.models import Unit
from motcua.web import dashboard as dashboard_page
from motcua.web import figures, indicator_page, unit_page
from motcua.web.context import PageContext, page_context
from motcua.web.generation import FigureCache
from motcua.web.nav import safe_reverse


def home(request: HttpRequest) -> HttpResponse:
    """``/``: the dashboard for staff who may see figures; a landing page otherwise."""
    if has_capability(request.user, Capability.VIEW_INDICATORS):
        return dashboard(request)
    return landing(request)


def landing(request: HttpRequest) -> HttpResponse:
    """For visitors: the citizen portal and the staff sign-in; for a signed-in account
    without figures, its roles and scope."""

    def counts() -> tuple[dict[str, int], int, int]:
        levels = dict(
            Unit.objects.filter(valid_to__isnull=True)
            .values_list("level")
            .annotate(n=Count("id"))
            .values_list("level", "n")
        )
        return levels, Procedure.objects.count(), Dossier.objects.count()

    # Cached by data generation: a visitor reloading the page does not count 2M rows.
    levels, procedures, dossiers = FigureCache().get(("landing-counts",), counts, refresh=True)
    context = {
        "units_by_level": levels,
        "procedure_count": procedures,
        "dossier_count": dossiers,
        "account": account_summary(request.user),
        "portal_url": safe_reverse("portal:home"),
        "petitions_url": safe_reverse("feedback:petitions"),
    }
    return render(request, "web/home.html", context)


def cached_body(
    ctx: PageContext,
    request: HttpRequest,
    name: str,
    *parts: Any,
    build: Any,
    units: Collection[int] | None = None,
) -> str:
    """The page's figures part, rendered once per data generation, scope, period, query
    and language (it holds no per-request token: forms in it are GET forms). ``units``:
    the only units whose dossiers it shows (``FigureCache.get``)."""
    question = (
        f"body:{name}",
        ctx.scope.unrestricted,
        tuple(sorted(ctx.scope.roots)),
        ctx.chosen.key,
        ctx.chosen.period,
        tuple(sorted(request.GET.items())),
        get_language(),
        *parts,
    )
    key = (*question, ctx.reference, ctx.today)

    def work() -> str:
        with catalogue.reuse():  # several periods computed: read the catalogue once
            context = build() | {"ctx": ctx, "picker": ctx.picker}
        return render_to_string(f"web/{name}_body.html", context)

    # Served stale, a part from an earlier day of the same period is still its answer.
    body = ctx.fc.get(key, work, units, refresh=True, same_as=question)
    return mark_safe(body)  # noqa: S308 - rendered by an autoescaping template


def stale_context(ctx: PageContext) -> dict[str, Any]:
    """When the page shows figures computed before the data's last change: since when."""
    since = ctx.fc.stale_since
    if since is None:
        return {}
    return {"stale_since": dt.datetime.fromtimestamp(since, tz=dt.UTC)}


def dashboard(request: HttpRequest) -> HttpResponse:
    ctx = page_context(request)

    def build() -> dict[str, Any]:
        context = dashboard_page.build(ctx)
        ids = {c.pk for c in context["campaigns"]} | set(ctx.campaigns)
        context["campaign_links"] = {pk: safe_reverse("campaigns:detail", pk) for pk in ids}
        return context

    body = cached_body(ctx, request, "dashboard", build=build)
    context = {"ctx": ctx, "body": body, "account": account_summary(request.user)}
    return render(request, "web/dashboard.html", context | stale_context(ctx))


def unit(request: HttpRequest, code: str) -> HttpResponse:
    ctx = page_context(request)
    found = unit_page.find_unit(ctx, code)
    # Its figures (this period and the previous one) count its members' dossiers only.
    members = set(figures.members_of(ctx.fc, found.id, ctx.chosen.period))
    members |= set(figures.members_of(ctx.fc, found.id, ctx.chosen.previous))
    body = cached_body(
        ctx, request, "unit", found.id, build=lambda: unit_page.build(ctx, found), units=members
    )
    context = {"ctx": ctx, "unit": found, "body": body} | unit_page.due_context(ctx, found)
    return render(request, "web/unit.html", context | stale_context(ctx))


def indicator(request: HttpRequest, indicator_code: str) -> HttpResponse:
    ctx = page_context(request)
    page = indicator_page.build(ctx, request, indicator_code)
    if request.GET.get("format") == "xlsx":
        return indicator_page.xlsx(ctx, page)
    return render(request, "web/indicator.html", {"ctx": ctx, "picker": ctx.picker, "page": page})


def health(request: HttpRequest) -> HttpResponse:
    Unit.objects.exists()  # touches the database
    return HttpResponse("ok", content_type="text/plain")
