"""Imports keep the indicator aggregates current, in the import's transaction."""

import datetime as dt
from typing import Any

import pytest

from motcua.dossiers.ingest import import_files, import_records
from motcua.dossiers.models import Dossier
from motcua.indicators.facts import (
    DOSSIER_COLUMNS,
    FACT_FIELDS,
    FactReader,
    FactTally,
    rebuild,
)
from motcua.indicators.models import DailyFact
from motcua.procedures.models import ServiceLevel, ServiceLevelVersion
from tests.dossiers.conftest import OTHER_PROCEDURE, PROCEDURE, hoso
from tests.indicators.conftest import aggregate_totals


@pytest.mark.django_db
def test_imports_and_newer_versions_keep_aggregates_equal_to_a_rebuild(catalogue) -> None:
    import_records([hoso(), hoso("H44.40-240802-0002")], source="a.json")
    assert sum(n for _, n in aggregate_totals()) == 2
    moved = hoso(
        NgayTiepNhan="20240910083000",
        KenhThucHien="1",
        TrangThaiHoSo="9",
        NgayKetThucXuLy="20240911090000",
    )
    import_records([moved], source="b.json")
    live = aggregate_totals()
    rebuild()
    assert live == aggregate_totals()
    assert sum(n for _, n in live) == 2


@pytest.mark.django_db
def test_a_rejected_file_leaves_the_aggregates_untouched(catalogue) -> None:
    import_records([hoso()], source="a.json")
    before = aggregate_totals()
    report = import_records([hoso("H44.40-240802-0002", KenhThucHien="9")], source="bad.json")
    assert not report.ok
    assert aggregate_totals() == before


def full_totals() -> list[tuple]:
    """Every fact column of the aggregate table, summed by key (rows with equal keys add)."""
    totals: dict[tuple, int] = {}
    for *key, n in DailyFact.objects.values_list(*FACT_FIELDS, "n"):
        totals[tuple(key)] = totals.get(tuple(key), 0) + n
    return sorted(totals.items(), key=repr)


def _varied(n: int, **fields: Any) -> dict[str, Any]:
    """The n-th of a varied set of dossiers: days, channels, finished or not, with or
    without a due date (then computed on the calendar), supplements, fees. The first 40 are
    of one unit, the others of another (whose buckets no update touches)."""
    day = dt.date(2024, 7, 28) + dt.timedelta(days=n % 9)  # across a level change on 1/8
    prefix = "H44.40" if n < 40 else "000.00.07.H44"
    record = hoso(
        f"{prefix}-{day:%y%m%d}-{n:04d}",
        NgayTiepNhan=f"{day:%Y%m%d}083000",
        NgayNopHoSo=f"{day:%Y%m%d}080000",
        NgayHenTra="" if n % 3 == 0 else f"{day + dt.timedelta(days=4):%Y%m%d}170000",
        KenhThucHien=str(1 + n % 3),
        TrangThaiHoSo=["4", "9", "10", "2"][n % 4],
        NgayKetThucXuLy="" if n % 4 in (0, 3) else f"{day + dt.timedelta(days=n % 7):%Y%m%d}100000",
        MaTTHC=PROCEDURE if n % 2 else OTHER_PROCEDURE,
        ThanhToan=None,
        DanhSachLePhi=[] if n % 5 == 0 else None,
    )
    if n % 6 == 1:
        record["DanhSachHoSoBoSung"] = [
            {"NgayBoSung": f"{day:%Y%m%d}140000", "NgayTiepNhanBoSung": f"{day:%Y%m%d}160000"}
        ]
    record.update(fields)
    return record


@pytest.fixture
def history(catalogue: dict[str, Any]) -> None:
    """Limits (so missing due dates are computed) and a service level that changes."""
    first = catalogue["procedures"][PROCEDURE]
    first.time_limit, first.requires_result = 2, True
    first.save()
    ServiceLevelVersion.objects.create(
        procedure=first, level=ServiceLevel.PARTIAL, valid_from=dt.date(2024, 1, 1)
    )
    ServiceLevelVersion.objects.create(
        procedure=first, level=ServiceLevel.FULL, valid_from=dt.date(2024, 8, 1)
    )
    other = catalogue["procedures"][OTHER_PROCEDURE]
    other.time_limit = 1
    other.save()


@pytest.mark.django_db
@pytest.mark.parametrize("workers", [1, 2])
def test_new_and_changed_dossiers_give_the_aggregates_of_a_rebuild(
    history: None, write_json: Any, workers: int
) -> None:
    first = [_varied(n) for n in range(40)]
    assert import_files([write_json(first, "first.json")], workers=workers).ok
    second = [_varied(n) for n in range(30, 700)]  # 10 unchanged, 660 new
    for n in range(0, 30, 3):  # changed: another day, status, channel
        second.append(_varied(n, NgayTiepNhan="20240810090000", TrangThaiHoSo="10"))
        second.append(_varied(n + 1, KenhThucHien="3"))
    second.append(_varied(100, TrangThaiHoSo="9", NgayKetThucXuLy="20240901100000"))  # again
    second.append(_varied(101, NgayTiepNhan="20240801090000"))  # again, the day moves
    report = import_files([write_json(second, "second.json")], workers=workers)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (660, 22, 10)
    live = full_totals()
    assert sum(n for _, n in live) == Dossier.objects.count() == 700
    assert {key[8] for key, _ in live} == {"none", "partial", "full"}  # service levels seen
    rebuild()
    assert live == full_totals()


@pytest.mark.django_db
def test_dossiers_of_a_procedure_created_by_the_import_are_counted(catalogue: Any) -> None:
    records = [hoso(), hoso("H44.40-240802-0002", MaTTHC="9.999999", TenTTHC="Thủ tục mới")]
    report = import_records(records, source="a.json", create_missing_procedures=True)
    assert report.ok and report.procedures_created == ["9.999999"]
    live = full_totals()
    assert sum(n for _, n in live) == 2
    rebuild()
    assert live == full_totals()


@pytest.mark.django_db
def test_a_tally_flushed_every_few_keys_sums_to_a_rebuild(history: None) -> None:
    import_records([_varied(n) for n in range(30)], source="a.json")
    rebuild()
    expected = full_totals()
    DailyFact.objects.all().delete()
    reader, tally = FactReader.load(), FactTally(limit=4)
    for row in Dossier.objects.values(*DOSSIER_COLUMNS):
        facts = reader(row)
        assert facts is not None
        tally.add(facts)
        assert len(tally.counts) < 4  # bounded: written out on reaching the limit
    assert tally.written >= 28  # seven flushes of four keys along the way
    tally.flush()
    assert full_totals() == expected
