"""Facts derived from a dossier's JSON collections, stored as columns for the indicators.

The collections use DVCQG's field names (TaiLieuNop, DanhSachLePhi, DanhSachGiayToKetQua,
DanhSachHoSoBoSung); flags inside them are normalised to "0"/"1" strings on the way in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Record = Mapping[str, Any]


def _on(item: Record, key: str) -> bool:
    return str(item.get(key) or "0") == "1"


def live_components(components: Sequence[Record]) -> list[Record]:
    """Components not marked deleted (IsDeleted)."""
    return [c for c in components if not _on(c, "IsDeleted")]


def derive_flags(
    components: Sequence[Record],
    fees: Sequence[Record],
    results: Sequence[Record],
    supplements: Sequence[Record],
) -> dict[str, Any]:
    """The derived columns of a dossier, as a dict of field name -> value.

    - ``has_digitized_component``: a live component is marked digitized (DuocSoHoa).
    - ``all_components_filed``: there is at least one live component and every live one has a
      file link (DuongDanTaiTepTin) — the component half of "digitized" (INDICATORS.md).
    - ``has_result_file``: a result document has a file link (DuongDanTepTinKetQua).
    - ``reused``: a live component was reused (DuocTaiSuDung), taken from the personal data
      store (DuocLayTuKhoDMQG) or replaced by an earlier result (MaKetQuaThayThe).
    - ``from_data_store``: a live component came from the personal data store.
    - ``supplement_count``: number of supplement requests.
    - ``fee_total``: sum of fee amounts (Gia), integer VND.
    """
    live = live_components(components)
    return {
        "has_digitized_component": any(_on(c, "DuocSoHoa") for c in live),
        "all_components_filed": bool(live) and all(c.get("DuongDanTaiTepTin") for c in live),
        "has_result_file": any(r.get("DuongDanTepTinKetQua") for r in results),
        "reused": any(
            _on(c, "DuocTaiSuDung") or _on(c, "DuocLayTuKhoDMQG") or c.get("MaKetQuaThayThe")
            for c in live
        ),
        "from_data_store": any(_on(c, "DuocLayTuKhoDMQG") for c in live),
        "supplement_count": len(supplements),
        "fee_total": sum(int(f.get("Gia") or 0) for f in fees),
    }
