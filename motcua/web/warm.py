"""Warming the figure cache: the figures parts of the pages people open first, computed
before anyone asks (``motcua figures warm``; ``make run`` runs it after the demo).

After a data change pages are served stale and refreshed in the background
(``generation.py``), but a part nobody has computed yet has nothing to be served from: a new
period (a new week, month, quarter or year), a new account's scope, an emptied cache. The
warmer renders, for every distinct scope of the active accounts that see figures, the
dashboard for each of :data:`PERIODS` and for the campaigns running or ended within
:data:`RECENT_DAYS` of the reference day, and the scope's top unit pages, through the views
themselves, so that the cache keys are exactly those of the requests to come.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from motcua.accounts.roles import Capability, has_capability, is_unrestricted
from motcua.accounts.scope import assigned_unit_ids

# The period parameter of each dashboard warmed ("": none, the default week).
PERIODS = ("", "month", "quarter", "year")
# Campaigns whose dashboards are warmed too: running, or ended at most this many days ago.
RECENT_DAYS = 90


@dataclass(frozen=True)
class Warmed:
    user: str
    path: str
    seconds: float
    status: int


def scopes() -> list[User]:
    """One active account per distinct scope (unrestricted, or its assigned units) among
    those that see figures, unrestricted first."""
    found: dict[tuple[bool, frozenset[int]], User] = {}
    users = User.objects.filter(is_active=True).order_by("pk")
    for user in users:
        if not has_capability(user, Capability.VIEW_INDICATORS):
            continue
        unrestricted = is_unrestricted(user)
        key = (unrestricted, frozenset() if unrestricted else frozenset(assigned_unit_ids(user)))
        if key not in found and (unrestricted or key[1]):
            found[key] = user
    return [found[k] for k in sorted(found, key=lambda k: (not k[0], sorted(k[1])))]


def campaign_periods() -> list[str]:
    """``campaign:<id>`` for the campaigns the period picker offers that are running or
    recently ended on the reference day (the last day with dossiers, or today)."""
    from motcua.web import figures
    from motcua.web.context import campaign_refs
    from motcua.web.generation import FigureCache

    reference = figures.reference_day(FigureCache(), dt.date.today())
    since = reference - dt.timedelta(days=RECENT_DAYS)
    return [
        f"campaign:{ref.id}"
        for ref in campaign_refs().values()
        if ref.start <= reference and ref.end >= since
    ]


def warm(
    periods: Iterable[str] | None = None,
    language: str | None = None,
    report: Callable[[Warmed], None] | None = None,
) -> list[Warmed]:
    """Render the main figure pages for every scope (see the module's docstring)."""
    from motcua.web import views
    from motcua.web.context import page_context, visible_roots

    factory = RequestFactory()
    done: list[Warmed] = []
    periods = [*PERIODS, *campaign_periods()] if periods is None else list(periods)
    with translation.override(language or settings.LANGUAGE_CODE):
        for user in scopes():
            pages: list[tuple[str, dict[str, str], Callable[..., object], tuple[str, ...]]] = [
                (reverse("web:dashboard"), {"period": p} if p else {}, views.home, ())
                for p in periods
            ]
            probe = factory.get("/")
            probe.user = user
            for root in visible_roots(page_context(probe)):
                pages.append((reverse("web:unit", args=[root.code]), {}, views.unit, (root.code,)))
            for path, query, view, args in pages:
                request = factory.get(path, query)
                request.user = user
                started = time.perf_counter()
                response = view(request, *args)
                item = Warmed(
                    user.get_username(),
                    request.get_full_path(),
                    time.perf_counter() - started,
                    response.status_code,  # type: ignore[attr-defined]
                )
                done.append(item)
                if report:
                    report(item)
    return done
