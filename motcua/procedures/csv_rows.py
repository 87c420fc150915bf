"""Reading and validating a procedure catalogue CSV (docs/procedures.md lists the columns).

Nothing here writes to the database: :func:`read_catalogue` turns a file into validated
:class:`ProcedureRow` objects or raises :class:`CatalogueError` listing every problem with
its line, column and value. Every cell is NFC-normalised; the file is UTF-8 with or without
a byte-order mark.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from motcua.core.text import fold, nfc
from motcua.procedures.models import (
    APPLICANT_TYPES,
    PUBLICATION_COMPONENTS,
    Field,
    ServiceLevel,
    TimeUnit,
)
from motcua.units.codes import UnitCodeError, normalize_unit_code
from motcua.units.models import Unit

Source = str | os.PathLike[str] | IO[bytes] | IO[str]

REQUIRED = (
    "code",
    "name",
    "field",
    "levels",
    "time_limit_days",
    "service_level",
    "has_fee",
    "requires_result",
)
OPTIONAL = (
    "field_code",
    "time_limit_unit",
    "fees",
    "has_financial_obligation",
    "online_payment",
    "service_level_from",
    "online_payment_from",
    "applicant_types",
    "essential",
    "decision_number",
    "decision_date",
    "published_date",
    "legal_basis_effective_date",
    "published_components",
    "agencies",
)


@dataclass(frozen=True)
class RowError:
    """One problem: where it is and what is wrong."""

    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.value!r}: {self.message}"


class CatalogueError(ValueError):
    """The file cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class CellError(ValueError):
    """A cell's value is invalid; the message says what was expected."""


@dataclass
class ProcedureRow:
    """A validated row. ``values`` holds the Procedure attributes of the columns present."""

    line: int
    code: str
    values: dict[str, Any] = field(default_factory=dict)
    field_name: str = ""
    field_code: str | None = None
    fees: list[tuple[str, int]] | None = None
    service_level: str = ServiceLevel.NONE
    service_level_from: dt.date | None = None
    online_payment: bool | None = None
    online_payment_from: dt.date | None = None
    agency_ids: list[int] | None = None


# -- cell parsers: raw NFC text -> value, or CellError ----------------------------------

_TRUE = {"1", "true", "yes", "y", "x", "co"}
_FALSE = {"0", "false", "no", "n", "khong", ""}
_LEVELS = {
    "agency": "agency",
    "province": "agency",
    "tinh": "agency",
    "cap tinh": "agency",
    "district": "district",
    "huyen": "district",
    "cap huyen": "district",
    "commune": "commune",
    "xa": "commune",
    "cap xa": "commune",
}
_SERVICE_LEVELS = {
    "full": ServiceLevel.FULL,
    "toan trinh": ServiceLevel.FULL,
    "truc tuyen toan trinh": ServiceLevel.FULL,
    "muc 4": ServiceLevel.FULL,
    "partial": ServiceLevel.PARTIAL,
    "mot phan": ServiceLevel.PARTIAL,
    "truc tuyen mot phan": ServiceLevel.PARTIAL,
    "muc 3": ServiceLevel.PARTIAL,
    "none": ServiceLevel.NONE,
    "": ServiceLevel.NONE,
    "khong": ServiceLevel.NONE,
    "muc 2": ServiceLevel.NONE,
    "muc 1": ServiceLevel.NONE,
}
_UNITS = {
    "working_days": TimeUnit.WORKING_DAYS,
    "ngay lam viec": TimeUnit.WORKING_DAYS,
    "": TimeUnit.WORKING_DAYS,
    "hours": TimeUnit.HOURS,
    "gio": TimeUnit.HOURS,
    "gio lam viec": TimeUnit.HOURS,
    "calendar_days": TimeUnit.CALENDAR_DAYS,
    "ngay": TimeUnit.CALENDAR_DAYS,
}
_APPLICANTS = {
    "citizen": "citizen",
    "cong dan": "citizen",
    "ca nhan": "citizen",
    "nguoi dan": "citizen",
    "business": "business",
    "doanh nghiep": "business",
    "agency": "agency",
    "co quan": "agency",
    "co quan nha nuoc": "agency",
    "other": "other",
    "to chuc": "other",
    "khac": "other",
}
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._\-]*$")
_AMOUNT_SEPARATORS = re.compile(r"[.,\s]")


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def _choice(table: dict[str, Any], expected: str) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        key = fold(value)
        if key not in table:
            raise CellError(f"expected {expected}")
        return table[key]

    return parse


