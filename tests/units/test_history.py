import datetime as dt

import pytest

from motcua.units import services
from motcua.units.history import (
    UnitLookupError,
    name_on,
    resolve_code,
    rollup_map,
    rollup_units,
    successor_on,
    tree_on,
)
from motcua.units.models import Unit
from tests.units.factories import unit

pytestmark = pytest.mark.django_db

D = dt.date
MERGER = D(2025, 7, 1)


@pytest.fixture
def world() -> dict[str, Unit]:
    """Two provinces, each with a district and a commune; ``a`` merges into ``b`` later."""
    a = unit(province=True, name="Tỉnh A", gso_code="67", code="H67")
    b = unit(province=True, name="Tỉnh B", gso_code="68", code="H68")
    a_d = unit(a, district=True, name="Huyện A1", gso_code="660")
    b_d = unit(b, district=True, name="Huyện B1", gso_code="670")
    return {
        "a": a,
        "b": b,
        "a_district": a_d,
        "b_district": b_d,
        "a_commune": unit(a_d, name="Xã A1a", gso_code="24611"),
        "b_commune": unit(b_d, name="Xã B1a", gso_code="24800"),
        "a_agency": unit(a, agency=True, name="Sở Tư pháp A", code="H67.07"),
    }


def merge_a_into_b(world: dict[str, Unit]) -> None:
    services.merge([world["a"], world["b"]], world["b"], MERGER)


def test_tree_on_a_date_nests_units_under_their_parents(world: dict[str, Unit]) -> None:
    roots = tree_on(D(2024, 1, 1))
    assert [r.name for r in roots] == ["Tỉnh A", "Tỉnh B"]
    rows = [(depth, node.name) for depth, node in roots[0].walk()]
    assert rows == [(0, "Tỉnh A"), (1, "Sở Tư pháp A"), (1, "Huyện A1"), (2, "Xã A1a")]


def test_tree_after_a_merger_shows_the_successor_only(world: dict[str, Unit]) -> None:
    merge_a_into_b(world)
    roots = tree_on(D(2025, 8, 1))
    assert [r.name for r in roots] == ["Tỉnh B"]
    assert {c.name for c in roots[0].children} >= {"Huyện A1", "Sở Tư pháp A", "Huyện B1"}
    assert [r.name for r in tree_on(D(2025, 6, 30))] == ["Tỉnh A", "Tỉnh B"]


def test_tree_from_a_root(world: dict[str, Unit]) -> None:
    (root,) = tree_on(D(2024, 1, 1), root=world["b"])
    assert [n.name for _, n in root.walk()] == ["Tỉnh B", "Huyện B1", "Xã B1a"]


def test_successor_of_a_merged_unit_is_the_merged_unit(world: dict[str, Unit]) -> None:
    merge_a_into_b(world)
    assert successor_on(world["a"], D(2025, 6, 30)) == world["a"]
    assert successor_on(world["a"], MERGER) == world["b"]


def test_successor_chains_are_followed(world: dict[str, Unit]) -> None:
    merge_a_into_b(world)
    c = Unit(name="Tỉnh C", level="province")
    services.merge([world["b"]], c, D(2026, 1, 1))
    assert successor_on(world["a"], D(2026, 2, 1)) == c


def test_successor_of_a_split_unit_is_the_first_listed_target(world: dict[str, Unit]) -> None:
    x = Unit(name="Huyện X", level="district")
    y = Unit(name="Huyện Y", level="district")
    services.split(world["a_district"], [x, y], D(2024, 1, 1))
    assert successor_on(world["a_district"], D(2024, 6, 1)) == x


def test_successor_is_none_before_a_unit_exists() -> None:
    late = unit(province=True, valid_from=D(2025, 7, 1))
    assert successor_on(late, D(2025, 1, 1)) is None


def test_merge_rolls_up_predecessors_after_effective_date(world: dict[str, Unit]) -> None:
    merge_a_into_b(world)
    after = rollup_units(world["b"], D(2025, 1, 1), D(2025, 12, 31))
    assert {u.pk for u in world.values()} <= after


