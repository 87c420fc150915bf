"""The figures of seed plan 000's appendices (Đắk Nông, 01/01/2024–16/07/2024) as data.

These are public figures printed in the province's campaign plan. Where the printed table
contradicts itself, the "used" value is the reading consistent with the printed rate; every
such choice is listed in :data:`CORRECTIONS` and in docs/demo.md. The demo builds dossiers
that reproduce the used values exactly, per unit subtree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PERIOD_START = dt.date(2024, 1, 1)
PERIOD_END = dt.date(2024, 7, 16)


@dataclass(frozen=True)
class Row:
    """One unit's row: appendix 1 (procedures by level) and appendix 2 (dossiers)."""

    code: str  # the demo unit's DVCQG code
    name: str  # the name printed in the appendix
    paper: int  # procedures with dossiers, not offered online
    partial: int  # ... offered partially online
    full: int  # ... offered fully online
    received: int
    received_online: int
    resolved_online: int


@dataclass(frozen=True)
class PaymentRow:
    """Appendix 3: successful online payments through DVCQG (platform flag 1)."""

    code: str
    name: str
    count: int
    amount: int  # VND


@dataclass(frozen=True)
class Correction:
    row: str
    printed: str
    used: str
    why: str


ROWS: tuple[Row, ...] = (
    # A. Provincial agencies (appendix 1 figures, then appendix 2).
    Row("H67.01", "Sở Công Thương", 0, 0, 21, 18775, 18621, 18621),
    Row("H67.02", "Sở Giáo dục và Đào tạo", 0, 2, 7, 161, 146, 146),
    Row("H67.03", "Sở Giao thông vận tải", 18, 7, 1, 9188, 4789, 4631),
    Row("H67.04", "Sở Khoa học và Công nghệ", 0, 3, 2, 23, 4, 4),
    Row("H67.05", "Sở Kế hoạch và Đầu tư", 2, 1, 41, 1329, 1329, 1329),
    Row("H67.06", "Sở Lao động Thương binh và Xã hội", 6, 3, 5, 97, 32, 31),
    Row("H67.07", "Sở Nông nghiệp và Phát triển nông thôn", 17, 0, 39, 4464, 4151, 4151),
    Row("H67.08", "Sở Nội vụ", 0, 3, 11, 241, 40, 40),
    Row("H67.09", "Sở Tài chính", 1, 0, 1, 32, 19, 19),
    Row("H67.10", "Sở Tài nguyên và Môi trường", 22, 7, 5, 282, 14, 14),
    Row("H67.11", "Sở Tư pháp", 6, 0, 7, 2549, 552, 552),
    Row("H67.12", "Sở Thông tin và Truyền thông", 0, 0, 10, 77, 77, 77),
    Row("H67.13", "Sở Văn hóa Thể thao và Du lịch", 1, 1, 3, 198, 196, 185),
    Row("H67.14", "Sở Xây dựng", 2, 0, 11, 116, 93, 93),
    Row("H67.15", "Sở Y tế", 9, 4, 22, 433, 162, 142),
    # B. District-level units, each figure covering the district and its communes.
    Row("H67.30", "UBND huyện Cư Jút", 5, 11, 54, 11494, 1644, 252),
    Row("H67.31", "UBND huyện Đắk Glong", 14, 10, 53, 7054, 755, 423),
    Row("H67.32", "UBND huyện Đắk R'Lấp", 17, 0, 72, 13180, 1768, 1442),
    Row("H67.33", "UBND huyện Đắk Mil", 9, 6, 53, 14104, 1765, 990),
    Row("H67.34", "UBND huyện Đắk Song", 20, 21, 60, 12736, 2386, 1304),
    Row("H67.35", "UBND huyện Krông Nô", 7, 21, 60, 10566, 2602, 1074),
    Row("H67.36", "UBND huyện Tuy Đức", 13, 3, 63, 7809, 697, 673),
    Row("H67.37", "UBND thành phố Gia Nghĩa", 5, 9, 59, 9389, 1156, 729),
)

# Appendix 3, table 1: land tax (thu thuế đất) paid online, district level.
LAND_TAX: tuple[PaymentRow, ...] = (
    PaymentRow("H67.37", "UBND thành phố Gia Nghĩa", 69, 776_774_437),
    PaymentRow("H67.36", "UBND huyện Tuy Đức", 63, 449_885_820),
    PaymentRow("H67.34", "UBND huyện Đắk Song", 97, 396_788_554),
    PaymentRow("H67.31", "UBND huyện Đắk Glong", 64, 360_982_676),
    PaymentRow("H67.32", "UBND huyện Đắk R'Lấp", 52, 219_667_706),
    PaymentRow("H67.35", "UBND huyện Krông Nô", 39, 214_277_965),
    PaymentRow("H67.33", "UBND huyện Đắk Mil", 37, 101_813_381),
    PaymentRow("H67.30", "UBND huyện Cư Jút", 34, 94_316_638),
)

# Appendix 3, table 2: fees (phí, lệ phí) paid online, provincial agencies.
FEES: tuple[PaymentRow, ...] = (
    PaymentRow("H67.11", "Sở Tư pháp", 55, 11_000_000),
    PaymentRow("H67.03", "Sở Giao thông vận tải", 45, 5_175_000),
    PaymentRow("H67.07", "Sở Nông nghiệp và Phát triển nông thôn", 1, 700_000),
    PaymentRow("H67.10", "Sở Tài nguyên và Môi trường", 1, 300_000),
)

# The province row as printed in section II of the plan.
PRINTED_PROVINCE = {"received": 114_251, "received_online": 37_051, "resolved_online": 30_976}
PRINTED_LAND_TAX_TOTAL = (455, 2_614_507_177)
PRINTED_FEES_TOTAL = (102, 17_175_000)

CORRECTIONS: tuple[Correction, ...] = (
    Correction(
        "Sở Nội vụ, received online",
        "10 (rate 17%)",
        "40",
        "10/241 is 4%, not the printed 17%; 40/241 = 17% and 40 are resolved online, "
        "which cannot exceed the dossiers received online.",
    ),
    Correction(
        "Sở Giao thông vận tải, resolved-online rate",
        "97%",
        "4,631 resolved online (50%)",
        "4,631/9,188 = 50%; the printed 97% is 4,631/4,789 (share of the online dossiers). "
        "The counts agree with each other, so they are kept; the rate follows the "
        "indicator's definition (over all dossiers received).",
    ),
    Correction(
        "Province total (section II)",
        "114,251 / 37,051 / 30,976 (32% / 27%)",
        "124,297 / 42,998 / 36,922 (35% / 30%)",
        "The printed totals are not the sum of the unit rows; indicators aggregate by "
        "summing numerators and denominators, so the province is the sum of its rows.",
    ),
    Correction(
        "Sở Kế hoạch và Đầu tư, appendix 1 vs 2",
        "2 paper-only procedures with dossiers, but 1,329/1,329 dossiers received online",
        "both kept",
        "Each paper-only procedure needs a dossier, yet every dossier was received online: "
        "the demo files one online dossier for each (business registrations arrive through "
        "the national business registration portal).",
    ),
)


def province_totals() -> tuple[int, int, int]:
    """Received, received online, resolved online: the sum of the used rows."""
    return (
        sum(r.received for r in ROWS),
        sum(r.received_online for r in ROWS),
        sum(r.resolved_online for r in ROWS),
    )


def payment_rows() -> dict[str, PaymentRow]:
    """Appendix 3 by unit code (land tax for districts, fees for agencies)."""
    return {p.code: p for p in (*LAND_TAX, *FEES)}
