"""Fixtures for the import/export tests: a few units and procedures, and sample records."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from motcua.procedures.models import Procedure
from motcua.units.models import Level, Unit

SO_TU_PHAP = "H44.07"
HUYEN = "H44.40"
PROCEDURE = "1.001757"
OTHER_PROCEDURE = "2.000488"


@pytest.fixture
def catalogue(db: Any) -> dict[str, Any]:
    """Two units with DVCQG codes, one named only, and two procedures."""
    units = {
        SO_TU_PHAP: Unit(code=SO_TU_PHAP, name="Sở Tư pháp", level=Level.AGENCY),
        HUYEN: Unit(code=HUYEN, name="UBND huyện Lệ Thủy", level=Level.DISTRICT),
        "named": Unit(code=None, name="Văn phòng Đăng ký đất đai", level=Level.AGENCY),
    }
    for unit in units.values():
        unit.save()
    procedures = {
        PROCEDURE: Procedure(code=PROCEDURE, name="Chứng thực bản sao từ bản chính"),
        OTHER_PROCEDURE: Procedure(code=OTHER_PROCEDURE, name="Đăng ký khai sinh"),
    }
    for procedure in procedures.values():
        procedure.save()
    return {"units": units, "procedures": procedures}


def hoso(code: str = "000.00.07.H44-240801-0001", **fields: Any) -> dict[str, Any]:
    """A valid DVCQG HoSo; keyword arguments override or add fields (None removes)."""
    record: dict[str, Any] = {
        "MaHoSo": code,
        "MaTTHC": PROCEDURE,
        "TenTTHC": "Chứng thực bản sao từ bản chính",
        "KenhThucHien": "2",
        "TrangThaiHoSo": "4",
        "ChuHoSo": "Nguyễn Văn An",
        "SoGiayToChuHoSo": "044090001234",
        "LoaiDoiTuong": "1",
        "SoDienThoai": "0912345678",
        "Email": "an@example.vn",
        "TrichYeuHoSo": "Chứng thực bản sao giấy khai sinh",
        "NgayNopHoSo": "20240801080000",
        "NgayTiepNhan": "20240801083000",
        "NgayHenTra": "20240805170000",
        "DonViXuLy": "Sở Tư pháp",
        "TaiKhoanDuocXacThucVoiVNeID": "1",
        "DuocThanhToanTrucTuyen": "1",
        "TaiLieuNop": [
            {
                "TenTepDinhKem": "giay-khai-sinh.pdf",
                "MaThanhPhanHoSo": "TP01",
                "DuongDanTaiTepTin": "https://files.example.vn/1.pdf",
                "DuocSoHoa": "1",
                "DuocTaiSuDung": "0",
                "DuocLayTuKhoDMQG": "0",
                "IsDeleted": "0",
            }
        ],
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí chứng thực", "MaPhiLePhi": "LP01", "Gia": 2000}],
        "DinhDanhCHS": [{"LoaiDinhDanh": "CCCD", "SoDinhDanh": "044090001234"}],
        "ThanhToan": [
            {
                "MaGiaoDich": f"PAY-{code}",
                "SoTien": 2000,
                "KenhThanhToan": "online",
                "CongThanhToan": "VNPay",
                "TrangThai": "success",
                "ThoiDiem": "20240801081500",
                "NenTangThanhToan": "1",
            }
        ],
        "MaBienNhanRieng": "BN-0001",
    }
    for key, value in fields.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return record


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., Path]:
    """Write records as a JSON array (or JSON Lines with ``lines=True``) and return the path."""

    def write(records: list[Any], name: str = "hoso.json", lines: bool = False) -> Path:
        path = tmp_path / name
        if lines:
            text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
        else:
            text = json.dumps(records, ensure_ascii=False, indent=1)
        path.write_text(text, encoding="utf-8")
        return path

    return write
