"""The DVCQG sync format: field names, value spellings and their canonical form.

Import and export share this module. A record is *canonical* when every value is spelled
the one way motcua writes it: dates ``yyyyMMddHHmmss`` in local time (Asia/Ho_Chi_Minh),
flags and codes as strings ("0"/"1", "2"), text NFC, and null values and empty
collections left out. The canonical record is what ``Dossier.content_hash`` is computed
over, so the same dossier spelled differently (NFD names, ISO dates, ``true`` flags) hashes
the same, and what export writes back. See docs/dossier-formats.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from motcua.core.text import nfc

try:
    import orjson
except ImportError:  # pragma: no cover - a pinned dependency; the json module suffices
    orjson = None  # type: ignore[assignment]

Record = dict[str, Any]

DVCQG_DATE = "%Y%m%d%H%M%S"
_UTC = dt.UTC

# Scalar HoSo fields stored in their own columns: DVCQG name -> (column, kind).
# Kinds: text, date, flag, and "code:<n,n,...>" for small integer codes.
SCALARS: dict[str, tuple[str, str]] = {
    "KenhThucHien": ("channel", "code:1,2,3"),
    "TrangThaiHoSo": ("status", "code:1,2,3,4,5,6,7,8,9,10"),
    "LoaiDoiTuong": ("applicant_type", "code:1,2,3,4"),
    "ChuHoSo": ("applicant_name", "text"),
    "MaDoiTuong": ("portal_account_id", "text"),
    "TrichYeuHoSo": ("summary", "text"),
    "NgayNopHoSo": ("submitted_at", "date"),
    "NgayTiepNhan": ("received_at", "date"),
    "NgayHenTra": ("due_at", "date"),
    "NgayKetThucXuLy": ("finished_at", "date"),
    "NgayTuChoi": ("refused_at", "date"),
    "NgayTra": ("returned_at", "date"),
    "HinhThuc": ("result_delivery", "text"),
    "NoiNopHoSo": ("submitted_place", "text"),
    "DonViXuLy": ("handling_unit_name", "text"),
    "TaiKhoanDuocXacThucVoiVNeID": ("vneid_verified", "flag"),
    "DuocThanhToanTrucTuyen": ("online_paid", "code:0,1,2"),
}
REQUIRED = ("MaHoSo", "MaTTHC", "KenhThucHien", "TrangThaiHoSo")
# Values a missing field takes (so "missing" and the default hash the same).
DEFAULTS = {"LoaiDoiTuong": "1", "TaiKhoanDuocXacThucVoiVNeID": "0", "DuocThanhToanTrucTuyen": "0"}

# Personal data: encrypted into Dossier.pii (motcua.dossiers.pii), never stored in clear.
PII_TEXT = ("SoGiayToChuHoSo", "Email", "SoDienThoai")
PII_LIST = "DinhDanhCHS"

# Collections: DVCQG name -> (column, flag keys, date keys, integer keys).
COLLECTIONS: dict[str, tuple[str, frozenset[str], frozenset[str], frozenset[str]]] = {
    "TaiLieuNop": (
        "components",
        frozenset({"DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG", "IsDeleted"}),
        frozenset(),
        frozenset(),
    ),
    "DanhSachLePhi": ("fees", frozenset(), frozenset(), frozenset({"Gia"})),
    "DanhSachHoSoBoSung": (
        "supplements",
        frozenset(),
        frozenset({"NgayBoSung", "NgayTiepNhanBoSung", "NgayHenTraTruoc", "NgayHenTraMoi"}),
        frozenset(),
    ),
    "DanhSachGiayToKetQua": ("results", frozenset(), frozenset(), frozenset()),
    "DSKetNoiCSDL": ("national_databases", frozenset(), frozenset(), frozenset()),
    "QuaTrinhXuLy": (
        "steps",
        frozenset(),
        frozenset({"ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh"}),
        frozenset(),
    ),
}
PII_LIST_SPEC = (frozenset[str](), frozenset[str](), frozenset[str]())

# Describe the procedure, not the dossier: used to create a missing procedure, written on
# export from the catalogue, left out of the canonical record.
PROCEDURE_FIELDS = ("TenTTHC", "MaLinhVuc", "TenLinhVuc")
UNIT_CODE = "MaDonViXuLy"  # motcua extension: the handling unit's code
PAYMENTS = "ThanhToan"  # motcua extension: payment transactions
STEPS = "QuaTrinhXuLy"
EXTRA_FLAGS = frozenset({"HoSoCoThanhPhanSoHoa"})

PAYMENT_CHANNELS = ("online", "counter")
PAYMENT_STATES = ("pending", "success", "failed", "refunded")

# Flat CSV/XLSX layout: scalar columns, then collections as JSON in a cell.
CSV_SCALARS = (
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    UNIT_CODE,
    "DonViXuLy",
    "KenhThucHien",
    "TrangThaiHoSo",
    "ChuHoSo",
    "SoGiayToChuHoSo",
    "LoaiDoiTuong",
    "MaDoiTuong",
    "Email",
    "SoDienThoai",
    "TrichYeuHoSo",
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTuChoi",
    "NgayTra",
    "HinhThuc",
    "NoiNopHoSo",
    "HoSoCoThanhPhanSoHoa",
    "TaiKhoanDuocXacThucVoiVNeID",
    "DuocThanhToanTrucTuyen",
)
CSV_LISTS = (*COLLECTIONS, PII_LIST, PAYMENTS)
CSV_EXTRA = "_extra"  # JSON object: the other source fields kept in Dossier.extra
CSV_COLUMNS = (*CSV_SCALARS, *CSV_LISTS, CSV_EXTRA)


class ValueProblem(ValueError):
    """A value that cannot be read; the message says why."""


@functools.cache
def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def _build(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> dt.datetime:
    try:
        return dt.datetime(y, mo, d, h, mi, s, tzinfo=local_zone())
    except ValueError as exc:
        raise ValueProblem(f"not a real date/time ({exc})") from None


def parse_datetime(value: Any) -> dt.datetime | None:
    """An aware datetime (seconds precision) from any accepted spelling; None for empty.

    Accepted: ``yyyyMMddHHmmss``, ``yyyyMMdd``, ISO 8601 (with or without offset),
    ``dd/MM/yyyy HH:mm[:ss]`` and ``dd/MM/yyyy``. Naive values are local time.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=local_zone())
        return aware.replace(microsecond=0)
    if isinstance(value, dt.date):
        return _build(value.year, value.month, value.day)
    text = str(value).strip()
    if not text:
        return None
    if text.isdecimal():  # not isdigit: int() refuses digits such as "²"
        if len(text) == 14:
            y, mo, d = int(text[:4]), int(text[4:6]), int(text[6:8])
            return _build(y, mo, d, int(text[8:10]), int(text[10:12]), int(text[12:14]))
        if len(text) == 8:
            return _build(int(text[:4]), int(text[4:6]), int(text[6:8]))
        raise ValueProblem("expected yyyyMMddHHmmss")
    match = _DMY.match(text)
    if match:
        d, mo, y, h, mi, s = (int(g) if g else 0 for g in match.groups())
        return _build(y, mo, d, h, mi, s)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueProblem("not a date (yyyyMMddHHmmss, ISO 8601 or dd/MM/yyyy HH:mm:ss)") from None
    return parse_datetime(parsed)


