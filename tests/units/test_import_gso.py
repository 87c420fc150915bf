"""The statistics-office JSON lists, on small hand-made files (the real ones: test_shared)."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from motcua.units.history import History, name_on, tree_on
from motcua.units.models import Level, Unit, UnitEvent

pytestmark = pytest.mark.django_db

BEFORE = [
    {
        "Code": "15",
        "FullName": "Tỉnh Yên Bái",
        "District": [
            {
                "Code": "132",
                "FullName": "Thành phố Yên Bái",
                "ProvinceCode": "15",
                "Ward": [
                    {"Code": "04249", "FullName": "Phường Hồng Hà", "DistrictCode": "132"},
                    {"Code": "04252", "FullName": "Phường Minh Tân", "DistrictCode": "132"},
                ],
            },
            {"Code": "133", "FullName": "Huyện Đảo", "ProvinceCode": "15", "Ward": None},
        ],
    },
    {"Code": "10", "FullName": "Tỉnh Lào Cai", "District": []},
]
AFTER = [
    {
        "Code": "15",
        "FullName": "Tỉnh Lào Cai",
        "Wards": [
            {"Code": "04249", "FullName": "Phường Hồng Hà", "ProvinceCode": "15"},
            {"Code": "04252", "FullName": "Phường Yên Bái", "ProvinceCode": "15"},
        ],
    }
]
JULY = dt.date(2025, 7, 1)
JUNE = dt.date(2025, 6, 30)


def write(tmp_path: Path, data: Any, name: str = "units.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def run_import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("units_import", str(path), *args, stdout=out)
    return out.getvalue().strip()


def test_before_file_builds_provinces_districts_and_communes(tmp_path: Path) -> None:
    assert run_import(write(tmp_path, BEFORE)) == "created 6, updated 0, unchanged 0"
    district = Unit.objects.get(level=Level.DISTRICT, gso_code="132")
    assert district.valid_to == JUNE
    (yen_bai,) = tree_on(dt.date(2025, 1, 1), root=Unit.objects.get(gso_code="15"))
    assert [(d, n.name) for d, n in yen_bai.walk()] == [
        (0, "Tỉnh Yên Bái"),
        (1, "Thành phố Yên Bái"),
        (2, "Phường Hồng Hà"),
        (2, "Phường Minh Tân"),
        (1, "Huyện Đảo"),
    ]


def test_province_option_takes_one_province(tmp_path: Path) -> None:
    run_import(write(tmp_path, BEFORE), "--province", "10")
    assert list(Unit.objects.values_list("name", flat=True)) == ["Tỉnh Lào Cai"]


def test_unknown_province_option_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--province 99"):
        run_import(write(tmp_path, BEFORE), "--province", "99")


def test_reimporting_the_same_json_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, BEFORE)
    run_import(path)
    assert run_import(path) == "created 0, updated 0, unchanged 6"


def test_after_file_continues_provinces_and_same_named_communes(tmp_path: Path) -> None:
    run_import(write(tmp_path, BEFORE))
    report = run_import(write(tmp_path, AFTER, "after.json"))
    assert report == "created 1, updated 2, unchanged 0"
    province = Unit.objects.get(level=Level.PROVINCE, gso_code="15")
    assert name_on(province, JUNE) == "Tỉnh Yên Bái"
    assert name_on(province, JULY) == "Tỉnh Lào Cai"
    hong_ha = Unit.objects.get(gso_code="04249")
    assert hong_ha.valid_to is None
    history = History()
    assert history.parent_on(hong_ha.pk, JUNE) == Unit.objects.get(gso_code="132").pk
    assert history.parent_on(hong_ha.pk, JULY) == province.pk
    old, new = Unit.objects.filter(gso_code="04252").order_by("id")
    assert (old.valid_to, new.valid_from, new.name) == (JUNE, JULY, "Phường Yên Bái")


def test_importing_after_then_before_gives_the_same_history(tmp_path: Path) -> None:
    def state() -> list[tuple[object, ...]]:
        rows = Unit.objects.values_list("gso_code", "name", "level", "valid_from", "valid_to")
        renames = UnitEvent.objects.values_list("effective_date", "old_name", "new_name")
        return sorted(rows, key=str) + sorted(renames, key=str)

    run_import(write(tmp_path, BEFORE, "b.json"))
    run_import(write(tmp_path, AFTER, "a.json"))
    forward = state()
    Unit.objects.all().delete()
    UnitEvent.objects.all().delete()
    run_import(write(tmp_path, AFTER, "a.json"))
    run_import(write(tmp_path, BEFORE, "b.json"))
    assert state() == forward
    run_import(write(tmp_path, AFTER, "a.json"))
    assert state() == forward


def test_after_file_reimport_is_idempotent(tmp_path: Path) -> None:
    run_import(write(tmp_path, BEFORE))
    path = write(tmp_path, AFTER, "after.json")
    run_import(path)
    assert run_import(path) == "created 0, updated 0, unchanged 3"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d[0]["District"][0]["Ward"][1].update(Code="4252"), "Ward #2: field Code"),
        (lambda d: d[0]["District"][1].update(FullName=""), "133\\): field FullName"),
        (lambda d: d[0]["District"][0]["Ward"][1].update(Code="04249"), "appears twice"),
        (lambda d: d[1].pop("District"), "not a statistics-office unit list"),
    ],
)
def test_bad_json_names_the_entry_and_field_and_writes_nothing(
    tmp_path: Path, mutate: Any, message: str
) -> None:
    data = json.loads(json.dumps(BEFORE))
    mutate(data)
    with pytest.raises(CommandError, match=message):
        run_import(write(tmp_path, data))
    assert not Unit.objects.exists()


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n{"Code": "15",\n}\n]', encoding="utf-8")
    with pytest.raises(CommandError, match="line 3: invalid JSON"):
        run_import(path)


def test_accent_placement_is_not_a_rename(tmp_path: Path) -> None:
    run_import(write(tmp_path, [{"Code": "38", "FullName": "Tỉnh Thanh Hóa", "District": []}]))
    run_import(write(tmp_path, [{"Code": "38", "FullName": "Tỉnh Thanh Hoá", "Wards": []}], "a"))
    assert not UnitEvent.objects.exists()
    assert Unit.objects.get().name == "Tỉnh Thanh Hóa"
