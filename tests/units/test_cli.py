import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.cli import translate_argv
from motcua.units.models import Unit, UnitEvent
from tests.units.factories import unit

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def provinces() -> tuple[Unit, Unit]:
    a = unit(province=True, name="Tỉnh Đắk Nông", gso_code="67", code="H67")
    b = unit(province=True, name="Tỉnh Lâm Đồng", gso_code="68", code="H68")
    unit(a, district=True, name="Thành phố Gia Nghĩa", gso_code="660")
    return a, b


def test_units_import_is_the_import_command() -> None:
    assert translate_argv(["motcua", "units", "import", "f.csv"]) == [
        "motcua",
        "units_import",
        "f.csv",
    ]


def test_merge_command_accepts_gso_codes_and_the_continuing_unit(
    provinces: tuple[Unit, Unit],
) -> None:
    out = run("units_merge", "--into", "68", "--from", "67,68", "--on", "2025-07-01")
    assert "Tỉnh Đắk Nông → Tỉnh Lâm Đồng" in out
    event = UnitEvent.objects.get()
    assert event.heir == provinces[1]
    assert Unit.objects.get(code="H67").valid_to == dt.date(2025, 6, 30)


def test_merge_command_accepts_identifiers(provinces: tuple[Unit, Unit]) -> None:
    run("units_merge", "--into", "000.00.00.H68", "--from", "H67", "--on", "2025-07-01")
    assert UnitEvent.objects.count() == 1


def test_merge_command_explains_unknown_codes(provinces: tuple[Unit, Unit]) -> None:
    with pytest.raises(CommandError, match="no unit with statistics-office code 99"):
        run("units_merge", "--into", "68", "--from", "99", "--on", "2025-07-01")


def test_merge_command_refuses_a_self_merge(provinces: tuple[Unit, Unit]) -> None:
    with pytest.raises(CommandError, match="itself"):
        run("units_merge", "--into", "68", "--from", "68", "--on", "2025-07-01")


def test_tree_command_prints_an_indented_tree_as_of_a_date(provinces: tuple[Unit, Unit]) -> None:
    run("units_merge", "--into", "68", "--from", "67", "--on", "2025-07-01")
    before = run("units_tree", "--on", "2025-06-30")
    assert before.splitlines() == [
        "Tỉnh Đắk Nông [H67]",
        "  Thành phố Gia Nghĩa [660]",
        "Tỉnh Lâm Đồng [H68]",
    ]
    after = run("units_tree", "--on", "2025-07-01", "--root", "H68")
    assert after.splitlines() == ["Tỉnh Lâm Đồng [H68]", "  Thành phố Gia Nghĩa [660]"]
