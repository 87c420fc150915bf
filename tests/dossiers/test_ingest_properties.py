"""Property tests: random dossiers round-trip; random damage is rejected and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers.export import export_dossiers
from motcua.dossiers.ingest import import_files, import_records
from motcua.dossiers.models import Dossier, DossierEvent, Payment
from tests.dossiers.conftest import HUYEN, OTHER_PROCEDURE, PROCEDURE, SO_TU_PHAP

pytestmark = pytest.mark.usefixtures("catalogue")
PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
RANGE = {"start": dt.date(2020, 1, 1), "end": dt.date(2026, 12, 31)}

words = st.text(alphabet=LETTERS + LETTERS.upper() + "0123456789 ,.-", min_size=1, max_size=30)


@st.composite
def vietnamese(draw: Any) -> str:
    text = draw(words.filter(lambda s: s.strip()))
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), text)


@st.composite
def moment(draw: Any) -> str:
    value = draw(st.datetimes(dt.datetime(2020, 1, 2), dt.datetime(2026, 12, 30)))
    value = value.replace(microsecond=0)
    spelling = draw(st.sampled_from(["%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M:%S"]))
    return value.strftime(spelling)


flags = st.sampled_from(["0", "1", 0, 1, True, False, "true", "false"])


@st.composite
def component(draw: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"TenTepDinhKem": draw(vietnamese())}
    for key in ("DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG", "IsDeleted"):
        if draw(st.booleans()):
            item[key] = draw(flags)
    if draw(st.booleans()):
        item["DuongDanTaiTepTin"] = "https://files.example.vn/" + draw(st.uuids()).hex
    return item


@st.composite
def dossier(draw: Any, number: int) -> dict[str, Any]:
    unit = draw(st.sampled_from([("000.00.07.H44", SO_TU_PHAP), ("H44.40", HUYEN)]))[0]
    record: dict[str, Any] = {
        "MaHoSo": f"{unit}-240801-{number:04d}",
        "MaTTHC": draw(st.sampled_from([PROCEDURE, OTHER_PROCEDURE])),
        "KenhThucHien": draw(st.sampled_from(["1", "2", "3", 1, 2, 3])),
        "TrangThaiHoSo": draw(st.integers(1, 10).map(lambda n: draw(st.sampled_from([n, str(n)])))),
        "NgayTiepNhan": draw(moment()),
    }
    optional = {
        "ChuHoSo": vietnamese(),
        "TrichYeuHoSo": vietnamese(),
        "SoGiayToChuHoSo": st.from_regex(r"\A0[0-9]{11}\Z"),
        "SoDienThoai": st.from_regex(r"\A0[0-9]{9}\Z"),
        "NgayHenTra": moment(),
        "NgayKetThucXuLy": moment(),
        "NgayTra": moment(),
        "LoaiDoiTuong": st.sampled_from(["1", "2", "3", "4", ""]),
        "TaiKhoanDuocXacThucVoiVNeID": flags,
        "DuocThanhToanTrucTuyen": st.sampled_from(["0", "1", "2"]),
        "HoSoCoThanhPhanSoHoa": flags,
        "TaiLieuNop": st.lists(component(), max_size=3),
        "DanhSachLePhi": st.lists(
            st.fixed_dictionaries({"Gia": st.integers(0, 10**7)}), max_size=2
        ),
        "DanhSachHoSoBoSung": st.lists(st.fixed_dictionaries({"NgayBoSung": moment()}), max_size=2),
        "GhiChuNoiBo": vietnamese(),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            record[key] = draw(strategy)
    if draw(st.booleans()):
        record["ThanhToan"] = [
            {
                "MaGiaoDich": f"P-{number}",
                "SoTien": draw(st.integers(0, 10**6)),
                "KenhThanhToan": draw(st.sampled_from(["online", "counter", "ONLINE"])),
                "TrangThai": draw(st.sampled_from(["pending", "success", "failed", "refunded"])),
                "ThoiDiem": draw(moment()),
            }
        ]
    return record


@st.composite
def dossiers(draw: Any) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 4))
    return [draw(dossier(n)) for n in range(1, count + 1)]


def wipe() -> None:
    Payment.objects.all().delete()
    DossierEvent.objects.all().delete()
    Dossier.objects.all().delete()


def export_json() -> str:
    out = io.StringIO()
    export_dossiers(out, **RANGE)
    return out.getvalue()


def state() -> list[tuple]:
    return list(Dossier.objects.order_by("code").values_list("code", "version", "content_hash"))


@PROPERTY
@given(records=dossiers())
def test_random_dossiers_round_trip_through_export(tmp_path_factory, records):
    wipe()
    report = import_records(records, source="random")
    assert report.ok, report.errors
    first = export_json()
    before = state()
    wipe()
    path = tmp_path_factory.mktemp("rt") / "export.json"
    path.write_text(first, "utf-8")
    assert import_files([path]).created == len(records)
    assert export_json() == first
    assert state() == [(code, 1, digest) for code, _, digest in before]


@PROPERTY
@given(records=dossiers())
def test_reimporting_is_a_no_op(records):
    wipe()
    import_records(records, source="random")
    before = state(), DossierEvent.objects.count()
    again = import_records(records, source="random")
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(records))
    assert (state(), DossierEvent.objects.count()) == before


DAMAGE = {
    "NgayTiepNhan": st.sampled_from(["2024-13-01", "32/01/2024", "hôm nay", "2024080112"]),
    "TrangThaiHoSo": st.sampled_from(["0", "11", "x", "4.5"]),
    "KenhThucHien": st.sampled_from(["", "0", "4", "online"]),
    "MaHoSo": st.sampled_from(["", None]),
    "MaTTHC": st.sampled_from(["0.000000", ""]),
    "TaiKhoanDuocXacThucVoiVNeID": st.sampled_from(["2", "maybe"]),
    "DanhSachLePhi": st.just([{"Gia": "free"}]),
}


@PROPERTY
@given(records=dossiers(), field=st.sampled_from(sorted(DAMAGE)), data=st.data())
def test_a_damaged_record_is_rejected_and_changes_nothing(tmp_path_factory, records, field, data):
    wipe()
    import_records(records[:1], source="setup")
    before = state(), DossierEvent.objects.count(), Payment.objects.count()
    victim = data.draw(st.integers(0, len(records) - 1))
    damaged = [dict(r) for r in records]
    damaged[victim][field] = data.draw(DAMAGE[field])
    path = tmp_path_factory.mktemp("bad") / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in damaged), "utf-8")
    report = import_files([path])
    assert not report.ok
    assert report.errors[0].where == f"line {victim + 1}"
    assert report.errors[0].field.startswith(field)
    assert report.errors[0].reason
    assert (state(), DossierEvent.objects.count(), Payment.objects.count()) == before


def test_paths_are_accepted_as_strings(tmp_path: Path):
    path = tmp_path / "empty.json"
    path.write_text("[]", "utf-8")
    assert import_files([str(path)]).ok
