"""The role × unit matrix of who sees what, and the scope helpers' contract."""

import datetime as dt

import pytest
from django.http import Http404

from motcua.accounts.models import ApiKey
from motcua.accounts.roles import Role
from motcua.accounts.scope import (
    dossiers_for,
    require_unit,
    scope_of,
    visible_unit_ids,
)
from motcua.accounts.services import grant
from motcua.dossiers.models import Dossier
from motcua.procedures.models import Procedure
from motcua.units.models import Level, Unit, UnitEvent, UnitParent
from tests.accounts.cast import Cast

SEES = {
    "alice": {"H67", "H67.30", "H67.30.01", "H67.31", "H67.31.01", "H67.11"},
    "bob": {"H67.30", "H67.30.01"},
    "charlie": {"H67.11"},
    "dave": set(),
    "root": {"H67", "H67.30", "H67.30.01", "H67.31", "H67.31.01", "H67.11"},
}
ALL_CODES = sorted(SEES["alice"])


@pytest.mark.parametrize("who", sorted(SEES))
@pytest.mark.parametrize("code", ALL_CODES)
def test_who_sees_which_unit(cast: Cast, who: str, code: str) -> None:
    user = getattr(cast, who)
    unit = cast.unit(code)
    visible = code in SEES[who]
    assert (unit.pk in visible_unit_ids(user)) is visible
    if visible:
        require_unit(user, unit)
    else:
        with pytest.raises(Http404):
            require_unit(user, unit)


def test_dossiers_for_keeps_only_the_visible_units_dossiers(cast: Cast) -> None:
    procedure = Procedure.objects.create(code="1.000001", name="Chứng thực", time_limit=1)
    for unit in (cast.c1, cast.c2, cast.agency):
        Dossier.objects.create(
            code=f"{unit.code}-1", unit=unit, procedure=procedure, channel=1, status=4
        )
    assert set(dossiers_for(cast.bob).values_list("code", flat=True)) == {"H67.30.01-1"}
    assert dossiers_for(cast.dave).count() == 0
    assert dossiers_for(cast.alice).count() == 3
    only_c2 = Dossier.objects.filter(unit=cast.c2)
    assert dossiers_for(cast.bob, only_c2).count() == 0


def test_a_unit_moved_between_districts_is_in_both_scopes_over_time_but_one_on_a_date(
    cast: Cast,
) -> None:
    moved = Unit(code="H67.30.02", name="Xã Chuyển", level=Level.COMMUNE)
    moved.save()
    UnitParent.objects.create(unit=moved, parent=cast.d1, valid_to=dt.date(2024, 12, 31))
    UnitParent.objects.create(unit=moved, parent=cast.d2, valid_from=dt.date(2025, 1, 1))
    carol = _leader("carol", cast.d2)
    assert moved.pk in visible_unit_ids(cast.bob)
    assert moved.pk in visible_unit_ids(carol)
    assert moved.pk in visible_unit_ids(cast.bob, on=dt.date(2024, 6, 1))
    assert moved.pk not in visible_unit_ids(cast.bob, on=dt.date(2025, 6, 1))
    assert moved.pk in visible_unit_ids(carol, on=dt.date(2025, 6, 1))


def test_a_merged_predecessor_is_in_its_successors_scope(cast: Cast) -> None:
    old = Unit(code="H67.39", name="Huyện Cũ", level=Level.DISTRICT, valid_to=dt.date(2024, 6, 30))
    old.save()
    UnitParent.objects.create(unit=old, parent=cast.province, valid_to=dt.date(2024, 6, 30))
    event = UnitEvent.objects.create(
        kind=UnitEvent.Kind.MERGE, effective_date=dt.date(2024, 7, 1), heir=cast.d1
    )
    event.sources.add(old, cast.d1)
    event.targets.add(cast.d1)
    assert old.pk in visible_unit_ids(cast.bob)
    assert old.pk in visible_unit_ids(cast.bob, on=dt.date(2024, 12, 31))
    carol = _leader("carol", cast.d2)
    assert old.pk not in visible_unit_ids(carol)


def test_the_scope_is_computed_once_per_user_object(cast: Cast, django_assert_num_queries) -> None:
    scope_of(cast.bob)
    with django_assert_num_queries(0):
        for _ in range(3):
            scope_of(cast.bob).allows(cast.c1.pk)
            visible_unit_ids(cast.bob)


def test_an_api_key_sees_its_units_subtrees_until_revoked(cast: Cast) -> None:
    key = ApiKey.objects.create(name="kho", prefix="mck_x", key_hash="h" * 64)
    key.units.set([cast.d2, cast.agency])
    assert visible_unit_ids(key) == {cast.d2.pk, cast.c2.pk, cast.agency.pk}
    key.revoke()
    fresh = ApiKey.objects.get(pk=key.pk)
    assert visible_unit_ids(fresh) == frozenset()


def _leader(username: str, unit: Unit):
    from django.contrib.auth.models import User

    user = User.objects.create_user(username)
    grant(user, Role.UNIT_LEADER, [unit])
    return User.objects.get(pk=user.pk)
