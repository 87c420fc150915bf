"""What a page says about the signed-in account: its roles and the units it sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motcua.accounts.roles import Role, roles_of
from motcua.accounts.scope import scope_of
from motcua.units.models import Unit


@dataclass(frozen=True)
class AccountSummary:
    roles: list[Any]  # translated role names
    unrestricted: bool
    units: list[Unit]  # the assigned units (roots of the scope)
    unit_count: int  # units visible, the roots' subtrees included


def account_summary(user: Any) -> AccountSummary | None:
    if not getattr(user, "is_authenticated", False):
        return None
    roles = roles_of(user)
    scope = scope_of(user)
    roots = list(Unit.objects.filter(pk__in=scope.roots).order_by("level", "code"))
    return AccountSummary(
        roles=[role.label for role in Role if role in roles],
        unrestricted=scope.unrestricted,
        units=roots,
        unit_count=len(scope.unit_ids),
    )
