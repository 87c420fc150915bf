"""The demo builds one account per role, scoped to demo units (docs/accounts.md)."""

from django.contrib.auth.models import User

from motcua.accounts.demo import DEMO_ACCOUNTS
from motcua.accounts.scope import scope_of
from motcua.units.models import Unit


def test_the_demo_has_one_account_per_role_with_its_scope(demo, db) -> None:
    assert demo.accounts == tuple(a.username for a in DEMO_ACCOUNTS)
    monitor = User.objects.get(username="giamsat")
    assert len(scope_of(monitor).unit_ids) == Unit.objects.count() == 93
    leader = scope_of(User.objects.get(username="lanhdao.cujut"))
    codes = set(Unit.objects.filter(pk__in=leader.unit_ids).values_list("code", flat=True))
    assert "H67.30" in codes and all(c.startswith("H67.30") for c in codes)
    assert len(codes) > 1  # the district and its communes
    officer = scope_of(User.objects.get(username="chuyenvien"))
    assert Unit.objects.get(pk=next(iter(officer.unit_ids))).code == "H67.11"
    assert len(officer.unit_ids) == 1


def test_if_empty_adds_missing_demo_accounts_to_an_older_demo(demo, db, capsys) -> None:
    from django.core.management import call_command

    User.objects.filter(username="motcua").delete()
    call_command("demo", "--if-empty")
    assert "demo accounts motcua" in capsys.readouterr().out
    assert User.objects.filter(username="motcua").exists()
