"""Which units a caller (a user or an API key) may see: the one place that answers it.

Rules (docs/accounts.md):

* Administrators and superusers see every unit.
* Everyone else sees the subtrees of the units they are assigned to (``UnitAssignment``;
  an API key's ``units``): a province monitor assigned to the province sees the whole
  province, a unit leader their unit and everything under it, an officer their unit.
  Nobody else sees anything: an account without assignments sees no unit.
* "Under" follows the unit history (motcua.units.history): without a date, a unit that was
  under an assigned unit at any time, and a unit whose history rolls into one (a merged
  predecessor), are in scope; as of a date, the roll-up of that date is used.

Results are cached on the principal object, i.e. per request. Another unit's data is not
forbidden but absent: callers raise ``Http404`` (:func:`require_unit`), never 403.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from motcua.accounts.models import ApiKey, UnitAssignment
from motcua.accounts.roles import is_unrestricted
from motcua.dossiers.models import Dossier
from motcua.units.history import History
from motcua.units.models import Unit

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """The units a principal may see. ``unit_ids`` is complete even when unrestricted."""

    unrestricted: bool
    roots: frozenset[int]
    unit_ids: frozenset[int]

    def allows(self, unit_id: int) -> bool:
        return self.unrestricted or unit_id in self.unit_ids

    def filter(self, queryset: QuerySet[M], field: str = "unit_id") -> QuerySet[M]:
        """``queryset`` restricted to rows whose ``field`` is a visible unit id."""
        if self.unrestricted:
            return queryset
        return queryset.filter(**{f"{field}__in": sorted(self.unit_ids)})


def assigned_unit_ids(principal: Any) -> frozenset[int]:
    """The units the principal is assigned to (the roots of its scope)."""
    if isinstance(principal, ApiKey):
        if not principal.is_active:
            return frozenset()
        return frozenset(principal.units.values_list("id", flat=True))
    if not getattr(principal, "is_authenticated", False) or not principal.is_active:
        return frozenset()
    rows = UnitAssignment.objects.filter(user=principal).values_list("unit_id", flat=True)
    return frozenset(rows)


def scope_of(principal: Any, on: dt.date | None = None) -> Scope:
    """The principal's scope (cached on the principal object, i.e. per request)."""
    cache: dict[dt.date | None, Scope] | None = getattr(principal, "_motcua_scope", None)
    if cache is None:
        cache = {}
        if principal is not None:
            principal._motcua_scope = cache
    if on not in cache:
        cache[on] = _compute(principal, on)
    return cache[on]


def _compute(principal: Any, on: dt.date | None) -> Scope:
    if principal is not None and is_unrestricted(principal):
        everything = frozenset(Unit.objects.values_list("id", flat=True))
        return Scope(True, frozenset(), everything)
    roots = assigned_unit_ids(principal)
    if not roots:
        return Scope(False, roots, frozenset())
    history = History()
    if on is None:
        return Scope(False, roots, frozenset(subtree_at_any_time(history, roots)))
    members = history.rollup_map(on, on)
    ids: set[int] = set()
    for root in roots:
        ids |= members.get(root, set())
    return Scope(False, roots, frozenset(ids))


def subtree_at_any_time(history: History, roots: Iterable[int]) -> set[int]:
    """``roots`` and every unit that was ever under one, or whose history rolls into one."""
    below: dict[int, set[int]] = defaultdict(set)
    for unit_id, links in history.links.items():
        for link in links:
            below[link.parent_id].add(unit_id)
    for unit_id, (_, heir) in history.heir_of.items():
        below[heir].add(unit_id)
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(below.get(current, ()))
    return seen


def visible_unit_ids(principal: Any, on: dt.date | None = None) -> frozenset[int]:
    """Ids of the units the principal may see (as of ``on``, or at any time)."""
    return scope_of(principal, on).unit_ids


def can_see_unit(principal: Any, unit: Unit | int, on: dt.date | None = None) -> bool:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return scope_of(principal, on).allows(unit_id)


def require_unit(principal: Any, unit: Unit | int, on: dt.date | None = None) -> None:
    """Raise ``Http404`` unless the principal may see ``unit`` (never 403: no leak)."""
    if not can_see_unit(principal, unit, on):
        raise Http404("unit not found")


def dossiers_for(principal: Any, queryset: QuerySet[Dossier] | None = None) -> QuerySet[Dossier]:
    """The dossiers (of ``queryset``, default all) handled by a unit the principal sees."""
    base = Dossier.objects.all() if queryset is None else queryset
    return scope_of(principal).filter(base, "unit_id")
