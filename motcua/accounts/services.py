"""State changes of accounts and API keys: each one transaction with its audit record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import ApiKey, UnitAssignment
from motcua.accounts.roles import Role
from motcua.audit.log import Actor, record
from motcua.units.history import resolve_code
from motcua.units.models import Unit


class ApiKeyError(ValueError):
    pass


def resolve_units(codes: Iterable[str], on: dt.date | None = None) -> list[Unit]:
    """Units by DVCQG code, identifier or GSO code; ApiKeyError names the bad code."""
    units = []
    for code in codes:
        code = code.strip()
        if not code:
            continue
        try:
            units.append(resolve_code(code, on=on))
        except LookupError as exc:
            raise ApiKeyError(f"--units: {exc}") from None
    if not units:
        raise ApiKeyError("--units: give at least one unit code")
    return units


def create_api_key(name: str, units: list[Unit], actor: Actor) -> tuple[ApiKey, str]:
    """A new key for ``units``; returns the row and the key (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise ApiKeyError("--name: must not be empty")
    key, prefix, key_hash = ApiKey.generate()
    with transaction.atomic():
        if ApiKey.objects.filter(name=name).exists():
            raise ApiKeyError(f"--name: an API key named {name!r} already exists")
        api_key = ApiKey.objects.create(
            name=name, prefix=prefix, key_hash=key_hash, created_by=str(actor or "cli")[:150]
        )
        api_key.units.set(units)
        record(
            "apikey.create",
            actor=actor,
            object_type="apikey",
            object_id=api_key.pk,
            name=name,
            units=[u.code or u.gso_code for u in units],
        )
    return api_key, key


def revoke_api_key(name: str, actor: Actor) -> ApiKey:
    with transaction.atomic():
        api_key = ApiKey.objects.select_for_update().filter(name=name).first()
        if api_key is None:
            raise ApiKeyError(f"--name: no API key named {name!r}")
        if api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at"])
            record("apikey.revoke", actor=actor, object_type="apikey", object_id=api_key.pk)
    return api_key


def grant(user: User, role: Role, units: Iterable[Unit] = ()) -> None:
    """Give ``user`` a role and unit assignments (idempotent)."""
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=role.group_name)
        user.groups.add(group)
        for unit in units:
            UnitAssignment.objects.get_or_create(user=user, unit=unit)