def test_merge_does_not_roll_up_predecessors_for_periods_ending_before(
    world: dict[str, Unit],
) -> None:
    merge_a_into_b(world)
    before = rollup_units(world["b"], D(2025, 1, 1), D(2025, 6, 30))
    assert before == {world["b"].pk, world["b_district"].pk, world["b_commune"].pk}


def test_a_merged_unit_still_rolls_up_its_own_past(world: dict[str, Unit]) -> None:
    merge_a_into_b(world)
    own = rollup_units(world["a"], D(2025, 1, 1), D(2025, 12, 31))
    assert world["a_commune"].pk in own
    assert world["b_commune"].pk not in own


def test_an_ended_unit_without_successor_rolls_up_into_its_last_parent(
    world: dict[str, Unit],
) -> None:
    world["a_district"].valid_to = D(2025, 6, 30)
    world["a_district"].save()
    assert world["a_district"].pk in rollup_units(world["a"], D(2025, 1, 1), D(2025, 12, 31))


def test_rollup_map_agrees_with_rollup_units(
    world: dict[str, Unit], django_assert_max_num_queries: object
) -> None:
    merge_a_into_b(world)
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        mapping = rollup_map(D(2025, 1, 1), D(2025, 12, 31))
    for unit_id, members in mapping.items():
        assert members == rollup_units(unit_id, D(2025, 1, 1), D(2025, 12, 31))
    assert world["a"].pk not in mapping  # it no longer exists at the end of the period


def test_rename_keeps_the_old_name_for_earlier_dates(world: dict[str, Unit]) -> None:
    services.rename(world["a"], "Tỉnh A Mới", D(2024, 1, 1))
    assert name_on(world["a"], D(2023, 12, 31)) == "Tỉnh A"
    assert name_on(world["a"], D(2024, 1, 1)) == "Tỉnh A Mới"
    assert tree_on(D(2023, 6, 1))[0].name == "Tỉnh A"
    assert tree_on(D(2024, 6, 1))[0].name == "Tỉnh A Mới"


def test_resolve_code_accepts_every_spelling(world: dict[str, Unit]) -> None:
    assert resolve_code("H67.07") == world["a_agency"]
    assert resolve_code("000.00.07.H67") == world["a_agency"]
    assert resolve_code("67") == world["a"]
    assert resolve_code("24611") == world["a_commune"]


def test_resolve_code_uses_the_date_for_reused_gso_codes(world: dict[str, Unit]) -> None:
    world["a_commune"].valid_to = D(2025, 6, 30)
    world["a_commune"].save()
    newer = unit(world["a"], name="Xã Mới", gso_code="24611", valid_from=D(2025, 7, 1))
    assert resolve_code("24611", D(2025, 6, 30)) == world["a_commune"]
    assert resolve_code("24611", D(2025, 7, 1)) == newer
    with pytest.raises(UnitLookupError, match="ambiguous"):
        resolve_code("24611")


@pytest.mark.parametrize("text", ["H99", "99", "abc", "1234"])
def test_resolve_code_explains_unknown_codes(world: dict[str, Unit], text: str) -> None:
    with pytest.raises(UnitLookupError):
        resolve_code(text)


def test_split_rolls_the_history_up_into_the_heir_only(world: dict[str, Unit]) -> None:
    x = Unit(name="Huyện X", level="district")
    y = Unit(name="Huyện Y", level="district")
    services.split(world["a_district"], [x, y], D(2024, 1, 1))
    period = (D(2024, 1, 1), D(2024, 12, 31))
    assert world["a_district"].pk in rollup_units(x, *period)
    assert world["a_commune"].pk in rollup_units(x, *period)
    assert world["a_district"].pk not in rollup_units(y, *period)
    assert world["a_district"].pk in rollup_units(world["a"], *period)


def test_units_starting_after_the_period_roll_up_nowhere(world: dict[str, Unit]) -> None:
    late = unit(world["a"], name="Xã Mới", valid_from=D(2026, 1, 1))
    assert late.pk not in rollup_units(world["a"], D(2025, 1, 1), D(2025, 12, 31))
    assert rollup_units(late, D(2025, 1, 1), D(2025, 12, 31)) == set()
