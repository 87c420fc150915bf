"""The demo's accounts: one per role, scoped to demo units, listed in the README."""

from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command

from motcua.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts
from motcua.accounts.roles import Role, roles_of
from motcua.accounts.scope import scope_of
from tests.accounts.cast import Cast

README = Path(__file__).resolve().parent.parent.parent / "README.md"


def test_one_demo_account_per_role_scoped_to_demo_units(cast: Cast) -> None:
    created = create_demo_accounts()
    assert created == [a.username for a in DEMO_ACCOUNTS]
    assert {a.role for a in DEMO_ACCOUNTS} == set(Role)
    leader = User.objects.get(username="lanhdao.cujut")
    assert roles_of(leader) == {Role.UNIT_LEADER}
    assert scope_of(leader).unit_ids == {cast.d1.pk, cast.c1.pk}
    monitor = User.objects.get(username="giamsat")
    assert len(scope_of(monitor).unit_ids) == 6
    assert User.objects.get(username="admin").is_superuser
    assert create_demo_accounts() == []  # idempotent


def test_demo_accounts_log_in_with_the_documented_password(cast: Cast) -> None:
    create_demo_accounts()
    assert authenticate(username="chuyenvien", password=DEMO_PASSWORD) is not None


@pytest.mark.django_db
def test_without_the_demo_province_no_account_is_made() -> None:
    assert create_demo_accounts() == []
    call_command("accounts_demo")
    assert not User.objects.exists()


def test_the_readme_lists_every_demo_account_and_the_password() -> None:
    text = README.read_text()
    assert DEMO_PASSWORD in text
    for account in DEMO_ACCOUNTS:
        assert f"`{account.username}`" in text, account.username
