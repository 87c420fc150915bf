"""Roles and what each may do.

A role is a Django group (assignable in the admin); its Python code is stable, its group
name is the Vietnamese name an administrator sees. What a role may do is data
(:data:`ROLE_CAPABILITIES`), checked in one place (:func:`has_capability`). Superusers have
every capability. Which *units* a user may see is a separate question (scope.py).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    PROVINCE_MONITOR = "province_monitor"
    UNIT_LEADER = "unit_leader"
    ONE_STOP_OFFICER = "one_stop_officer"
    PROCESSING_OFFICER = "processing_officer"

    @property
    def group_name(self) -> str:
        """The Django group's name (data: not translated, do not rename in the admin)."""
        return GROUP_NAMES[self]

    @property
    def label(self) -> Any:
        return LABELS[self]


GROUP_NAMES: dict[Role, str] = {
    Role.ADMINISTRATOR: "Quản trị",
    Role.PROVINCE_MONITOR: "Giám sát cấp tỉnh",
    Role.UNIT_LEADER: "Lãnh đạo đơn vị",
    Role.ONE_STOP_OFFICER: "Cán bộ một cửa",
    Role.PROCESSING_OFFICER: "Chuyên viên xử lý",
}

LABELS: dict[Role, Any] = {
    Role.ADMINISTRATOR: _("Quản trị"),
    Role.PROVINCE_MONITOR: _("Giám sát cấp tỉnh"),
    Role.UNIT_LEADER: _("Lãnh đạo đơn vị"),
    Role.ONE_STOP_OFFICER: _("Cán bộ một cửa"),
    Role.PROCESSING_OFFICER: _("Chuyên viên xử lý"),
}


class Capability(StrEnum):
    VIEW_INDICATORS = "view_indicators"
    VIEW_DOSSIERS = "view_dossiers"
    UNMASK_PII = "unmask_pii"
    RECEIVE_DOSSIERS = "receive_dossiers"
    PROCESS_DOSSIERS = "process_dossiers"
    IMPORT_DOSSIERS = "import_dossiers"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    MANAGE_API_KEYS = "manage_api_keys"


C = Capability
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMINISTRATOR: frozenset(Capability),
    Role.PROVINCE_MONITOR: frozenset(
        {C.VIEW_INDICATORS, C.VIEW_DOSSIERS, C.IMPORT_DOSSIERS, C.MANAGE_CAMPAIGNS}
    ),
    Role.UNIT_LEADER: frozenset({C.VIEW_INDICATORS, C.VIEW_DOSSIERS}),
    Role.ONE_STOP_OFFICER: frozenset(
        {C.VIEW_INDICATORS, C.VIEW_DOSSIERS, C.UNMASK_PII, C.RECEIVE_DOSSIERS}
    ),
    Role.PROCESSING_OFFICER: frozenset(
        {C.VIEW_INDICATORS, C.VIEW_DOSSIERS, C.UNMASK_PII, C.PROCESS_DOSSIERS}
    ),
}

# An API key is another system reading figures: it has only these capabilities.
API_KEY_CAPABILITIES: frozenset[Capability] = frozenset({C.VIEW_INDICATORS})

_BY_GROUP = {name: role for role, name in GROUP_NAMES.items()}


def roles_of(user: Any) -> frozenset[Role]:
    """The user's roles (from their groups), cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return frozenset()
    cached = getattr(user, "_motcua_roles", None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)
        cached = frozenset(_BY_GROUP[n] for n in names if n in _BY_GROUP)
        if user.is_superuser:
            cached |= {Role.ADMINISTRATOR}
        user._motcua_roles = cached
    return frozenset(cached)


def capabilities_of(principal: Any) -> frozenset[Capability]:
    """Everything the user (or API key) may do: the union over its roles."""
    from motcua.accounts.models import ApiKey

    if isinstance(principal, ApiKey):
        return API_KEY_CAPABILITIES if principal.is_active else frozenset()
    result: set[Capability] = set()
    for role in roles_of(principal):
        result |= ROLE_CAPABILITIES[role]
    return frozenset(result)


def has_capability(principal: Any, capability: Capability) -> bool:
    """The one check every view and API handler uses for "may this caller do X"."""
    return capability in capabilities_of(principal)


def is_unrestricted(principal: Any) -> bool:
    """Administrators and superusers see every unit, whatever their unit assignments."""
    from motcua.accounts.models import ApiKey

    if isinstance(principal, ApiKey):
        return False
    return Role.ADMINISTRATOR in roles_of(principal)
