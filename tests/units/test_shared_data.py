"""DONE-WHEN: the real statistics-office lists (../shared/data), Đắk Nông into Lâm Đồng."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from motcua.units.history import rollup_map, rollup_units
from motcua.units.models import Level, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.shared]

BEFORE = "vn_units_before_2025-07-01.json"
AFTER = "vn_units_after_2025-07-01.json"


def province_in(path: Path, code: str) -> dict[str, Any]:
    return next(p for p in json.loads(path.read_text(encoding="utf-8")) if p["Code"] == code)


def gso_codes(province: dict[str, Any]) -> dict[str, set[str]]:
    districts = province["District"]
    return {
        Level.PROVINCE: {province["Code"]},
        Level.DISTRICT: {d["Code"] for d in districts},
        Level.COMMUNE: {w["Code"] for d in districts for w in d["Ward"] or []},
    }


def units_of(codes: dict[str, set[str]]) -> set[int]:
    ids: set[int] = set()
    for level, values in codes.items():
        ids |= set(
            Unit.objects.filter(level=level, gso_code__in=values).values_list("pk", flat=True)
        )
    return ids


def imported(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("units_import", str(path), *args, stdout=out)
    return out.getvalue().strip()


def test_dak_nong_imports_with_its_districts_and_communes(shared_data: Path) -> None:
    path = shared_data / BEFORE
    expected = gso_codes(province_in(path, "67"))
    total = sum(len(v) for v in expected.values())
    assert imported(path, "--province", "67") == f"created {total}, updated 0, unchanged 0"
    assert Unit.objects.get(level=Level.PROVINCE, gso_code="67").name == "Tỉnh Đắk Nông"
    assert len(expected[Level.DISTRICT]) == 8
    for level, codes in expected.items():
        stored = set(Unit.objects.filter(level=level).values_list("gso_code", flat=True))
        assert stored == codes
    assert imported(path, "--province", "67") == f"created 0, updated 0, unchanged {total}"


def test_dak_nong_rolls_up_into_lam_dong_after_the_merger(shared_data: Path) -> None:
    path = shared_data / BEFORE
    for code in ("67", "60", "68"):
        imported(path, "--province", code)
    call_command(
        "units_merge", "--into", "68", "--from", "67,60,68", "--on", "2025-07-01", stdout=StringIO()
    )
    lam_dong = Unit.objects.get(level=Level.PROVINCE, gso_code="68")
    dak_nong = units_of(gso_codes(province_in(path, "67")))
    binh_thuan = units_of(gso_codes(province_in(path, "60")))
    assert len(dak_nong) == sum(len(v) for v in gso_codes(province_in(path, "67")).values())

    after = rollup_units(lam_dong, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert dak_nong <= after and binh_thuan <= after
    assert rollup_map(dt.date(2025, 1, 1), dt.date(2025, 12, 31))[lam_dong.pk] == after

    before = rollup_units(lam_dong, dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert not dak_nong & before
    assert not binh_thuan & before


def test_both_whole_files_import_coherently(shared_data: Path) -> None:
    imported(shared_data / BEFORE)
    imported(shared_data / AFTER)
    after = json.loads((shared_data / AFTER).read_text(encoding="utf-8"))
    day = dt.date(2025, 7, 1)
    assert Unit.objects.valid_on(day).filter(level=Level.COMMUNE).count() == sum(
        len(p["Wards"]) for p in after
    )
    assert not Unit.objects.valid_on(day).filter(level=Level.DISTRICT).exists()
    assert imported(shared_data / AFTER).startswith("created 0, updated 0")
    assert imported(shared_data / BEFORE).startswith("created 0, updated 0")
