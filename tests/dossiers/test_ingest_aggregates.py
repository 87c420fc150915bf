"""Imports keep the indicator aggregates current, in the import's transaction."""

import pytest

from motcua.dossiers.ingest import import_records
from motcua.indicators.facts import rebuild
from tests.dossiers.conftest import hoso
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
