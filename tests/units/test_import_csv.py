import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from motcua.units.history import History
from motcua.units.models import Level, Unit, UnitParent

pytestmark = pytest.mark.django_db

HEADER = "code,name,level,parent_code,valid_from,valid_to,gso_code\n"
GOOD = HEADER + (
    "000.00.00.H67,Tỉnh Đắk Nông,province,,,,67\n"
    "H67.07,Sở Tư pháp,agency,H67,,,\n"
    "660,Thành phố Gia Nghĩa,district,67,,2025-06-30,\n"
    "24611,Phường Nghĩa Đức,commune,660,,2025-06-30,\n"
    "H67.100,Xã Quảng Sơn,commune,000.00.00.H67,2025-07-01,,24700\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    return path


def run_import(path: Path) -> str:
    from io import StringIO

    out = StringIO()
    call_command("units_import", str(path), stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple[object, ...]]:
    units = list(Unit.objects.values_list("code", "gso_code", "name", "level", "valid_to"))
    links = list(UnitParent.objects.values_list("unit__name", "parent__name", "valid_from"))
    return sorted(units, key=str) + sorted(links, key=str)


def test_csv_import_creates_units_and_their_parents(tmp_path: Path) -> None:
    assert run_import(write(tmp_path, GOOD)).strip() == "created 5, updated 0, unchanged 0"
    province = Unit.objects.get(code="H67")
    assert province.gso_code == "67" and province.level == Level.PROVINCE
    history = History()
    commune = Unit.objects.get(gso_code="24611")
    assert history.parent_on(commune.pk, dt.date(2025, 1, 1)) == Unit.objects.get(gso_code="660").pk
    new = Unit.objects.get(code="H67.100")
    assert new.valid_from == dt.date(2025, 7, 1)
    assert history.parent_on(new.pk, dt.date(2025, 7, 1)) == province.pk


def test_csv_reimport_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    run_import(path)
    before = snapshot()
    assert run_import(path).strip() == "created 0, updated 0, unchanged 5"
    assert snapshot() == before


def test_csv_import_updates_changed_rows(tmp_path: Path) -> None:
    run_import(write(tmp_path, GOOD))
    changed = GOOD.replace("Sở Tư pháp", "Sở Tư pháp tỉnh")
    assert run_import(write(tmp_path, changed)).strip() == "created 0, updated 1, unchanged 4"
    assert Unit.objects.get(code="H67.07").name == "Sở Tư pháp tỉnh"


def test_csv_parent_may_be_a_stored_unit(tmp_path: Path) -> None:
    run_import(write(tmp_path, GOOD))
    more = HEADER + "H67.08,Sở Y tế,agency,000.00.00.H67,,,\n"
    run_import(write(tmp_path, more))
    agency = Unit.objects.get(code="H67.08")
    assert History().parent_on(agency.pk, dt.date(2026, 1, 1)) == Unit.objects.get(code="H67").pk


BAD_ROWS = [
    ("H67.07,Sở Tư pháp,ministry,H67,,,\n", "line 3: field level"),
    ("X1.07,Sở Tư pháp,agency,H67,,,\n", "line 3: field code"),
    ("H67.07,,agency,H67,,,\n", "line 3: field name"),
    ("H67.07,Sở Tư pháp,agency,H99,,,\n", "line 3: field parent_code"),
    ("H67.07,Sở Tư pháp,agency,,,,\n", "line 3: field parent_code"),
    ("H67.07,Sở Tư pháp,agency,H67,2025-13-01,,\n", "line 3: field valid_from"),
    ("H67.07,Sở Tư pháp,agency,H67,2025-02-01,2025-01-01,\n", "line 3: field valid_to"),
    ("H67.07,Sở Tư pháp,agency,H67,,,123\n", "line 3: field gso_code"),
    ("24611,Xã,commune,H67.07,,,\n", "line 3: field parent_code"),
    ("H67,Tỉnh khác,province,,,,\n", "line 3: field code"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_csv_errors_name_the_line_and_field_and_write_nothing(
    tmp_path: Path, row: str, message: str
) -> None:
    text = HEADER + "000.00.00.H67,Tỉnh Đắk Nông,province,,,,67\n" + row
    with pytest.raises(CommandError, match=message):
        run_import(write(tmp_path, text))
    assert not Unit.objects.exists()


def test_csv_errors_leave_stored_units_unchanged(tmp_path: Path) -> None:
    run_import(write(tmp_path, GOOD))
    before = snapshot()
    bad = GOOD.replace("Sở Tư pháp", "Sở mới") + "H67.09,Sở X,agency,H77,,,\n"
    with pytest.raises(CommandError, match="line 7: field parent_code"):
        run_import(write(tmp_path, bad))
    assert snapshot() == before


def test_csv_missing_columns_are_reported(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="line 1: missing column level"):
        run_import(write(tmp_path, "code,name,parent_code\nH67,Tỉnh,\n"))


def test_csv_lists_every_error_at_once(tmp_path: Path) -> None:
    text = HEADER + "H67,,province,,,,\nH67.07,Sở,nowhere,H67,,,\n"
    with pytest.raises(CommandError) as raised:
        run_import(write(tmp_path, text))
    assert "line 2: field name" in str(raised.value)
    assert "line 3: field level" in str(raised.value)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        run_import(tmp_path / "nowhere.csv")


def test_province_option_is_refused_for_csv(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--province"):
        call_command("units_import", str(write(tmp_path, GOOD)), "--province", "67")


def test_csv_import_costs_a_few_queries_whatever_its_size(
    tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    lines = [HEADER, "000.00.00.H67,Tỉnh Đắk Nông,province,,,,67\n"]
    for d in range(20):
        lines.append(f"{600 + d},Huyện {d},district,67,,2025-06-30,\n")
        lines += [
            f"{24000 + d * 10 + c},Xã {d}-{c},commune,{600 + d},,2025-06-30,\n" for c in range(10)
        ]
    path = write(tmp_path, "".join(lines))
    with django_assert_max_num_queries(12):
        assert run_import(path).strip() == "created 221, updated 0, unchanged 0"
    with django_assert_max_num_queries(12):
        assert run_import(path).strip() == "created 0, updated 0, unchanged 221"