def parse_flag(value: str) -> bool:
    """``1``/``0`` (also true/false, yes/no, có/không, x); empty is false."""
    key = fold(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError("expected 1 or 0")


def parse_optional_flag(value: str) -> bool | None:
    """Like :func:`parse_flag`, but an empty cell means "no information"."""
    return parse_flag(value) if value else None


def parse_date(value: str) -> dt.date | None:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``; empty is no date."""
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise CellError("expected a date YYYY-MM-DD or DD/MM/YYYY")


def parse_code(value: str) -> str:
    if not _CODE.match(value) or len(value) > 40:
        raise CellError("expected a procedure code such as 1.001234 (letters, digits, dots)")
    return value


def parse_name(value: str) -> str:
    if not value or len(value) > 1000:
        raise CellError("expected a name of 1 to 1000 characters")
    return value


def parse_levels(value: str) -> dict[str, bool]:
    """``;``-separated levels (agency, district, commune) → the three ``applies_*`` flags."""
    keys = [_LEVELS.get(fold(item)) for item in _items(value)]
    if not keys or None in keys:
        raise CellError("expected one or more of agency;district;commune")
    return {f"applies_{level}": level in keys for level in ("agency", "district", "commune")}


def parse_time_limit(value: str) -> Decimal:
    """A non-negative number with at most 2 decimals (a decimal comma is accepted)."""
    try:
        amount = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise CellError("expected a number such as 5 or 0.5") from None
    if not amount.is_finite() or amount < 0 or amount >= 100000 or amount != round(amount, 2):
        raise CellError("expected a number from 0 to 99999.99 with at most 2 decimals")
    return amount.quantize(Decimal("0.01"))


def parse_fees(value: str) -> list[tuple[str, int]]:
    """``name:amount;name:amount`` in VND (``20000``, ``20.000`` and ``20,000`` alike)."""
    fees = []
    for item in _items(value):
        name, colon, amount = item.rpartition(":")
        digits = _AMOUNT_SEPARATORS.sub("", amount)
        if not colon or not name.strip() or not digits.isdigit():
            raise CellError(f"{item!r}: expected name:amount, e.g. Lệ phí cấp bản sao:20000")
        fees.append((name.strip()[:500], int(digits)))
    return fees


def parse_applicant_types(value: str) -> list[str]:
    found = {_APPLICANTS.get(fold(item)) for item in _items(value)}
    if None in found:
        raise CellError(f"expected a ;-list of {', '.join(APPLICANT_TYPES)}")
    return [kind for kind in APPLICANT_TYPES if kind in found]


def parse_components(value: str) -> list[str]:
    """A ``;``-list of the publication components, or ``all``."""
    items = _items(value)
    if [fold(i) for i in items] == ["all"]:
        return list(PUBLICATION_COMPONENTS)
    unknown = [i for i in items if i not in PUBLICATION_COMPONENTS]
    if unknown:
        raise CellError(f"expected a ;-list of {', '.join(PUBLICATION_COMPONENTS)} (or all)")
    return [c for c in PUBLICATION_COMPONENTS if c in items]


def parse_agencies(value: str) -> list[int]:
    """Unit codes (DVCQG ``H44.07`` or TT 10/2016 ``000.00.07.H44``) → unit ids."""
    codes = []
    for item in _items(value):
        try:
            codes.append(normalize_unit_code(item))
        except UnitCodeError as error:
            raise CellError(str(error)) from None
    ids = dict(Unit.objects.filter(code__in=codes).values_list("code", "id"))
    missing = [c for c in codes if c not in ids]
    if missing:
        raise CellError(f"no unit with code {', '.join(missing)}")
    return sorted({ids[c] for c in codes})


def parse_text(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise CellError(f"expected at most {limit} characters")
        return value

    return parse


# column -> (parser, where the value goes: a Procedure attribute or a ProcedureRow attribute)
COLUMNS: dict[str, tuple[Callable[[str], Any], str]] = {
    "code": (parse_code, "row.code"),
    "name": (parse_name, "name"),
    "field": (parse_text(255), "row.field_name"),
    "field_code": (parse_text(40), "row.field_code"),
    "levels": (parse_levels, "levels"),
    "time_limit_days": (parse_time_limit, "time_limit"),
    "time_limit_unit": (_choice(_UNITS, "working_days, hours or calendar_days"), "time_limit_unit"),
    "service_level": (_choice(_SERVICE_LEVELS, "none, partial or full"), "row.service_level"),
    "service_level_from": (parse_date, "row.service_level_from"),
    "has_fee": (parse_flag, "has_fee"),
    "fees": (parse_fees, "row.fees"),
    "requires_result": (parse_flag, "requires_result"),
    "has_financial_obligation": (parse_flag, "has_financial_obligation"),
    "online_payment": (parse_optional_flag, "row.online_payment"),
    "online_payment_from": (parse_date, "row.online_payment_from"),
    "applicant_types": (parse_applicant_types, "applicant_types"),
    "essential": (parse_flag, "essential"),
    "decision_number": (parse_text(100), "decision_number"),
    "decision_date": (parse_date, "decision_date"),
    "published_date": (parse_date, "published_date"),
    "legal_basis_effective_date": (parse_date, "legal_basis_effective_date"),
    "published_components": (parse_components, "published_components"),
    "agencies": (parse_agencies, "row.agency_ids"),
}


# -- reading the file ---------------------------------------------------------------------


def read_text(source: Source) -> str:
    """The file's text: UTF-8, a leading byte-order mark dropped."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            data: bytes | str = handle.read()
    else:
        data = source.read()
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        bad = data[error.start : error.end].hex()
        raise CatalogueError(
            [RowError(line, "(file)", bad, "the file is not UTF-8; save it as CSV UTF-8")]
        ) from None


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(first line number, NFC cells) of each non-blank CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    for record in reader:
        if any(cell.strip() for cell in record):
            yield line, [nfc(cell) for cell in record]
        line = reader.line_num + 1


def _check_header(line: int, header: list[str]) -> tuple[list[RowError], list[str]]:
    """Errors for missing or repeated columns, and the names of unknown columns."""
    errors = [
        RowError(line, name, "", "required column is missing")
        for name in REQUIRED
        if name not in header
    ]
    errors += [
        RowError(line, name, name, "column appears more than once")
        for name in sorted({n for n in header if header.count(n) > 1})
    ]
    unknown = [n for n in header if n and n not in COLUMNS]
    return errors, unknown


def _parse_row(line: int, cells: dict[str, str]) -> tuple[ProcedureRow, list[RowError]]:
    row = ProcedureRow(line=line, code=cells.get("code", ""))
    errors: list[RowError] = []
    for column, raw in cells.items():
        if column not in COLUMNS:
            continue
        parser, target = COLUMNS[column]
        try:
            value = parser(raw)
        except CellError as error:
            errors.append(RowError(line, column, raw, str(error)))
            continue
        if target.startswith("row."):
            setattr(row, target.removeprefix("row."), value)
        elif target == "levels":
            row.values.update(value)
        else:
            row.values[target] = value
    errors += _check_consistency(row, cells)
    return row, errors


def _check_consistency(row: ProcedureRow, cells: dict[str, str]) -> list[RowError]:
    """Rules across columns of one row."""
    errors = []
    if row.fees and row.values.get("has_fee") is False and any(a > 0 for _n, a in row.fees):
        errors.append(
            RowError(row.line, "has_fee", cells["has_fee"], "is 0 but fees lists an amount")
        )
    if row.online_payment is None and row.online_payment_from is not None:
        errors.append(
            RowError(
                row.line,
                "online_payment_from",
                cells["online_payment_from"],
                "a date is given but online_payment is empty",
            )
        )
    unnamed = row.field_code and not row.field_name
    if unnamed and not Field.objects.filter(code=row.field_code).exists():
        message = f"field_code {row.field_code} is new: give its name"
        errors.append(RowError(row.line, "field", "", message))
    return errors


@dataclass
class Catalogue:
    rows: list[ProcedureRow]
    warnings: list[str]


def read_catalogue(source: Source) -> Catalogue:
    """Validated rows of a catalogue file, or CatalogueError listing every problem."""
    records = iter(_records(read_text(source)))
    first = next(records, None)
    if first is None:
        raise CatalogueError([RowError(1, "(file)", "", "the file is empty")])
    header_line, header = first[0], [name.lower() for name in first[1]]
    errors, unknown = _check_header(header_line, header)
    if errors:
        raise CatalogueError(errors)
    warnings = [f"column {name!r} is not known and was ignored" for name in unknown]
    rows: list[ProcedureRow] = []
    seen: dict[str, int] = {}
    for line, cells in records:
        if len(cells) > len(header):
            errors.append(
                RowError(line, "(row)", cells[len(header)], f"more than {len(header)} cells")
            )
            continue
        named = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
        row, row_errors = _parse_row(line, named)
        errors += row_errors
        if row.code in seen and row.code:
            errors.append(RowError(line, "code", row.code, f"already on line {seen[row.code]}"))
        seen.setdefault(row.code, line)
        rows.append(row)
    if errors:
        raise CatalogueError(errors)
    return Catalogue(rows, warnings)
