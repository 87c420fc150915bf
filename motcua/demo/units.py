"""The demo province's units: UBND tỉnh Đắk Nông, its agencies, districts and communes.

DVCQG codes are illustrative (H67 for the province, H67.01… for agencies, H67.30… for
districts, H67.30.01… for communes); the statistics-office codes of the province (67) and
districts are the real ones. District-level units end on 30/06/2025 (two-level reform).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.units.models import DISTRICT_LEVEL_ENDS, Level, Unit, UnitParent

PROVINCE_CODE = "H67"
PROVINCE_NAME = "UBND tỉnh Đắk Nông"
VALID_FROM = dt.date(2004, 1, 1)  # Đắk Nông was created on 01/01/2004
CENTRE_CODE = "H67.20"
CENTRE_NAME = "Trung tâm Phục vụ hành chính công tỉnh Đắk Nông"

AGENCIES: tuple[tuple[str, str], ...] = (
    ("H67.01", "Sở Công Thương"),
    ("H67.02", "Sở Giáo dục và Đào tạo"),
    ("H67.03", "Sở Giao thông vận tải"),
    ("H67.04", "Sở Khoa học và Công nghệ"),
    ("H67.05", "Sở Kế hoạch và Đầu tư"),
    ("H67.06", "Sở Lao động - Thương binh và Xã hội"),
    ("H67.07", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("H67.08", "Sở Nội vụ"),
    ("H67.09", "Sở Tài chính"),
    ("H67.10", "Sở Tài nguyên và Môi trường"),
    ("H67.11", "Sở Tư pháp"),
    ("H67.12", "Sở Thông tin và Truyền thông"),
    ("H67.13", "Sở Văn hóa, Thể thao và Du lịch"),
    ("H67.14", "Sở Xây dựng"),
    ("H67.15", "Sở Y tế"),
)


@dataclass(frozen=True)
class District:
    code: str
    gso: str
    name: str
    communes: tuple[str, ...]


DISTRICTS: tuple[District, ...] = (
    District(
        "H67.30",
        "662",
        "UBND huyện Cư Jút",
        (
            "UBND thị trấn Ea T'Ling",
            "UBND xã Đắk Wil",
            "UBND xã Ea Pô",
            "UBND xã Nam Dong",
            "UBND xã Đắk D'rông",
            "UBND xã Tâm Thắng",
            "UBND xã Cư K'nia",
            "UBND xã Trúc Sơn",
        ),
    ),
    District(
        "H67.31",
        "661",
        "UBND huyện Đắk Glong",
        (
            "UBND xã Quảng Khê",
            "UBND xã Đắk Plao",
            "UBND xã Đắk Som",
            "UBND xã Đắk R'Măng",
            "UBND xã Quảng Hòa",
            "UBND xã Quảng Sơn",
            "UBND xã Đắk Ha",
        ),
    ),
    District(
        "H67.32",
        "666",
        "UBND huyện Đắk R'Lấp",
        (
            "UBND thị trấn Kiến Đức",
            "UBND xã Quảng Tín",
            "UBND xã Đắk Wer",
            "UBND xã Nhân Cơ",
            "UBND xã Kiến Thành",
            "UBND xã Nghĩa Thắng",
            "UBND xã Đạo Nghĩa",
            "UBND xã Đắk Sin",
            "UBND xã Hưng Bình",
            "UBND xã Đắk Ru",
        ),
    ),
    District(
        "H67.33",
        "663",
        "UBND huyện Đắk Mil",
        (
            "UBND thị trấn Đắk Mil",
            "UBND xã Đắk Lao",
            "UBND xã Đắk R'La",
            "UBND xã Đắk Gằn",
            "UBND xã Đức Mạnh",
            "UBND xã Đắk N'Drót",
            "UBND xã Long Sơn",
            "UBND xã Đắk Sắk",
            "UBND xã Thuận An",
            "UBND xã Đức Minh",
        ),
    ),
    District(
        "H67.34",
        "665",
        "UBND huyện Đắk Song",
        (
            "UBND thị trấn Đức An",
            "UBND xã Đắk Môl",
            "UBND xã Đắk Hòa",
            "UBND xã Nam Bình",
            "UBND xã Thuận Hà",
            "UBND xã Thuận Hạnh",
            "UBND xã Đắk N'Drung",
            "UBND xã Nâm N'Jang",
            "UBND xã Trường Xuân",
        ),
    ),
    District(
        "H67.35",
        "664",
        "UBND huyện Krông Nô",
        (
            "UBND thị trấn Đắk Mâm",
            "UBND xã Đắk Sôr",
            "UBND xã Nam Xuân",
            "UBND xã Buôn Choáh",
            "UBND xã Nam Đà",
            "UBND xã Tân Thành",
            "UBND xã Đắk Drô",
            "UBND xã Nâm Nung",
            "UBND xã Đức Xuyên",
            "UBND xã Quảng Phú",
        ),
    ),
    District(
        "H67.36",
        "667",
        "UBND huyện Tuy Đức",
        (
            "UBND xã Quảng Trực",
            "UBND xã Đắk Búk So",
            "UBND xã Quảng Tâm",
            "UBND xã Đắk R'Tíh",
            "UBND xã Đắk Ngo",
            "UBND xã Quảng Tân",
        ),
    ),
    District(
        "H67.37",
        "660",
        "UBND thành phố Gia Nghĩa",
        (
            "UBND phường Nghĩa Đức",
            "UBND phường Nghĩa Thành",
            "UBND phường Nghĩa Phú",
            "UBND phường Nghĩa Tân",
            "UBND phường Nghĩa Trung",
            "UBND phường Quảng Thành",
            "UBND xã Đắk R'Moan",
            "UBND xã Đắk Nia",
        ),
    ),
)


def commune_code(district: District, index: int) -> str:
    return f"{district.code}.{index + 1:02d}"


def create_units() -> dict[str, Unit]:
    """Create every demo unit with its parent link; returns units by DVCQG code."""
    units: dict[str, Unit] = {}

    def add(code: str, name: str, level: str, parent: str | None, **extra: object) -> None:
        unit = Unit(code=code, name=name, level=level, valid_from=VALID_FROM, **extra)
        unit.save()
        units[code] = unit
        if parent is not None:
            # A commune's link to its district ends with the district level.
            link_to = units[parent].valid_to or unit.valid_to
            UnitParent.objects.create(
                unit=unit, parent=units[parent], valid_from=VALID_FROM, valid_to=link_to
            )

    add(PROVINCE_CODE, PROVINCE_NAME, Level.PROVINCE, None, gso_code="67")
    for code, name in AGENCIES:
        add(code, name, Level.AGENCY, PROVINCE_CODE)
    add(CENTRE_CODE, CENTRE_NAME, Level.AGENCY, PROVINCE_CODE)
    for district in DISTRICTS:
        add(
            district.code,
            district.name,
            Level.DISTRICT,
            PROVINCE_CODE,
            gso_code=district.gso,
            valid_to=DISTRICT_LEVEL_ENDS,
        )
        for i, name in enumerate(district.communes):
            add(commune_code(district, i), name, Level.COMMUNE, district.code)
    return units
