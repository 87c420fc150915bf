"""Streaming readers: each yields ``(where, record, problem)`` one record at a time.

``where`` names the record for error messages ("record 12 (line 40)", "line 7",
"row 3"). ``record`` is the raw mapping, or None when ``problem`` says why it could not be
read. Memory stays bounded whatever the file size: a JSON array is decoded one element at
a time from a sliding buffer (``json.JSONDecoder.raw_decode``), JSON Lines line by line,
CSV through the csv module and XLSX through openpyxl's read-only mode.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

# (where, record — or its JSON text when asked for raw text —, problem)
Item = tuple[str, dict[str, Any] | str | None, str | None]

CHUNK = 1 << 20
# A single record larger than this is taken as malformed rather than read further.
MAX_RECORD = 16 << 20
_SPACE = re.compile(r"[ \t\n\r]*")


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


def read_json_array(stream: TextIO, *, raw_text: bool = False) -> Iterator[Item]:
    """Elements of a top-level JSON array, decoded one by one."""
    buf = _Buffer(stream)
    decoder = json.JSONDecoder()
    buf.peek()
    buf.advance(buf.pos + 1)  # '['
    number = 0
    while True:
        char = buf.peek()
        if char == "]":
            return
        if number:
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
            value = json.loads(line)
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