def format_datetime(value: dt.datetime | None) -> str:
    """``yyyyMMddHHmmss`` in local time; empty for None."""
    if value is None:
        return ""
    return value.astimezone(local_zone()).strftime(DVCQG_DATE)


def canonical_date(value: Any) -> str | None:
    """The canonical spelling of a date value (validated), or None when empty."""
    if isinstance(value, str) and len(value) == 14 and value.isdigit():
        parse_datetime(value)  # validates month/day ranges
        return value
    return format_datetime(parse_datetime(value)) or None


_TRUE = frozenset({"1", "true", "t", "yes", "y", "x", "có", "co"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "không", "khong"})


def parse_flag(value: Any) -> str | None:
    """ "0"/"1" from 0/1, "0"/"1", true/false (any case); None for empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float) and value in (0, 1):
        return "1" if value else "0"
    text = str(value).strip().lower()
    if not text:
        return None
    if text in _TRUE:
        return "1"
    if text in _FALSE:
        return "0"
    raise ValueProblem("expected a flag: 0/1 or true/false")


def parse_int(value: Any) -> int | None:
    """An integer from an int, an integral float or digits; None for empty."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise ValueProblem("expected an integer")
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueProblem("expected an integer")
    text = str(value).strip().replace(" ", "")
    if not text:
        return None
    try:
        number = float(text) if "." in text else int(text)
    except ValueError:
        raise ValueProblem("expected an integer") from None
    return parse_int(number)


