"""One demo account per role, scoped to units of the demo province (docs/demo.md).

Created by ``motcua demo`` (and ``motcua accounts demo``) only when the demo province is
there; existing accounts are left as they are. Every demo account has the password
:data:`DEMO_PASSWORD`, written in README.md: never run the demo on a production database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from motcua.accounts.roles import Role
from motcua.accounts.services import grant
from motcua.units.models import Unit

DEMO_PASSWORD = "motcua-demo-2024"  # noqa: S105  (documented demo credential)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    units: tuple[str, ...]  # DVCQG codes of the demo province
    full_name: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", Role.ADMINISTRATOR, (), "Quản trị hệ thống"),
    DemoAccount("giamsat", Role.PROVINCE_MONITOR, ("H67",), "Giám sát Sở TT&TT"),
    DemoAccount("lanhdao.cujut", Role.UNIT_LEADER, ("H67.30",), "Lãnh đạo UBND huyện Cư Jút"),
    DemoAccount("motcua", Role.ONE_STOP_OFFICER, ("H67.30.01",), "Cán bộ một cửa Ea T'Ling"),
    DemoAccount("chuyenvien", Role.PROCESSING_OFFICER, ("H67.11",), "Chuyên viên Sở Tư pháp"),
)


def create_demo_accounts() -> list[str]:
    """Create the missing demo accounts; returns the usernames created (none without demo)."""
    units = {u.code: u for u in Unit.objects.filter(code__startswith="H67")}
    if "H67" not in units:
        return []
    created = []
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            if User.objects.filter(username=account.username).exists():
                continue
            user = User(username=account.username, first_name=account.full_name)
            if account.role is Role.ADMINISTRATOR:
                user.is_staff = user.is_superuser = True
            user.set_password(DEMO_PASSWORD)
            user.save()
            grant(user, account.role, [units[code] for code in account.units if code in units])
            created.append(account.username)
    return created
