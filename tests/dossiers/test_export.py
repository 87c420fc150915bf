"""Dossier export, and import(export(x)) reproducing x."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.audit.models import AuditEvent
from motcua.dossiers.export import export_dossiers
from motcua.dossiers.formats import CSV_COLUMNS
from motcua.dossiers.ingest import import_files, import_records
from motcua.dossiers.models import Dossier, DossierEvent, Payment
from tests.dossiers.conftest import SO_TU_PHAP, hoso

CODE = "000.00.07.H44-240801-0001"
AUGUST = {"start": dt.date(2024, 8, 1), "end": dt.date(2024, 8, 31)}

pytestmark = pytest.mark.usefixtures("catalogue")


def sample() -> list[dict]:
    step = {"MaHoSo": CODE, "NguoiXuLy": "Cán bộ A", "ThoiDiemXuLy": "20240801090000"}
    return [
        {"hoSo": hoso(), "tienTrinhDongBo": [step]},
        hoso(
            "H44.40-240802-0002",
            TrangThaiHoSo="10",
            NgayTiepNhan="2024-08-02T10:00:00",
            NgayTra="03/08/2024 15:00:00",
            SoGiayToChuHoSo="",
            DinhDanhCHS=[],
            ThanhToan=[],
        ),
    ]


def export_text(fmt: str = "dvcqg-json", **kwargs) -> str:
    out = io.StringIO()
    export_dossiers(out, fmt=fmt, **{**AUGUST, **kwargs})
    return out.getvalue()


def wipe() -> None:
    Payment.objects.all().delete()
    DossierEvent.objects.all().delete()
    Dossier.objects.all().delete()


def test_json_export_uses_dvcqg_names_and_spellings():
    import_records(sample(), source="t")
    exported = json.loads(export_text())
    assert len(exported) == 2
    first = exported[0]["hoSo"]
    assert first["MaHoSo"] == CODE
    assert first["NgayTiepNhan"] == "20240801083000"
    assert first["TaiKhoanDuocXacThucVoiVNeID"] == "1"
    assert first["KenhThucHien"] == "2"
    assert first["NgayTuChoi"] == ""
    assert first["TenTTHC"] == "Chứng thực bản sao từ bản chính"
    assert first["MaDonViXuLy"] == SO_TU_PHAP
    assert first["SoGiayToChuHoSo"] == "044090001234"
    assert first["MaBienNhanRieng"] == "BN-0001"
    assert first["ThanhToan"][0]["MaGiaoDich"] == f"PAY-{CODE}"
    assert exported[0]["tienTrinhDongBo"][0]["MaHoSo"] == CODE
    assert exported[1]["hoSo"]["NgayTra"] == "20240803150000"


def test_the_range_and_unit_filter_the_export():
    import_records(sample(), source="t")
    assert len(json.loads(export_text(start=dt.date(2024, 8, 2)))) == 1
    assert len(json.loads(export_text(end=dt.date(2024, 7, 31)))) == 0
    only = json.loads(export_text(unit_code="000.00.07.H44"))
    assert [r["hoSo"]["MaHoSo"] for r in only] == [CODE]


def test_every_export_is_audited():
    import_records(sample(), source="t")
    export_text()
    event = AuditEvent.objects.get(action="dossiers.export")
    assert event.data["count"] == 2


@pytest.mark.parametrize("fmt,name", [("dvcqg-json", "x.json"), ("csv", "x.csv")])
def test_import_of_an_export_changes_nothing(tmp_path: Path, fmt, name):
    import_records(sample(), source="t")
    path = tmp_path / name
    path.write_text(export_text(fmt), "utf-8")
    report = import_files([path])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("fmt,name", [("dvcqg-json", "x.json"), ("csv", "x.csv")])
def test_an_export_imported_into_an_empty_database_exports_the_same(tmp_path, fmt, name):
    import_records(sample(), source="t")
    first = export_text(fmt)
    hashes = dict(Dossier.objects.values_list("code", "content_hash"))
    wipe()
    path = tmp_path / name
    path.write_text(first, "utf-8")
    assert import_files([path]).created == 2
    assert export_text(fmt) == first
    assert dict(Dossier.objects.values_list("code", "content_hash")) == hashes


def test_the_csv_has_the_documented_header():
    import_records(sample(), source="t")
    rows = list(csv.reader(io.StringIO(export_text("csv"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    record = dict(zip(rows[0], rows[1], strict=True))
    assert json.loads(record["TaiLieuNop"])[0]["DuocSoHoa"] == "1"
    assert json.loads(record["_extra"]) == {"MaBienNhanRieng": "BN-0001"}


def test_the_export_command_writes_a_file(tmp_path: Path, capsys):
    import_records(sample(), source="t")
    out = tmp_path / "out.csv"
    call_command(
        "dossiers_export",
        "--from",
        "2024-08-01",
        "--to",
        "2024-08-31",
        "--format",
        "csv",
        "--out",
        str(out),
        "--unit",
        SO_TU_PHAP,
    )
    assert len(out.read_text("utf-8").splitlines()) == 2
    assert "1 dossier(s) written" in capsys.readouterr().err


def test_the_export_command_rejects_an_unknown_unit():
    with pytest.raises(CommandError, match=r"no unit has the code H44\.99"):
        call_command(
            "dossiers_export", "--from", "2024-08-01", "--to", "2024-08-31", "--unit", "H44.99"
        )
