"""Import of units from CSV: ``code,name,level,parent_code[,valid_from,valid_to,gso_code]``.

* ``code``: a DVCQG code (``H44.07``), a TT 10/2016 identifier (``000.00.07.H44``, stored
  as the DVCQG code) or, for a territorial unit without DVCQG code, its statistics-office
  (GSO) code of 2, 3 or 5 digits. ``gso_code`` carries the GSO code of a unit whose
  ``code`` is a DVCQG code.
* ``level``: ``province``, ``agency``, ``district`` or ``commune``.
* ``parent_code``: any of the spellings of ``code``, naming a row of the file or a unit
  already stored; empty only for provinces. GSO codes are looked up as of the row's
  ``valid_from`` (else ``valid_to``).
* ``valid_from``, ``valid_to``: ``YYYY-MM-DD``, inclusive, empty for open.

A row updates the unit with the same DVCQG code (or GSO code and level, existing on the
row's date) and creates it otherwise. Its parent link is the one in force on the row's date
(or its only or open link): corrected when it points elsewhere, created when missing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass

from motcua.core.text import nfc
from motcua.units.codes import UnitCodeError, looks_like_unit_code, normalize_unit_code
from motcua.units.history import UnitLookupError, resolve_code
from motcua.units.imports.plan import ImportFailed, Plan
from motcua.units.models import Level, Unit, UnitParent

REQUIRED = ["code", "name", "level", "parent_code"]
OPTIONAL = ["valid_from", "valid_to", "gso_code"]
_GSO_DIGITS = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
_GSO_LEVELS = {digits: level for level, digits in _GSO_DIGITS.items()}
_PARENT_LEVELS = {
    Level.PROVINCE: set(),
    Level.AGENCY: {Level.PROVINCE},
    Level.DISTRICT: {Level.PROVINCE},
    Level.COMMUNE: {Level.DISTRICT, Level.PROVINCE},
}


@dataclass
class Row:
    line: int
    code: str | None  # DVCQG spelling
    gso_code: str
    name: str
    level: Level
    parent_text: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    unit: Unit | None = None
    parent: Unit | Row | None = None

    @property
    def day(self) -> dt.date | None:
        return self.valid_from or self.valid_to

    @property
    def label(self) -> str:
        return self.code or self.gso_code


class RowError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"field {field}: {message}")


def read_rows(text: str) -> list[Row]:
    """Parse and check every row; :class:`ImportFailed` lists every problem found."""
    reader = csv.DictReader(io.StringIO(text))
    _check_header(list(reader.fieldnames or []))
    rows: list[Row] = []
    errors: list[str] = []
    for raw in reader:
        try:
            rows.append(_row(reader.line_num, raw))
        except RowError as error:
            errors.append(f"line {reader.line_num}: {error}")
    if not rows and not errors:
        errors.append("the file has no rows")
    _check_duplicates(rows, errors)
    if errors:
        raise ImportFailed(errors)
    return rows


def _check_header(columns: list[str]) -> None:
    names = [c.strip() for c in columns]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [c for c in names if c not in REQUIRED + OPTIONAL]
    errors = [f"line 1: missing column {c}" for c in missing]
    errors += [f"line 1: unknown column {c!r}" for c in unknown]
    if errors:
        raise ImportFailed(errors)


def _row(line: int, raw: dict[str, str | None]) -> Row:
    value = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
    level = _level(value["level"])
    code, gso = _codes(value["code"], value.get("gso_code", ""), level)
    name = nfc(value["name"])
    if not name:
        raise RowError("name", "empty")
    start, end = _date(value, "valid_from"), _date(value, "valid_to")
    if start and end and start > end:
        raise RowError("valid_to", f"{end} is before valid_from {start}")
    parent = value["parent_code"]
    if level == Level.PROVINCE and parent:
        raise RowError("parent_code", "a province has no parent")
    if level != Level.PROVINCE and not parent:
        raise RowError("parent_code", "empty (only a province has no parent)")
    return Row(line, code, gso, name, level, parent, start, end)


def _level(text: str) -> Level:
    try:
        return Level(text.lower())
    except ValueError:
        raise RowError("level", f"{text!r} is not one of {', '.join(Level.values)}") from None


def _codes(code_text: str, gso_text: str, level: Level) -> tuple[str | None, str]:
    if not code_text:
        raise RowError("code", "empty")
    if looks_like_unit_code(code_text):
        dvcqg = normalize_unit_code(code_text)
        if (len(dvcqg.split(".")) == 1) != (level == Level.PROVINCE):
            raise RowError("code", f"{dvcqg}: a one-part code is a province's and only that")
        code: str | None = dvcqg
        gso = gso_text
    elif re.fullmatch(r"\d+", code_text):
        code, gso = None, code_text
        if gso_text and gso_text != code_text:
            raise RowError("gso_code", f"{gso_text} differs from the GSO code in code")
    else:
        try:
            normalize_unit_code(code_text)
        except UnitCodeError as error:
            raise RowError("code", str(error)) from None
        raise RowError("code", f"{code_text!r} is not a unit code")  # pragma: no cover
    if gso:
        digits = _GSO_DIGITS.get(level)
        field = "gso_code" if code else "code"
        if digits is None:
            raise RowError(field, f"a {level.value} has no statistics-office code")
        if not re.fullmatch(rf"\d{{{digits}}}", gso):
            raise RowError(field, f"{gso!r}: a {level.value}'s GSO code has {digits} digits")
    return code, gso


def _date(value: dict[str, str], key: str) -> dt.date | None:
    text = value.get(key, "")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RowError(key, f"{text!r} is not a date (YYYY-MM-DD)") from None


def _check_duplicates(rows: list[Row], errors: list[str]) -> None:
    seen: dict[object, int] = {}
    for row in rows:
        key: object = row.code or (row.level, row.gso_code, row.valid_from, row.valid_to)
        if key in seen:
            errors.append(f"line {row.line}: field code: {row.label} already on line {seen[key]}")
        seen.setdefault(key, row.line)


class StoredUnits:
    """The stored units a file can name, loaded in two queries and looked up in memory."""

    def __init__(self, rows: list[Row]) -> None:
        codes = {r.code for r in rows if r.code}
        gso = {r.gso_code for r in rows if r.gso_code}
        for row in rows:
            if looks_like_unit_code(row.parent_text):
                codes.add(normalize_unit_code(row.parent_text))
            elif row.parent_text:
                gso.add(row.parent_text)
        self.by_code = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        self.by_gso: dict[str, list[Unit]] = defaultdict(list)
        for unit in Unit.objects.filter(gso_code__in=gso).order_by("valid_from", "id"):
            self.by_gso[unit.gso_code].append(unit)

    def gso(self, level: str, code: str, day: dt.date | None) -> Unit | None:
        """The unit of ``level`` with GSO ``code`` existing on ``day`` (any day if ``None``).

        Raises :class:`UnitLookupError` when several match, like ``resolve_code``.
        """
        found = [
            u
            for u in self.by_gso.get(code, [])
            if u.level == level and (day is None or u.is_valid_on(day))
        ]
        if len(found) > 1:
            when = f" on {day}" if day else " (give a date)"
            raise UnitLookupError(f"statistics-office code {code} is ambiguous{when}")
        return found[0] if found else None

    def resolve(self, text: str, day: dt.date | None) -> Unit:
        if looks_like_unit_code(text):
            unit = self.by_code.get(normalize_unit_code(text))
        elif re.fullmatch(r"\d{2}|\d{3}|\d{5}", text):
            unit = self.gso(_GSO_LEVELS[len(text)], text, day)
        else:
            return resolve_code(text, day)  # raises with the explanation
        if unit is None:
            when = f" on {day}" if day and not looks_like_unit_code(text) else ""
            raise UnitLookupError(f"no unit {text}{when}, neither in the file nor stored")
        return unit


class CsvPlanner:
    """Matches rows with stored units, resolves parents and plans the writes."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.plan = Plan()
        self.errors: list[str] = []
        self.stored = StoredUnits(rows)
        self.rows_by_code = {r.code: r for r in rows if r.code}
        self.rows_by_gso: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            if row.gso_code:
                self.rows_by_gso[row.gso_code].append(row)

    def build(self) -> Plan:
        for row in self.rows:
            self._match(row)
        for row in self.rows:
            self._resolve_parent(row)
        if self.errors:
            raise ImportFailed(self.errors)
        self._plan_units()
        self._plan_links()
        return self.plan

    def _match(self, row: Row) -> None:
        if row.code:
            row.unit = self.stored.by_code.get(row.code)
            return
        try:
            row.unit = self.stored.gso(row.level, row.gso_code, row.day)
        except UnitLookupError as error:
            self.errors.append(f"line {row.line}: field code: {error}; give valid_from")

    def _resolve_parent(self, row: Row) -> None:
        if not row.parent_text:
            return
        try:
            row.parent = self._in_file(row) or self.stored.resolve(row.parent_text, row.day)
        except (UnitLookupError, UnitCodeError) as error:
            self.errors.append(f"line {row.line}: field parent_code: {error}")
            return
        level = Level(row.parent.level)
        if level not in _PARENT_LEVELS[row.level]:
            self.errors.append(
                f"line {row.line}: field parent_code: a {row.level.value} cannot sit under "
                f"a {level.value} ({row.parent_text})"
            )

    def _in_file(self, row: Row) -> Row | None:
        text = row.parent_text
        if looks_like_unit_code(text):
            return self.rows_by_code.get(normalize_unit_code(text))
        candidates = [
            r
            for r in self.rows_by_gso.get(text, [])
            if r.level == _GSO_LEVELS.get(len(text)) and (row.day is None or _covers(r, row.day))
        ]
        return candidates[0] if len(candidates) == 1 else None

    def _plan_units(self) -> None:
        for row in self.rows:
            values: dict[str, object] = {
                "name": row.name,
                "level": row.level.value,
                "valid_from": row.valid_from,
                "valid_to": row.valid_to,
            }
            if row.gso_code:
                values["gso_code"] = row.gso_code
            if row.unit is None:
                row.unit = self.plan.create(Unit(code=row.code, **values))
            else:
                self.plan.see(row.unit)
                self.plan.change(row.unit, **values)

    def _plan_links(self) -> None:
        units = [r.unit.pk for r in self.rows if r.unit is not None and r.unit.pk]
        links: dict[int, list[UnitParent]] = {}
        for link in UnitParent.objects.filter(unit__in=units).order_by("valid_from"):
            links.setdefault(link.unit_id, []).append(link)
        for row in self.rows:
            assert row.unit is not None
            parent = row.parent.unit if isinstance(row.parent, Row) else row.parent
            if parent is None:
                continue
            current = _current_link(links.get(row.unit.pk, []) if row.unit.pk else [], row.day)
            if current is None:
                self.plan.link(row.unit, parent, row.valid_from, row.valid_to)
            elif current.parent_id != parent.pk or parent.pk is None:
                self.plan.relink(current, row.unit, parent)


def _covers(row: Row, day: dt.date) -> bool:
    return (row.valid_from is None or row.valid_from <= day) and (
        row.valid_to is None or day <= row.valid_to
    )


def _current_link(links: list[UnitParent], day: dt.date | None) -> UnitParent | None:
    if not links:
        return None
    if day is not None:
        return next(
            (
                link
                for link in links
                if (link.valid_from is None or link.valid_from <= day)
                and (link.valid_to is None or day <= link.valid_to)
            ),
            None,
        )
    open_links = [link for link in links if link.valid_to is None]
    return (open_links or links)[-1]


def import_csv(text: str) -> Plan:
    """Validate CSV text and plan its import (write with ``plan.apply``)."""
    return CsvPlanner(read_rows(text)).build()
