import datetime as dt

import pytest

from motcua.audit.models import AuditEvent
from motcua.units import services
from motcua.units.history import History
from motcua.units.models import Unit, UnitEvent, UnitParent
from motcua.units.services import ReformError
from tests.units.factories import unit

pytestmark = pytest.mark.django_db

D = dt.date
ON = D(2025, 7, 1)


def parent_on(child: Unit, day: dt.date) -> int | None:
    return History().parent_on(child.pk, day)


@pytest.fixture
def provinces() -> tuple[Unit, Unit, Unit]:
    a = unit(province=True, name="Tỉnh A")
    b = unit(province=True, name="Tỉnh B")
    return a, b, unit(a, name="Xã của A")


def test_merge_ends_the_sources_the_day_before(provinces: tuple[Unit, Unit, Unit]) -> None:
    a, b, _ = provinces
    services.merge([a, b], b, ON)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.valid_to == D(2025, 6, 30)
    assert b.valid_to is None


def test_merge_reparents_children_from_the_effective_date(
    provinces: tuple[Unit, Unit, Unit],
) -> None:
    a, b, commune = provinces
    services.merge([a], b, ON)
    assert parent_on(commune, D(2025, 6, 30)) == a.pk
    assert parent_on(commune, ON) == b.pk
    assert UnitParent.objects.filter(unit=commune).count() == 2


def test_merge_leaves_ended_children_alone(provinces: tuple[Unit, Unit, Unit]) -> None:
    a, b, _ = provinces
    old = unit(a, name="Xã cũ", valid_to=D(2020, 1, 1))
    services.merge([a], b, ON)
    assert list(UnitParent.objects.filter(unit=old).values_list("parent", "valid_to")) == [
        (a.pk, None)
    ]


def test_merge_into_a_new_unit_creates_it_from_the_date(
    provinces: tuple[Unit, Unit, Unit],
) -> None:
    a, b, commune = provinces
    c = Unit(name="Tỉnh C", level="province")
    event = services.merge([a, b], c, ON)
    assert c.pk is not None and c.valid_from == ON
    assert event.heir == c
    assert set(event.sources.all()) == {a, b}
    assert parent_on(commune, ON) == c.pk


def test_merge_is_recorded_as_an_event_and_audited(provinces: tuple[Unit, Unit, Unit]) -> None:
    a, b, _ = provinces
    event = services.merge([a, b], b, ON, actor="alice")
    assert event.kind == UnitEvent.Kind.MERGE and event.effective_date == ON
    audit = AuditEvent.objects.get(action="units.merge")
    assert audit.actor_label == "alice"
    assert audit.data["sources"] == [a.pk] and audit.data["into"] == b.pk


def test_merge_into_itself_only_is_refused(provinces: tuple[Unit, Unit, Unit]) -> None:
    _, b, _ = provinces
    with pytest.raises(ReformError, match="itself"):
        services.merge([b], b, ON)


def test_merge_before_a_unit_exists_is_refused() -> None:
    late = unit(province=True, valid_from=D(2026, 1, 1))
    other = unit(province=True)
    with pytest.raises(ReformError, match="never exist"):
        services.merge([late], other, ON)


def test_merge_of_an_ended_unit_is_refused(provinces: tuple[Unit, Unit, Unit]) -> None:
    a, b, _ = provinces
    services.merge([a], b, ON)
    a.refresh_from_db()
    with pytest.raises(ReformError, match="already ended"):
        services.merge([a], b, D(2026, 1, 1))


def test_merge_across_levels_is_refused(provinces: tuple[Unit, Unit, Unit]) -> None:
    a, _, commune = provinces
    with pytest.raises(ReformError, match="level"):
        services.merge([commune], a, ON)


def test_a_refused_merge_writes_nothing(provinces: tuple[Unit, Unit, Unit]) -> None:
    a, b, commune = provinces
    with pytest.raises(ReformError):
        services.merge([a, commune], b, ON)
    a.refresh_from_db()
    assert a.valid_to is None
    assert not UnitEvent.objects.exists()


def test_split_gives_the_history_to_the_first_target(provinces: tuple[Unit, Unit, Unit]) -> None:
    a, _, commune = provinces
    x = Unit(name="Tỉnh X", level="province")
    y = Unit(name="Tỉnh Y", level="province")
    other = unit(a, name="Xã khác")
    event = services.split(a, [x, y], ON, children={other: y})
    a.refresh_from_db()
    assert a.valid_to == D(2025, 6, 30)
    assert event.heir == x
    assert parent_on(commune, ON) == x.pk
    assert parent_on(other, ON) == y.pk


def test_split_with_the_source_continuing(provinces: tuple[Unit, Unit, Unit]) -> None:
    a, _, commune = provinces
    y = Unit(name="Tỉnh Y", level="province")
    services.split(a, [a, y], ON, children={commune: y})
    a.refresh_from_db()
    assert a.valid_to is None
    assert parent_on(commune, ON) == y.pk


def test_split_places_new_targets_under_the_old_parent(
    provinces: tuple[Unit, Unit, Unit],
) -> None:
    a, _, commune = provinces
    x = Unit(name="Xã X", level="commune")
    services.split(commune, [x, Unit(name="Xã Y", level="commune")], ON)
    assert parent_on(x, ON) == a.pk


def test_rename_records_old_and_new_names(provinces: tuple[Unit, Unit, Unit]) -> None:
    a, _, _ = provinces
    event = services.rename(a, "Tỉnh A Mới", ON)
    a.refresh_from_db()
    assert a.name == "Tỉnh A Mới" and a.name_key == "tinh a moi"
    assert (event.old_name, event.new_name) == ("Tỉnh A", "Tỉnh A Mới")


def test_rename_to_the_same_name_is_refused(provinces: tuple[Unit, Unit, Unit]) -> None:
    with pytest.raises(ReformError):
        services.rename(provinces[0], "Tỉnh A", ON)


def test_move_changes_the_parent_from_the_date(provinces: tuple[Unit, Unit, Unit]) -> None:
    a, b, commune = provinces
    event = services.move(commune, b, ON)
    assert parent_on(commune, D(2025, 6, 30)) == a.pk
    assert parent_on(commune, ON) == b.pk
    assert (event.old_parent, event.new_parent) == (a, b)


def test_move_under_its_own_child_is_refused(provinces: tuple[Unit, Unit, Unit]) -> None:
    a, _, commune = provinces
    with pytest.raises(ReformError, match="under it"):
        services.move(a, commune, ON)


def test_merge_into_a_new_commune_places_it_under_the_old_parent(
    provinces: tuple[Unit, Unit, Unit],
) -> None:
    a, _, commune = provinces
    other = unit(a, name="Xã bên cạnh")
    merged = Unit(name="Xã Mới", level="commune")
    services.merge([commune, other], merged, ON)
    assert parent_on(merged, ON) == a.pk


def test_a_refused_merge_into_a_new_unit_leaves_it_unsaved(
    provinces: tuple[Unit, Unit, Unit],
) -> None:
    a, _, commune = provinces
    merged = Unit(name="Tỉnh Mới", level="province")
    with pytest.raises(ReformError):
        services.merge([a, commune], merged, ON)
    assert merged.pk is None
    assert not Unit.objects.filter(name="Tỉnh Mới").exists()
