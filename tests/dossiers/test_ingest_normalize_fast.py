"""The normaliser's and the worker's inline fast paths give exactly what the general paths give.

- ``Normalizer(fast=True)`` (common spellings handled inline) and ``fast=False`` (every
  field through its handler) give the same canonical record, hash, text, dates and
  columns, or the same rejection (code and problems, in order), on random valid and
  damaged records, whichever path saw a value first (the memo caches fill either way);
- the table-driven ``columns_of`` equals the field-by-field definition kept here;
- a prepared row whose JSON columns went through ``formats.plain_json`` equals one through
  ``formats.to_json`` (SQLite and PostgreSQL row forms);
- ``core.text.fold`` equals its definition, ``pii.id_hash`` the ``hmac.new`` spelling.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import unicodedata
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core import text
from motcua.dossiers import formats as f
from motcua.dossiers import pii
from motcua.dossiers.flags import derive_flags
from motcua.dossiers.ingest import normalize as n
from motcua.dossiers.ingest.prepare import DOSSIER_COLUMNS, Preparer
from tests.dossiers.conftest import hoso

pytestmark = pytest.mark.usefixtures("catalogue")
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

LETTERS = "aăâbdđeêoôơuưyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệòỏõóọồổỗốộờởỡớợùủũúụừửữứự"
words = st.text(alphabet=LETTERS + LETTERS.upper() + "0123456789 ,.-\t", max_size=12)


@st.composite
def texts(draw: Any) -> str:
    value = draw(words | st.text(max_size=10))
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), value)


stamps = st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2030, 12, 31)).map(
    lambda d: d.strftime("%Y%m%d%H%M%S")
)
odd_stamps = st.from_regex(r"\A[0-9]{14}\Z") | st.sampled_from(
    ["20241301000000", "20240230120000", "20240101246000", "２０２４０１０１０８００００", "²" * 14]
)
dates = (
    stamps
    | odd_stamps
    | st.sampled_from(["", " ", "20240801", "2024-08-01T08:00:00", "01/08/2024 08:00", "hôm nay"])
    | st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1)).map(dt.datetime.isoformat)
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 12)
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", " ", "0", "1", "2", "4", "10", "11", "true", "FALSE", "x", "4.0"])
    | texts()
    | dates
)
long_texts = st.text(alphabet="ab ", min_size=250, max_size=600)
item_values = (
    scalars | st.lists(scalars, max_size=2) | st.dictionaries(texts(), scalars, max_size=2)
)
items = st.dictionaries(
    st.sampled_from(
        [
            "TenTepDinhKem",
            "DuocSoHoa",
            "IsDeleted",
            "DuocLayTuKhoDMQG",
            "DuongDanTaiTepTin",
            "Gia",
            "NgayBoSung",
            "ThoiDiemXuLy",
            "NoiDungXuLy",
            "MaHoSo",
            "LoaiDinhDanh",
            "SoDinhDanh",
        ]
    )
    | texts(),
    item_values,
    max_size=5,
)
collections = (
    st.lists(items | scalars, max_size=3)
    | items
    | st.sampled_from(["", "[]", '[{"Gia": 1000}]', "{bad", "x"])
)
payments = st.lists(
    st.fixed_dictionaries(
        {
            "MaGiaoDich": texts() | st.integers(),
            "SoTien": st.integers(-5, 10**6) | st.sampled_from(["1000", "x", 1.5]),
            "KenhThanhToan": st.sampled_from(["online", "COUNTER", "bank", ""]),
            "TrangThai": st.sampled_from(["success", "pending", "nope"]),
            "ThoiDiem": dates,
        },
        optional={"CongThanhToan": texts(), "NenTangThanhToan": scalars},
    ),
    max_size=2,
)
FIELDS: dict[str, Any] = {
    **{key: scalars | texts() | long_texts for key, (_, kind) in f.SCALARS.items()},
    **{key: dates for key, (_, kind) in f.SCALARS.items() if kind == "date"},
    **dict.fromkeys((*f.COLLECTIONS, f.PII_LIST), collections),
    **dict.fromkeys(f.PII_TEXT, scalars | texts()),
    **dict.fromkeys(f.EXTRA_FLAGS, scalars),
    f.PAYMENTS: payments | collections,
    "MaHoSo": st.sampled_from(["000.00.07.H44-240801-0001", "H44.40-1", "", "x" * 300]) | texts(),
    "MaTTHC": st.sampled_from(["1.001757", "2.000488", "9.9", ""]),
    f.UNIT_CODE: st.sampled_from(["H44.07", "H44.40", "H99.99", "bad code", ""]),
    "GhiChuNoiBo": item_values,
    f.CSV_EXTRA: st.sampled_from(["", '{"A": "1"}', "[1]", "{bad"]) | items,
}


@st.composite
def records(draw: Any) -> dict[str, Any]:
    base = hoso()
    for key in draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=6, unique=True)):
        if draw(st.integers(0, 4)) == 0:
            base.pop(key, None)
        else:
            base[key] = draw(FIELDS[key])
    if draw(st.booleans()):
        steps = draw(st.lists(items, max_size=2))
        return {"hoSo": base, "tienTrinhDongBo": steps}
    return base


def outcome(normalizer: n.Normalizer, raw: dict[str, Any]) -> Any:
    try:
        item = normalizer.normalize(raw)
    except n.Rejected as rejected:
        return ("rejected", rejected.code, rejected.problems)
    return item


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types, dict keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def assert_same_outcome(fast: Any, general: Any) -> None:
    if isinstance(general, tuple):
        assert fast == general
        return
    assert isinstance(fast, n.Normalized)
    assert same(fast.canonical, general.canonical)
    assert (fast.code, fast.hash, fast.text, fast.unit_id, fast.procedure_id) == (
        general.code,
        general.hash,
        general.text,
        general.unit_id,
        general.procedure_id,
    )
    assert fast.moments == general.moments
    assert fast.hash == f.content_hash(fast.canonical)
    now = timezone.now()
    cols, personal = n.columns_of(fast, now=now)
    assert same((sorted_dict(cols), personal), reference_columns(general, now=now))


def reference_columns(item: n.Normalized, *, now: dt.datetime) -> tuple[dict, dict]:
    """columns_of as defined: field by field, in the order of formats.SCALARS."""
    rec = item.canonical
    cols: dict[str, Any] = {
        "code": item.code,
        "unit_id": item.unit_id,
        "procedure_id": item.procedure_id,
    }
    for key, (column, kind) in f.SCALARS.items():
        value = rec.get(key)
        if kind == "date":
            cols[column] = item.moments.get(key) or f.parse_datetime(value)
        elif kind == "text":
            cols[column] = value or ""
        elif kind == "flag":
            cols[column] = value == "1"
        else:
            cols[column] = int(value) if value is not None else None
    cols["extra"] = {k: v for k, v in rec.items() if k not in n._HANDLERS or k in f.EXTRA_FLAGS}
    for key, (column, *_rest) in f.COLLECTIONS.items():
        cols[column] = rec.get(key, [])
    cols.update(
        derive_flags(cols["components"], cols["fees"], cols["results"], cols["supplements"])
    )
    personal = {k: rec[k] for k in (*f.PII_TEXT, f.PII_LIST) if k in rec}
    cols["applicant_key"] = text.fold(cols["applicant_name"])
    cols["updated_at"] = now
    return sorted_dict(cols), personal


def sorted_dict(values: dict[str, Any]) -> dict[str, Any]:
    return dict(sorted(values.items()))


@PROPERTY
@given(raw=records(), general_first=st.booleans())
def test_fast_normalizer_equals_the_general_one(raw: dict[str, Any], general_first: bool) -> None:
    lookups = n.Lookups.load()
    fast, general = n.Normalizer(lookups, None), n.Normalizer(lookups, None, fast=False)
    if general_first:  # the memo caches are filled by the general path, then read inline
        expected = outcome(general, raw)
        got = outcome(fast, raw)
    else:
        got = outcome(fast, raw)
        expected = outcome(general, raw)
    assert_same_outcome(got, expected)
    assert_same_outcome(outcome(fast, raw), expected)  # now with every cache warm


def test_columns_of_keys_are_the_reference_keys() -> None:
    item = n.Normalizer(n.Lookups.load(), None).normalize(hoso())
    now = timezone.now()
    cols, personal = n.columns_of(item, now=now)
    assert sorted_dict(cols) == reference_columns(item, now=now)[0]
    assert personal and cols["applicant_key"] == "nguyen van an"


@PROPERTY
@given(raw=records(), postgres=st.booleans())
def test_rows_through_plain_json_equal_rows_through_to_json(
    raw: dict[str, Any], postgres: bool
) -> None:
    try:
        item = n.Normalizer(n.Lookups.load(), None).normalize(raw)
    except n.Rejected:
        return
    now = timezone.now()
    preparer = Preparer(n.Normalizer(n.Lookups.load(), None), postgres=postgres, now=now)
    checked = n.Normalized(
        item.code,
        item.canonical,
        item.hash,
        item.unit_id,
        item.procedure_id,
        item.moments,
        item.text,
        plain=False,
    )
    got, expected = preparer.prepare("x", item), preparer.prepare("x", checked)
    assert item.plain == (f._fast_json(item.canonical, sort_keys=True) is not None)
    row, expected_row = got.row, expected.row
    if postgres:
        assert isinstance(row, str) and isinstance(expected_row, str)
        row, expected_row = row.split("\t"), expected_row.split("\t")
        pii_at = DOSSIER_COLUMNS.index("pii") - 1  # the COPY text has no id
    else:
        pii_at = DOSSIER_COLUMNS.index("pii")
    assert pii.reveal(row[pii_at]) == pii.reveal(expected_row[pii_at])  # Fernet is salted
    row[pii_at] = expected_row[pii_at] = ""
    assert row == expected_row
    assert (got.payments, got.occurred, got.facts) == (
        expected.payments,
        expected.occurred,
        expected.facts,
    )


def test_plain_json_declines_nothing_to_json_writes() -> None:
    for value in ([], {}, [{"a": "ư", "b": 1, "c": [True, None]}], {"x": {"y": "\u2028\t"}}):
        assert f.plain_json(value) == f.to_json(value)


def _fold_definition(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return text._SPACES.sub(" ", stripped.lower()).strip()


@given(st.text() | texts())
def test_fold_equals_its_definition(value: str) -> None:
    assert text.fold(value) == _fold_definition(value)


def test_fold_examples() -> None:
    assert text.fold("  Đắk   Nông ") == "dak nong"
    assert text.fold(unicodedata.normalize("NFD", "Nguyễn Thị Ánh")) == "nguyen thi anh"
    assert text.fold("İstanbul") == _fold_definition("İstanbul")


@given(st.text(max_size=20))
def test_id_hash_is_the_keyed_sha256(number: str) -> None:
    cleaned = "".join(number.split()).upper()
    key = hashlib.sha256(("motcua-pii-hash:" + django_settings.PII_KEY).encode()).digest()
    expected = hmac.new(key, cleaned.encode(), hashlib.sha256).hexdigest() if cleaned else ""
    assert pii.id_hash(number) == expected


def test_digits_int_cannot_read_are_a_problem_not_a_crash() -> None:
    with pytest.raises(n.Rejected) as rejected:
        n.Normalizer(n.Lookups.load(), None).normalize(hoso(NgayHenTra="²" * 14))
    assert [p.field for p in rejected.value.problems] == ["NgayHenTra"]