def parse_code(value: Any, allowed: tuple[int, ...]) -> str | None:
    number = parse_int(value)
    if number is None:
        return None
    if number not in allowed:
        raise ValueProblem(f"unknown code (expected one of {', '.join(map(str, allowed))})")
    return str(number)


def parse_text(value: Any) -> str | None:
    """NFC text with white space collapsed; None for empty. Integral floats lose '.0'."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return canonical_date(value)
    text = clean_text(value if isinstance(value, str) else str(value))
    return text or None


_CLEAN: dict[str, str] = {}
CLEAN_MEMO = _CLEAN  # read by the importer's inline fast path: value -> clean_text(value)
_CLEAN_MAX = 100_000


def clean_text(value: str) -> str:
    """``motcua.core.text.nfc``, memoised for short values (names, codes and flags repeat)."""
    found = _CLEAN.get(value)
    if found is not None:
        return found
    if (
        value.isprintable()
        and "  " not in value
        and unicodedata.is_normalized("NFC", value)
        and value.strip() == value
    ):
        cleaned = value
    else:
        cleaned = nfc(value)
    if len(value) <= 80:
        if len(_CLEAN) >= _CLEAN_MAX:
            _CLEAN.clear()
        _CLEAN[value] = cleaned
    return cleaned


@functools.cache
def code_choices(kind: str) -> tuple[int, ...]:
    return tuple(int(x) for x in kind.split(":", 1)[1].split(","))


def scalar_parser(kind: str) -> Callable[[Any], str | None]:
    """The canonicaliser for one scalar kind."""
    if kind == "text":
        return parse_text
    if kind == "date":
        return canonical_date
    if kind == "flag":
        return parse_flag
    choices = code_choices(kind)
    return lambda value: parse_code(value, choices)


def clean_value(value: Any) -> Any:
    """Canonical form of an uninterpreted value: text NFC, empties dropped, recursively."""
    if isinstance(value, str):
        return clean_text(value) or None
    if isinstance(value, dict):
        cleaned = {str(k): clean_value(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v is not None} or None
    if isinstance(value, list):
        items = [clean_value(v) for v in value]
        return [v for v in items if v is not None] or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _encoder(*, sort_keys: bool) -> Callable[[Any], str]:
    """Compact JSON (``ensure_ascii=False``), exactly as ``json.JSONEncoder.encode`` writes it.

    Where the interpreter has the C encoder, it is built once here instead of on every call
    (``JSONEncoder.encode`` builds one per call, a third of the cost for small values). No
    check for circular references: the values are decoded JSON, which cannot have any.
    """
    python = json.JSONEncoder(sort_keys=sort_keys, ensure_ascii=False, separators=(",", ":"))
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has it
        return python.encode
    c_encode = make(
        None, python.default, json.encoder.encode_basestring, None, ":", ",", sort_keys, False, True
    )

    def encode(value: Any) -> str:
        return "".join(c_encode(value, 0))

    return encode


_sorted_json = _encoder(sort_keys=True)
_compact_json = _encoder(sort_keys=False)
_SCALAR_TYPES = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> bool:
    """Whether ``value`` holds only dicts, lists, str, int, bool and None (those exact types):
    for them orjson writes exactly what the json module writes (same escapes, same key order
    with sorting), while floats are spelled differently (``1e-07`` / ``1e-7``)."""
    kind = type(value)
    if kind is dict:
        value = value.values()
    elif kind is not list:
        return kind in _SCALAR_TYPES
    for item in value:
        kind = type(item)
        if kind is str or kind is int or kind is bool:
            continue
        if not _plain(item):
            return False
    return True


def _fast_json(value: Any, *, sort_keys: bool) -> bytes | None:
    """orjson's encoding of ``value`` when it is certainly the json module's, else None."""
    if orjson is None or not _plain(value):
        return None
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else None)
    except orjson.JSONEncodeError:  # integers beyond 64 bits, keys that are not text...
        return None


def canonical_bytes(record: Mapping[str, Any]) -> bytes:
    """:func:`canonical_text` encoded in UTF-8 (by orjson where that gives the same text)."""
    fast = _fast_json(record, sort_keys=True)
    return fast if fast is not None else _sorted_json(record).encode()


def canonical_bytes_plain(record: Mapping[str, Any]) -> tuple[bytes, bool]:
    """:func:`canonical_bytes`, and whether orjson wrote it: then every part of ``record``
    may be written by :func:`plain_json` without checking it again."""
    fast = _fast_json(record, sort_keys=True)
    return (fast, True) if fast is not None else (_sorted_json(record).encode(), False)


def plain_json(value: Any) -> str:
    """:func:`to_json` of a value known to be plain (part of a record for which
    :func:`canonical_bytes_plain` said so): orjson, without the check."""
    if not value:
        return to_json(value)
    return orjson.dumps(value).decode()


def canonical_text(record: Mapping[str, Any]) -> str:
    """The canonical record as sorted, compact JSON: what the content hash is taken over."""
    return canonical_bytes(record).decode()


def content_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical record's sorted, compact JSON."""
    return hashlib.sha256(canonical_bytes(record)).hexdigest()


