"""The navigation: entries as data, shown only to users with the entry's capability.

Other apps add their pages under known URL names; an entry whose URL name does not resolve
(the app is not installed yet) is skipped, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from motcua.accounts.roles import Capability, capabilities_of, is_unrestricted


@dataclass(frozen=True)
class NavEntry:
    label: Any
    url_name: str
    # Shown to a user with any of these capabilities; None: every signed-in user.
    capability: Capability | tuple[Capability, ...] | None
    admin_only: bool = False  # administrators only (the unrestricted role)


C = Capability
NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry(_("Tổng quan"), "web:dashboard", C.VIEW_INDICATORS),
    NavEntry(_("Hồ sơ"), "dossiers:list", C.VIEW_DOSSIERS),
    NavEntry(_("Một cửa"), "onestop:worklist", (C.RECEIVE_DOSSIERS, C.PROCESS_DOSSIERS)),
    NavEntry(_("Chiến dịch"), "campaigns:list", C.VIEW_INDICATORS),
    NavEntry(_("Nhập hồ sơ"), "dossiers:import", C.IMPORT_DOSSIERS),
    NavEntry(_("Phản ánh, kiến nghị"), "feedback:handling", C.VIEW_DOSSIERS),
    NavEntry(_("Đồng bộ DVCQG"), "sync:outbox", None, admin_only=True),
    NavEntry(_("Đối soát thanh toán"), "payments:report", None, admin_only=True),
)


@dataclass(frozen=True)
class NavLink:
    label: Any
    url: str
    current: bool


def safe_reverse(url_name: str, *args: Any, **kwargs: Any) -> str | None:
    """The URL of ``url_name``, or None when no such URL exists (yet)."""
    try:
        return reverse(url_name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def links_for(user: Any, path: str) -> list[NavLink]:
    """The entries ``user`` may follow, the one ``path`` is under marked current."""
    if not getattr(user, "is_authenticated", False):
        return []
    capabilities = capabilities_of(user)
    links = []
    for entry in NAVIGATION:
        needed = (
            (entry.capability,) if isinstance(entry.capability, Capability) else entry.capability
        )
        if needed is not None and not capabilities.intersection(needed):
            continue
        if entry.admin_only and not is_unrestricted(user):
            continue
        url = safe_reverse(entry.url_name)
        if url is not None:
            links.append(NavLink(entry.label, url, False))
    # The longest matching prefix is the current entry ("/" matches only itself).
    best = max(
        (
            link
            for link in links
            if path == link.url or (link.url != "/" and path.startswith(link.url))
        ),
        key=lambda link: len(link.url),
        default=None,
    )
    return [NavLink(link.label, link.url, link is best) for link in links]


def navigation(request: Any) -> dict[str, Any]:
    """Context processor: ``nav_links`` for the base layout."""
    return {"nav_links": links_for(getattr(request, "user", None), request.path)}
