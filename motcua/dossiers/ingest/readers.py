"""Streaming readers: each yields ``(where, record, problem)`` one record at a time.

``where`` names the record for error messages ("record 12 (line 40)", "line 7",
"row 3"). ``record`` is the raw mapping, or None when ``problem`` says why it could not be
read. Memory stays bounded whatever the file size: a JSON array is decoded one element at
a time from a sliding buffer (``json.JSONDecoder.raw_decode``), JSON Lines line by line,
CSV through the csv module and XLSX through openpyxl's read-only mode.

A JSON array written one element per line (``[``, then ``{…},`` lines — how DVCQG exports
and the benchmark write it) can also be cut into blocks of whole lines without decoding
anything (:func:`array_blocks`): a worker process decodes each line (:func:`split_block`)
and stops at the first line that is not exactly one object and a comma (the last element,
a second element on the line, an element over several lines, invalid JSON...); reading
resumes there in the ordinary way (:class:`Resume`), so what is read and every message
stay the same as with :func:`read_json_array`.

JSON is decoded with orjson where it gives exactly what ``json.loads`` gives (:func:`loads`),
else with the standard library.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple, TextIO

try:
    import orjson
except ImportError:  # pragma: no cover - a pinned dependency; the standard library suffices
    orjson = None  # type: ignore[assignment]

# (where, record — or its JSON text when asked for raw text —, problem)
Item = tuple[str, dict[str, Any] | str | None, str | None]

CHUNK = 1 << 20
# A single record larger than this is taken as malformed rather than read further.
MAX_RECORD = 16 << 20
_SPACE = re.compile(r"[ \t\n\r]*")
# Bytes of a block of lines handed to a worker at a time (about 200 dossiers).
BLOCK = 256 << 10
# A line longer than this ends the line-by-line reading (the ordinary reader takes over).
MAX_LINE = 4 << 20

# Digits -> "0", anything else -> " ": 19 digits in a row may be an integer beyond 64 bits,
# which orjson reads as a float where json.loads keeps it exact.
_DIGITS = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))
_LONG_NUMBER = b"0" * 19


def fast_loads(data: bytes) -> Any:
    """``json.loads(data.decode())`` by orjson, or None when orjson cannot vouch for the same
    result: invalid JSON or UTF-8 for either decoder, NaN/Infinity or lone surrogates (which
    only the standard library accepts), possibly an integer beyond 64 bits. Otherwise the
    values, their types and the order of keys (duplicate keys: the last value, at the first
    place) are the same."""
    if orjson is None or _LONG_NUMBER in data.translate(_DIGITS):
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def loads(text: str) -> Any:
    """``json.loads(text)``, through orjson when it gives the same value."""
    try:
        data = text.encode()
    except UnicodeEncodeError:  # lone surrogates
        return json.loads(text)
    value = fast_loads(data)
    return json.loads(text) if value is None else value


def read_file(path: Path, *, raw_text: bool = False) -> Iterator[Item]:
    """The records of a dossier file, in file order; the format is chosen by its content.

    With ``raw_text`` a JSON record is yielded as its JSON text, to be decoded by whoever
    processes it (a worker process), instead of as a dict.
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        yield from read_xlsx(path)
        return
    with path.open(encoding="utf-8-sig", newline="") as stream:
        if suffix in (".csv", ".tsv"):
            yield from read_csv(stream)
            return
        first = _first_char(stream)
        if first == "[":
            yield from read_json_array(stream, raw_text=raw_text)
        elif first == "{":
            yield from read_json_lines(stream, raw_text=raw_text)
        elif first == "":
            return
        else:
            yield "line 1", None, "not JSON: expected '[' (array) or '{' (JSON Lines)"


def _first_char(stream: TextIO) -> str:
    start = stream.tell()
    while True:
        char = stream.read(1)
        if not char or not char.isspace():
            stream.seek(start)
            return char


