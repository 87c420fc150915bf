"""Dossier import: shapes, messy values, units, procedures, upserts, all-or-nothing."""

from __future__ import annotations

import csv
import datetime as dt
import json
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.dossiers import pii
from motcua.dossiers.formats import CSV_COLUMNS
from motcua.dossiers.ingest import import_files, import_records
from motcua.dossiers.models import Dossier, DossierEvent, Payment
from motcua.procedures.models import Field, Procedure
from tests.dossiers.conftest import HUYEN, OTHER_PROCEDURE, SO_TU_PHAP, hoso

CODE = "000.00.07.H44-240801-0001"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")

pytestmark = pytest.mark.usefixtures("catalogue")


def snapshot() -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Everything an import can touch, to check that a failed import changed nothing."""
    dossiers = list(Dossier.objects.order_by("id").values_list("code", "version", "content_hash"))
    events = list(DossierEvent.objects.order_by("id").values_list("dossier_id", "seq", "kind"))
    payments = list(Payment.objects.order_by("id").values_list("reference", "amount", "state"))
    return dossiers, events, payments


# -- input shapes --------------------------------------------------------------------------


def test_it_imports_a_json_array_of_hoso(write_json):
    report = import_files([write_json([hoso(), hoso("H44.40-240801-0002")])])
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged, report.rejected) == (2, 0, 0, 0)
    dossier = Dossier.objects.get(code=CODE)
    assert dossier.unit.code == SO_TU_PHAP
    assert dossier.procedure.code == "1.001757"
    assert dossier.status == 4 and dossier.channel == 2
    assert dossier.received_at == dt.datetime(2024, 8, 1, 8, 30, tzinfo=LOCAL)
    assert dossier.version == 1
    assert list(dossier.events.values_list("seq", "kind", "source")) == [
        (1, "created", "hoso.json")
    ]


def test_it_imports_the_sync_wrapper_with_processing_steps(write_json):
    step = {"MaHoSo": CODE, "NguoiXuLy": "Cán bộ A", "ThoiDiemXuLy": "01/08/2024 09:00:00"}
    report = import_files([write_json([{"hoSo": hoso(), "tienTrinhDongBo": [step]}])])
    assert report.ok, report.errors
    steps = Dossier.objects.get(code=CODE).steps
    assert steps == [{"NguoiXuLy": "Cán bộ A", "ThoiDiemXuLy": "20240801090000"}]


def test_it_imports_json_lines_of_either_shape(write_json):
    records = [hoso(), {"hoSo": hoso("H44.40-240801-0002"), "tienTrinhDongBo": []}]
    report = import_files([write_json(records, "hoso.jsonl", lines=True)])
    assert report.ok, report.errors
    assert report.created == 2


def test_it_imports_the_flat_csv(tmp_path: Path):
    path = tmp_path / "hoso.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                *("MaHoSo", "MaTTHC", "KenhThucHien", "TrangThaiHoSo", "NgayTiepNhan"),
                *("TaiLieuNop", "MaDonViXuLy", "GhiChuRieng"),
            ]
        )
        component = json.dumps([{"TenTepDinhKem": "a.pdf", "DuocSoHoa": "true"}])
        writer.writerow(
            ["HS-1", "1.001757", "1", "2", "01/08/2024", component, "000.00.40.H44", "x"]
        )
    report = import_files([path])
    assert report.ok, report.errors
    dossier = Dossier.objects.get(code="HS-1")
    assert dossier.unit.code == HUYEN
    assert dossier.components == [{"TenTepDinhKem": "a.pdf", "DuocSoHoa": "1"}]
    assert dossier.has_digitized_component
    assert dossier.extra == {"GhiChuRieng": "x"}
    assert dossier.received_at == dt.datetime(2024, 8, 1, tzinfo=LOCAL)


def test_it_imports_xlsx(tmp_path: Path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["MaHoSo", "MaTTHC", "KenhThucHien", "TrangThaiHoSo", "NgayTiepNhan", "ChuHoSo"])
    sheet.append([CODE, "1.001757", 2, 4.0, dt.datetime(2024, 8, 1, 8, 30), "Lê Thị B"])
    path = tmp_path / "hoso.xlsx"
    workbook.save(path)
    report = import_files([path])
    assert report.ok, report.errors
    dossier = Dossier.objects.get(code=CODE)
    assert dossier.status == 4
    assert dossier.received_at == dt.datetime(2024, 8, 1, 8, 30, tzinfo=LOCAL)


# -- messy values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["20240801083000", "2024-08-01T08:30:00", "2024-08-01T01:30:00Z", "01/08/2024 08:30:00"],
)
def test_it_reads_every_date_spelling(spelling):
    report = import_records([hoso(NgayTiepNhan=spelling)], source="t")
    assert report.ok, report.errors
    received = Dossier.objects.get(code=CODE).received_at
    assert received == dt.datetime(2024, 8, 1, 8, 30, tzinfo=LOCAL)


def test_a_date_without_time_is_local_midnight():
    import_records([hoso(NgayHenTra="05/08/2024")], source="t")
    assert Dossier.objects.get(code=CODE).due_at == dt.datetime(2024, 8, 5, tzinfo=LOCAL)


def test_empty_strings_are_null():
    report = import_records([hoso(NgayKetThucXuLy="", ChuHoSo="", SoDienThoai="")], source="t")
    assert report.ok, report.errors
    dossier = Dossier.objects.get(code=CODE)
    assert dossier.finished_at is None
    assert dossier.applicant_name == ""
    assert dossier.phone_masked == ""


@pytest.mark.parametrize(
    "flag,expected",
    [
        ("1", True),
        (1, True),
        (True, True),
        ("true", True),
        ("0", False),
        (0, False),
        (False, False),
    ],
)
def test_flags_accept_several_spellings(flag, expected):
    import_records([hoso(TaiKhoanDuocXacThucVoiVNeID=flag)], source="t")
    assert Dossier.objects.get(code=CODE).vneid_verified is expected


def test_nfd_text_is_stored_nfc_and_hashes_like_nfc():
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn An")
    import_records([hoso(ChuHoSo=nfd)], source="t")
    assert Dossier.objects.get(code=CODE).applicant_name == "Nguyễn Văn An"
    again = import_records([hoso(ChuHoSo="Nguyễn Văn An")], source="t")
    assert again.unchanged == 1


def test_personal_data_is_encrypted_masked_and_hashed():
    import_records([hoso()], source="t")
    dossier = Dossier.objects.get(code=CODE)
    assert "044090001234" not in dossier.pii
    assert pii.reveal(dossier.pii)["SoGiayToChuHoSo"] == "044090001234"
    assert pii.reveal(dossier.pii)["DinhDanhCHS"][0]["SoDinhDanh"] == "044090001234"
    assert dossier.applicant_id_masked.endswith("234") and "0440" not in dossier.applicant_id_masked
    assert dossier.applicant_id_hash == pii.id_hash("044090001234")
    assert dossier.phone_masked == "*******678"


def test_derived_flags_and_extra_fields_are_stored():
    import_records(
        [hoso(DanhSachGiayToKetQua=[{"DuongDanTepTinKetQua": "https://x/kq.pdf"}])], source="t"
    )
    dossier = Dossier.objects.get(code=CODE)
    assert dossier.has_result_file and dossier.all_components_filed
    assert dossier.fee_total == 2000
    assert dossier.extra == {"MaBienNhanRieng": "BN-0001"}


# -- units and procedures ------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"MaHoSo": "000.00.40.H44-240801-0009"},  # TT 10/2016 prefix
        {"MaHoSo": "H44.40-240801-0009"},  # DVCQG code prefix
        {"MaHoSo": "XYZ-0009", "MaDonViXuLy": "h44.40"},  # explicit code
        {"MaHoSo": "XYZ-0009", "DonViXuLy": "ubnd huyen le thuy"},  # folded name
    ],
)
def test_the_unit_comes_from_prefix_code_or_name(fields):
    record = hoso(**{"DonViXuLy": None, **fields})
    report = import_records([record], source="t")
    assert report.ok, report.errors
    assert Dossier.objects.get(code=record["MaHoSo"]).unit.code == HUYEN


def test_a_unit_without_code_is_found_by_name():
    report = import_records([hoso("HS-9", DonViXuLy="Văn phòng đăng ký đất đai")], source="t")
    assert report.ok, report.errors
    assert Dossier.objects.get(code="HS-9").unit.name == "Văn phòng Đăng ký đất đai"


def test_an_unknown_unit_is_an_error_naming_the_record():
    report = import_records(
        [hoso(), hoso("H99.01-240801-0001", DonViXuLy="Nơi nào đó")], source="f.json"
    )
    assert not report.ok
    (error,) = report.errors
    assert error.where == "record 2" and error.code == "H99.01-240801-0001"
    assert "unknown unit" in error.reason
    assert Dossier.objects.count() == 0


def test_an_unknown_procedure_is_an_error_naming_the_record():
    report = import_records([hoso(MaTTHC="9.999999")], source="f.json")
    assert not report.ok
    (error,) = report.errors
    assert (error.field, error.value, error.code) == ("MaTTHC", "9.999999", CODE)
    assert "f.json: record 1 MaHoSo=" in str(error)


def test_missing_procedures_can_be_created():
    record = hoso(MaTTHC="9.999999", TenTTHC="Thủ tục mới", MaLinhVuc="LV9", TenLinhVuc="Tư pháp")
    report = import_records([record], source="t", create_missing_procedures=True)
    assert report.ok, report.errors
    assert report.procedures_created == ["9.999999"]
    procedure = Procedure.objects.get(code="9.999999")
    assert procedure.name == "Thủ tục mới"
    assert procedure.field == Field.objects.get(code="LV9")
    assert Dossier.objects.get(code=CODE).procedure == procedure


# -- upserts -------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(write_json):
    path = write_json([hoso(), hoso("H44.40-240801-0002")])
    import_files([path])
    before = snapshot()
    report = import_files([path])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert snapshot() == before


def test_a_newer_version_appends_an_updated_event():
    import_records([hoso()], source="v1.json")
    newer = hoso(TrangThaiHoSo="10", NgayTra="20240805160000")
    report = import_records([newer], source="v2.json", actor="sync")
    assert (report.created, report.updated) == (0, 1)
    dossier = Dossier.objects.get(code=CODE)
    assert dossier.version == 2 and dossier.status == 10
    event = dossier.events.get(seq=2)
    assert (event.kind, event.actor_label, event.source) == ("updated", "sync", "v2.json")
    assert event.changes["status"] == [4, 10]
    assert event.changes["returned_at"] == [None, "20240805160000"]
    assert set(event.changes) == {"status", "returned_at"}


def test_changed_personal_data_is_recorded_masked():
    import_records([hoso()], source="t")
    import_records([hoso(SoDienThoai="0987654321")], source="t")
    event = Dossier.objects.get(code=CODE).events.get(seq=2)
    assert event.changes == {"pii.SoDienThoai": ["*******678", "*******321"]}
    assert Dossier.objects.get(code=CODE).phone_masked == "*******321"


def test_a_repeated_code_in_one_file_is_a_later_version(write_json):
    path = write_json([hoso(), hoso(TrangThaiHoSo="9"), hoso(TrangThaiHoSo="9")])
    report = import_files([path])
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    dossier = Dossier.objects.get(code=CODE)
    assert (dossier.status, dossier.version) == (9, 2)


def test_payments_are_upserted_by_reference():
    import_records([hoso()], source="t")
    payment = Payment.objects.get()
    assert (payment.amount, payment.channel, payment.state, payment.platform_flag) == (
        2000,
        "online",
        "success",
        1,
    )
    refunded = hoso()
    refunded["ThanhToan"][0]["TrangThai"] = "refunded"
    report = import_records([refunded], source="t")
    assert report.updated == 1
    assert Payment.objects.get().state == "refunded"
    event = DossierEvent.objects.get(seq=2)
    assert list(event.changes) == [f"ThanhToan.PAY-{CODE}"]


def test_a_payment_reference_of_another_dossier_is_an_error():
    import_records([hoso()], source="t")
    other = hoso("H44.40-240801-0002")
    other["ThanhToan"][0]["MaGiaoDich"] = f"PAY-{CODE}"
    report = import_records([other], source="t")
    assert not report.ok
    assert "belongs to dossier" in report.errors[0].reason
    assert Dossier.objects.count() == 1


# -- all or nothing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields,field_name",
    [
        ({"NgayTiepNhan": "31/02/2024"}, "NgayTiepNhan"),
        ({"NgayTiepNhan": "hôm qua"}, "NgayTiepNhan"),
        ({"TrangThaiHoSo": "11"}, "TrangThaiHoSo"),
        ({"KenhThucHien": "4"}, "KenhThucHien"),
        ({"KenhThucHien": ""}, "KenhThucHien"),
        ({"MaHoSo": ""}, "MaHoSo"),
        ({"MaHoSo": None}, "MaHoSo"),
        ({"TaiKhoanDuocXacThucVoiVNeID": "maybe"}, "TaiKhoanDuocXacThucVoiVNeID"),
        ({"DanhSachLePhi": [{"Gia": "hai nghìn"}]}, "DanhSachLePhi[1].Gia"),
        (
            {
                "ThanhToan": [
                    {
                        "MaGiaoDich": "X",
                        "SoTien": 1,
                        "KenhThanhToan": "cash",
                        "TrangThai": "success",
                        "ThoiDiem": "20240801",
                    }
                ]
            },
            "ThanhToan[1].KenhThanhToan",
        ),
    ],
)
def test_a_bad_record_changes_nothing(write_json, fields, field_name):
    import_records([hoso("H44.40-240801-0005")], source="t")
    before = snapshot()
    records = [
        hoso(),
        hoso("H44.40-240801-0005", TrangThaiHoSo="9"),
        hoso("000.00.07.H44-240801-0003", **fields),
    ]
    report = import_files([write_json(records)])
    assert not report.ok
    assert snapshot() == before
    assert report.rejected == 1
    assert report.errors[0].where.startswith("record 3 (line ")
    assert report.errors[0].field == field_name
    assert (report.created, report.updated) == (0, 0)


def test_broken_json_mid_file_changes_nothing(tmp_path: Path):
    good = json.dumps(hoso(), ensure_ascii=False)
    path = tmp_path / "broken.json"
    path.write_text("[\n" + good + ",\n" + good.replace(CODE, "X-2")[:-40] + "\n]", "utf-8")
    report = import_files([path])
    assert not report.ok
    assert Dossier.objects.count() == 0
    assert report.errors[0].where == "record 2 (line 3)"
    assert "invalid JSON" in report.errors[0].reason


def test_a_broken_json_line_is_reported_with_its_line_number(write_json):
    path = write_json([hoso()], "a.jsonl", lines=True)
    path.write_text(path.read_text("utf-8") + "{not json\n", "utf-8")
    report = import_files([path])
    assert [e.where for e in report.errors] == ["line 2"]
    assert Dossier.objects.count() == 0


def test_all_files_are_one_transaction(write_json, tmp_path):
    good = write_json([hoso()], "good.json")
    bad = write_json([hoso("H44.40-1", TrangThaiHoSo="0")], "bad.json")
    report = import_files([good, bad])
    assert not report.ok and report.errors[0].source == "bad.json"
    assert Dossier.objects.count() == 0


def test_the_command_prints_counts(write_json, capsys):
    call_command("dossiers_import", str(write_json([hoso()])))
    assert "created 1, updated 0, unchanged 0, rejected 0" in capsys.readouterr().out


def test_the_command_fails_with_the_error_list(write_json):
    records = [hoso(f"H44.40-{n}", TrangThaiHoSo="99") for n in range(60)]
    with pytest.raises(CommandError) as failure:
        call_command("dossiers_import", str(write_json(records)))
    text = str(failure.value)
    assert "60 error(s) in 60 rejected record(s)" in text
    assert "record 1 (line 2) MaHoSo=H44.40-0: TrangThaiHoSo = '99'" in text
    assert "and 10 more error(s)" in text
    assert Dossier.objects.count() == 0


def test_the_command_reports_created_procedures(write_json, capsys):
    path = write_json([hoso(MaTTHC=OTHER_PROCEDURE), hoso("H44.40-2", MaTTHC="7.1", TenTTHC="M")])
    call_command("dossiers_import", str(path), "--create-missing-procedures")
    assert "procedure created (thủ tục mới): 7.1" in capsys.readouterr().out


def test_the_csv_header_lists_the_documented_columns():
    assert CSV_COLUMNS[0] == "MaHoSo" and "ThanhToan" in CSV_COLUMNS


# -- worker processes ----------------------------------------------------------------------


@pytest.mark.parametrize("lines", [False, True])
def test_worker_processes_give_the_same_result(write_json, lines):
    records = [hoso(f"H44.40-240801-{n:04d}") for n in range(1, 600)]
    records.append(hoso("H44.40-240801-0001", TrangThaiHoSo="9"))
    report = import_files([write_json(records, "many.json", lines=lines)], workers=2)
    assert report.ok, report.errors
    assert (report.created, report.updated) == (599, 1)
    assert Dossier.objects.get(code="H44.40-240801-0001").version == 2
    assert Payment.objects.count() == 599


def test_worker_processes_report_errors_in_order(write_json):
    records = [hoso(f"H44.40-240801-{n:04d}") for n in range(1, 600)]
    records[300]["KenhThucHien"] = "9"
    records[500] = "not an object"
    path = write_json(records, "many.jsonl", lines=True)
    path.write_text(path.read_text("utf-8") + "{broken\n", "utf-8")
    report = import_files([path], workers=2)
    assert [e.where for e in report.errors] == ["line 301", "line 501", "line 600"]
    assert report.errors[0].field == "KenhThucHien"
    assert Dossier.objects.count() == 0
