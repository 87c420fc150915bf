"""A small named cast for access-control tests.

Tỉnh P (H67) has two districts, D1 (H67.30, commune C1 H67.30.01) and D2 (H67.31, commune
C2 H67.31.01), and one agency A (H67.11).

* alice — province monitor assigned to the province: sees everything;
* bob — unit leader of D1: sees D1 and C1;
* charlie — processing officer at the agency A: sees A only;
* dave — an account with no role and no unit: sees nothing;
* root — a superuser without assignments: sees everything.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from motcua.accounts.roles import Role
from motcua.accounts.services import grant
from motcua.units.models import Level, Unit, UnitParent

PASSWORD = "mat-khau-thu-nghiem-dai-1"


@dataclass
class Cast:
    province: Unit
    d1: Unit
    c1: Unit
    d2: Unit
    c2: Unit
    agency: Unit
    alice: User
    bob: User
    charlie: User
    dave: User
    root: User

    def unit(self, code: str) -> Unit:
        return Unit.objects.get(code=code)


def _unit(code: str, name: str, level: str, parent: Unit | None = None) -> Unit:
    unit = Unit(code=code, name=name, level=level)
    unit.save()
    if parent is not None:
        UnitParent.objects.create(unit=unit, parent=parent)
    return unit


@functools.cache
def password_hash() -> str:
    """One scrypt hash of PASSWORD for the whole run (hashing costs half a second)."""
    return make_password(PASSWORD)


def _user(username: str, role: Role | None, units: list[Unit], **extra: object) -> User:
    user = User.objects.create(username=username, password=password_hash(), **extra)
    if role is not None:
        grant(user, role, units)
    return user


def build_cast() -> Cast:
    province = _unit("H67", "Tỉnh P", Level.PROVINCE)
    d1 = _unit("H67.30", "Huyện Một", Level.DISTRICT, province)
    c1 = _unit("H67.30.01", "Xã Một", Level.COMMUNE, d1)
    d2 = _unit("H67.31", "Huyện Hai", Level.DISTRICT, province)
    c2 = _unit("H67.31.01", "Xã Hai", Level.COMMUNE, d2)
    agency = _unit("H67.11", "Sở Tư pháp", Level.AGENCY, province)
    return Cast(
        province=province,
        d1=d1,
        c1=c1,
        d2=d2,
        c2=c2,
        agency=agency,
        alice=_user("alice", Role.PROVINCE_MONITOR, [province]),
        bob=_user("bob", Role.UNIT_LEADER, [d1]),
        charlie=_user("charlie", Role.PROCESSING_OFFICER, [agency]),
        dave=_user("dave", None, []),
        root=_user("root", None, [], is_superuser=True, is_staff=True),
    )


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()
