"""The import's fast paths give exactly what the ordinary paths give.

- JSON decoded by orjson (:func:`readers.fast_loads`, :func:`readers.loads`) equals
  ``json.loads`` whenever it is used;
- a JSON array cut into blocks of lines (:func:`readers.array_blocks`, decoded by
  :func:`readers.split_block`, resumed by :func:`readers.resume_array`) yields the same
  records, ``where`` and problems as :func:`readers.read_file`, whatever the layout;
- canonical JSON through orjson (``formats.canonical_bytes``) is the json module's text;
- rows as ``COPY`` text (``core.bulk.copy_text``) are what psycopg's ``write_row`` sends;
- an import in worker processes (blocks) equals one in this process (ordinary reading).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core.bulk import copy_field, copy_text
from motcua.dossiers import formats
from motcua.dossiers.ingest import import_files, readers
from motcua.dossiers.ingest.readers import (
    Item,
    Resume,
    array_blocks,
    array_start,
    read_file,
    resume_array,
    split_block,
)
from motcua.dossiers.models import Dossier, Payment
from tests.dossiers.conftest import hoso

PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)
_OBJECTS = st.dictionaries(st.text(max_size=6), _VALUES, max_size=5)


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types, dict keys in the same order, NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


# -- decoding ----------------------------------------------------------------------------


@given(_VALUES, st.booleans())
def test_fast_loads_is_json_loads_or_declines(value: Any, duplicate: bool) -> None:
    text = json.dumps(value, ensure_ascii=False)
    if duplicate and isinstance(value, dict) and value:
        key = json.dumps(next(iter(value)), ensure_ascii=False)
        text = text[:-1] + f", {key}: 1}}"  # a repeated key: the last value wins
    try:
        data = text.encode()
    except UnicodeEncodeError:  # lone surrogates cannot be UTF-8: only loads() sees them
        assert _same(readers.loads(text), json.loads(text))
        return
    fast = readers.fast_loads(data)
    assert fast is None or _same(fast, json.loads(text))
    assert _same(readers.loads(text), json.loads(text))


@pytest.mark.parametrize(
    ("text", "fast"),
    [
        ('{"a": 1, "b": [true, null, "x"]}', True),
        ('{"n": 12345678901234567890123}', False),  # orjson would give a float
        ('{"n": NaN}', False),
        ('{"n": 1E400}', False),
        ('{"s": "\\ud800"}', False),
    ],
)
def test_fast_loads_declines_what_it_would_read_differently(text: str, fast: bool) -> None:
    assert (readers.fast_loads(text.encode()) is not None) is fast
    assert _same(readers.loads(text), json.loads(text))


@pytest.mark.parametrize("text", ["{broken", '{"a": 1,}', "[1, 2"])
def test_loads_raises_the_json_module_error(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        readers.loads(text)
    assert (got.value.msg, got.value.pos) == (expected.value.msg, expected.value.pos)


# -- encoding ----------------------------------------------------------------------------


@given(_OBJECTS)
def test_canonical_bytes_are_the_json_module_text(record: dict[str, Any]) -> None:
    expected = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    try:
        encoded = expected.encode()
    except UnicodeEncodeError:  # lone surrogates: neither can be stored
        return
    assert formats.canonical_bytes(record) == encoded
    assert formats.content_hash(record) == formats.text_hash(expected)


@given(st.lists(st.none() | st.booleans() | st.integers() | st.text(max_size=6), max_size=8))
def test_copy_text_escapes_like_field_by_field(values: list[Any]) -> None:
    assert copy_text(values) == "\t".join(copy_field(v) for v in values)


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "\\N"), (True, "t"), (False, "f"), (42, "42"), ("a\tb\\c\nd\re", "a\\tb\\\\c\\nd\\re")],
)
def test_copy_field_spells_like_copy_text_format(value: Any, text: str) -> None:
    assert copy_field(value) == text


# -- reading a JSON array by lines ---------------------------------------------------------


def _fast_read(path: Path) -> list[Item]:
    """What the importer reads with worker processes: blocks of lines, then the rest."""
    start = array_start(path)
    if start is None:
        return list(read_file(path))
    items: list[Item] = []
    for block in array_blocks(path, start):
        if isinstance(block, Resume):
            resume: Resume | None = block
        else:
            records, resume = split_block(block)
            items += [(where, record, None) for where, record in records]
        if resume is not None:
            items += list(resume_array(path, resume))
            return items
    raise AssertionError("array_blocks always ends with a Resume")


_RECORD = st.dictionaries(
    st.sampled_from(["MaHoSo", "ChuHoSo", "n", "x"]),
    st.integers(-5, 10**20) | st.text(max_size=5) | st.booleans(),
    max_size=3,
)
# How an element is written, and what follows it.
_SPELLINGS = st.sampled_from(["compact", "indented", "spaced", "broken", "array", "nan"])
_SEPARATORS = st.sampled_from([",\n", ",\n", ",\n", ", ", ",\n\n", ",\r\n", " ,\n", ",,\n"])


@st.composite
def _array_file(draw: Any) -> bytes:
    records = draw(st.lists(st.tuples(_RECORD, _SPELLINGS), max_size=12))
    parts = []
    for record, spelling in records:
        text = json.dumps(record, ensure_ascii=False)
        if spelling == "indented":
            text = json.dumps(record, ensure_ascii=False, indent=1)
        elif spelling == "spaced":
            text = "  " + text + " "
        elif spelling == "broken" and draw(st.integers(0, 5)) == 0:
            text = text[:-1]
        elif spelling == "array" and draw(st.integers(0, 5)) == 0:
            text = "[1]"
        elif spelling == "nan" and draw(st.integers(0, 5)) == 0:
            text = '{"v": NaN}'
        parts.append(text)
        parts.append(draw(_SEPARATORS))
    if parts:
        parts.pop()
    head = draw(st.sampled_from(["[\n", "[\n", "\ufeff[\n", "[ \r\n", "[{", "\n[\n"]))
    tail = draw(st.sampled_from(["\n]\n", "\n]", "]", ",\n]\n", "\n", "\n] trailing"]))
    return (head + "".join(parts) + tail).encode()


@PROPERTY
@given(_array_file(), st.sampled_from([16, 64, 4096]))
def test_reading_by_lines_equals_ordinary_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, block: int
) -> None:
    monkeypatch.setattr(readers, "BLOCK", block)
    path = tmp_path / "hoso.json"
    path.write_bytes(data)
    assert _fast_read(path) == list(read_file(path))


def test_blocks_read_every_line_of_a_file_written_one_element_per_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "BLOCK", 200)
    records = [{"MaHoSo": f"H-{n}", "ChuHoSo": "Nguyễn Văn An"} for n in range(50)]
    path = tmp_path / "hoso.json"
    path.write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n")
    start = array_start(path)
    assert start == 2
    blocks = list(array_blocks(path, start))
    assert len(blocks) > 10  # the block size forces many
    read = [split_block(b) for b in blocks if not isinstance(b, Resume)]
    whole = [record for records, _ in read for record in records]
    # Every element but the last (no comma) is read in the blocks; the last one resumes.
    assert [r for _, r in whole] == records[:-1]
    assert whole[0][0] == "record 1 (line 2)" and whole[-1][0] == "record 49 (line 50)"
    assert read[-1][1] == Resume(49, 51, path.stat().st_size - len(json.dumps(records[-1])) - 3)
    assert _fast_read(path) == list(read_file(path))


# -- the whole import --------------------------------------------------------------------


def _outcome(report: Any) -> tuple[Any, ...]:
    errors = [(e.where, e.field, e.value, e.reason) for e in report.errors]
    dossiers = sorted(Dossier.objects.values_list("code", "content_hash", "pii"))
    codes_hashes = [(code, digest) for code, digest, _pii in dossiers]
    return report.ok, report.created, report.updated, report.unchanged, errors, codes_hashes


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("damage", ["none", "invalid", "two_on_a_line", "rejected_value"])
def test_an_import_by_blocks_equals_the_ordinary_import(
    write_json: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setattr(readers, "BLOCK", 2048)
    records = [hoso(f"H44.40-240801-{n:04d}") for n in range(1, 120)]
    records.append(hoso("H44.40-240801-0007", TrangThaiHoSo="9"))  # a later version
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    if damage == "invalid":
        lines[60] = lines[60][:-1]
    elif damage == "two_on_a_line":
        lines[40] = lines[40] + ", " + lines.pop(41)
    elif damage == "rejected_value":
        lines[90] = lines[90].replace('"KenhThucHien": "2"', '"KenhThucHien": "9"')
        assert '"9"' in lines[90]
    path = tmp_path / "many.json"
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    results = []
    for workers in (1, 2):
        results.append(_outcome(import_files([path], workers=workers)))
        Payment.objects.all().delete()
        Dossier.objects.all().delete()
    assert results[0] == results[1]
    assert results[0][0] is (damage in ("none", "two_on_a_line"))