def text_hash(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def to_json(value: Any) -> str:
    """Compact JSON text, as stored in JSON columns."""
    if not value:
        return "[]" if isinstance(value, list) else "{}" if isinstance(value, dict) else "null"
    fast = _fast_json(value, sort_keys=False)
    return fast.decode() if fast is not None else _compact_json(value)


def to_utc_text(value: dt.datetime) -> str:
    """How Django stores an aware datetime on SQLite (naive UTC, space separator)."""
    return value.astimezone(_UTC).replace(tzinfo=None).isoformat(" ")


def payment_item(
    reference: str,
    amount: int,
    channel: str,
    gateway: str,
    platform_flag: int,
    state: str,
    at: dt.datetime,
) -> Record:
    """A Payment row as a canonical ``ThanhToan`` item."""
    item: Record = {
        "MaGiaoDich": reference,
        "SoTien": amount,
        "KenhThanhToan": channel,
        "TrangThai": state,
        "ThoiDiem": format_datetime(at),
        "NenTangThanhToan": str(platform_flag),
    }
    if gateway:
        item["CongThanhToan"] = gateway
    return item


def payment_fields(item: Mapping[str, Any]) -> Record:
    """Payment model field values from a canonical ``ThanhToan`` item."""
    return {
        "reference": item["MaGiaoDich"],
        "amount": item["SoTien"],
        "channel": item["KenhThanhToan"],
        "gateway": item.get("CongThanhToan", ""),
        "platform_flag": int(item.get("NenTangThanhToan", "0")),
        "state": item["TrangThai"],
        "at": parse_datetime(item["ThoiDiem"]),
    }