class _Buffer:
    """A sliding text window over a stream that counts the lines it moves past."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.text = ""
        self.pos = 0
        self.line = 1
        self.eof = False

    def fill(self) -> bool:
        """Read one more chunk (dropping what was consumed); False at end of file."""
        if self.eof:
            return False
        chunk = self.stream.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.text = self.text[self.pos :] + chunk
        self.pos = 0
        return True

    def advance(self, end: int) -> None:
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def peek(self) -> str:
        """The next non-blank character ('' at end of file), consuming the blanks."""
        while True:
            end = _SPACE.match(self.text, self.pos)
            self.advance(end.end() if end else self.pos)
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill():
                return ""


def read_json_array(
    stream: TextIO, *, raw_text: bool = False, resume: Resume | None = None
) -> Iterator[Item]:
    """Elements of a top-level JSON array, decoded one by one.

    With ``resume``, ``stream`` starts inside the array, where an element is expected (at
    the start of the file, or after a comma), and numbering continues from there."""
    buf = _Buffer(stream)
    decoder = json.JSONDecoder()
    number = 0
    after_comma = False  # resuming after a comma: an element must come first
    if resume is None:
        buf.peek()
        buf.advance(buf.pos + 1)  # '['
    else:
        number, buf.line = resume.number, resume.line
        after_comma = number > 0
    while True:
        char = buf.peek()
        if after_comma:
            after_comma = False
        elif char == "]":
            return
        elif number:
            if char != ",":
                yield _broken(buf, number, "expected ',' or ']' after an element")
                return
            buf.advance(buf.pos + 1)
            char = buf.peek()
        where = f"record {number + 1} (line {buf.line})"
        if char == "":
            yield where, None, "invalid JSON: the file ends before the array is closed"
            return
        try:
            value, text = _decode_one(buf, decoder, raw_text)
        except json.JSONDecodeError as exc:
            line = buf.line + buf.text.count("\n", buf.pos, exc.pos)
            yield where, None, f"invalid JSON at line {line}: {exc.msg}"
            return
        number += 1
        if raw_text and isinstance(value, dict):
            yield where, text, None
        else:
            yield _as_record(where, value)


class Resume(NamedTuple):
    """Where the line-by-line reading of a JSON array stopped: the records read so far, the
    line and the byte offset of the first line not read."""

    number: int
    line: int
    offset: int


class LineBlock(NamedTuple):
    """Whole lines of a JSON array file, from byte ``offset`` (line ``line``), expected to
    hold one element each; ``number`` records come before them."""

    data: bytes
    number: int
    line: int
    offset: int


def array_start(path: Path) -> int | None:
    """The byte offset of the second line when a JSON array file's first line is just ``[``
    (a UTF-8 byte order mark allowed): where :func:`array_blocks` can start. None otherwise."""
    if path.suffix.lower() in (".xlsx", ".csv", ".tsv"):
        return None
    with path.open("rb") as stream:
        first = stream.readline(256)
    if not first.endswith(b"\n"):
        return None
    body = first[3:] if first.startswith(b"\xef\xbb\xbf") else first
    return len(first) if body.strip(b" \t\r\n") == b"[" else None


def array_blocks(path: Path, start: int) -> Iterator[LineBlock | Resume]:
    """Blocks of whole lines of a JSON array from byte ``start`` (line 2), numbered as if
    every line held one element; then a :class:`Resume` where line-by-line reading must stop
    (the end of the file, or a line too long)."""
    number, line, offset = 0, 2, start
    with path.open("rb") as stream:
        stream.seek(start)
        carry = b""
        while True:
            chunk = stream.read(BLOCK)
            data = carry + chunk if carry else chunk
            cut = data.rfind(b"\n") + 1
            if not chunk or (not cut and len(data) > MAX_LINE):
                yield Resume(number, line, offset)
                return
            if not cut:
                carry = data
                continue
            block, carry = data[:cut], data[cut:]
            yield LineBlock(block, number, line, offset)
            lines = block.count(b"\n")
            number += lines
            line += lines
            offset += len(block)


def split_block(block: LineBlock) -> tuple[list[tuple[str, dict[str, Any]]], Resume | None]:
    """The records of a block's lines, each with its ``where``, up to the first line that is
    not exactly one JSON object followed by a comma (blanks around allowed); then where the
    ordinary reader must resume (None when every line was such a record)."""
    records: list[tuple[str, dict[str, Any]]] = []
    number, line, offset = block.number, block.line, block.offset
    pieces = block.data.split(b"\n")
    pieces.pop()  # the block ends with a newline
    for piece in pieces:
        text = piece.strip(b" \t\r")
        value = None
        if text[:1] == b"{" and text[-1:] == b",":
            value = fast_loads(text[:-1])
        if type(value) is not dict:
            return records, Resume(number, line, offset)
        number += 1
        records.append((f"record {number} (line {line})", value))
        line += 1
        offset += len(piece) + 1
    return records, None


def resume_array(path: Path, resume: Resume, *, raw_text: bool = False) -> Iterator[Item]:
    """The rest of a JSON array file read the ordinary way, from where line-by-line reading
    stopped (an element expected there)."""
    with path.open("rb") as raw:
        raw.seek(resume.offset)
        stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        yield from read_json_array(stream, raw_text=raw_text, resume=resume)


def _broken(buf: _Buffer, number: int, reason: str) -> Item:
    return f"record {number + 1} (line {buf.line})", None, f"invalid JSON: {reason}"


def _decode_one(buf: _Buffer, decoder: json.JSONDecoder, raw_text: bool) -> tuple[Any, str]:
    """The next JSON value and, with ``raw_text``, its source text."""
    while True:
        try:
            value, end = decoder.raw_decode(buf.text, buf.pos)
        except json.JSONDecodeError:
            if len(buf.text) - buf.pos < MAX_RECORD and buf.fill():
                continue
            raise
        if end == len(buf.text) and not buf.eof and not isinstance(value, dict | list):
            buf.fill()  # a bare number may continue in the next chunk
            continue
        text = buf.text[buf.pos : end] if raw_text else ""
        buf.advance(end)
        return value, text


def _as_record(where: str, value: Any) -> Item:
    if isinstance(value, dict):
        return where, value, None
    return where, None, f"expected a JSON object, got {type(value).__name__}"


def read_json_lines(stream: TextIO, *, raw_text: bool = False) -> Iterator[Item]:
    """One JSON object per line; blank lines are skipped."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        where = f"line {number}"
        if raw_text:
            yield where, line, None
            continue
        try:
            value = loads(line)
        except json.JSONDecodeError as exc:
            yield where, None, f"invalid JSON: {exc.msg} (column {exc.colno})"
            continue
        yield _as_record(where, value)


def read_csv(stream: TextIO) -> Iterator[Item]:
    """One dossier per row; the first row names the columns (comma or semicolon)."""
    header_line = stream.readline()
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    names = [name.strip() for name in header]
    reader = csv.reader(stream, delimiter=delimiter)
    row_number = 1
    for row in reader:
        row_number += 1
        if not any(cell.strip() for cell in row):
            continue
        where = f"row {row_number} (line {reader.line_num + 1})"
        if len(row) > len(names):
            yield where, None, f"{len(row)} cells but {len(names)} column names"
            continue
        yield where, {name: cell for name, cell in zip(names, row, strict=False) if name}, None


def read_xlsx(path: Path) -> Iterator[Item]:
    """The first sheet: column names in row 1, one dossier per following row."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, ())
        names = [str(name).strip() if name is not None else "" for name in header]
        for number, row in enumerate(rows, 2):
            if all(cell is None or str(cell).strip() == "" for cell in row):
                continue
            record = {name: cell for name, cell in zip(names, row, strict=False) if name}
            yield f"row {number}", record, None
    finally:
        workbook.close()
