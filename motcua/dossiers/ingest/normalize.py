"""One raw record (any accepted shape and spelling) -> its canonical DVCQG form.

:func:`Normalizer.normalize` validates every value, resolves the handling unit and the
procedure against lookup maps loaded once, and returns the canonical record with its hash,
or the list of problems found. :func:`columns_of` turns a canonical record into Dossier
column values; it is only called for records that are new or changed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField

from motcua.core.text import fold
from motcua.dossiers import formats as f
from motcua.dossiers.flags import derive_flags
from motcua.dossiers.models import Dossier, Payment
from motcua.procedures.models import Procedure
from motcua.units.codes import UnitCodeError, normalize_unit_code
from motcua.units.models import Unit

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    value: str
    reason: str


class Rejected(Exception):
    """A record with problems; ``problems`` lists each one."""

    def __init__(self, code: str, problems: list[Problem]) -> None:
        super().__init__(code)
        self.code = code
        self.problems = problems


@dataclass(slots=True)
class Normalized:
    code: str
    canonical: Record
    hash: str
    unit_id: int
    procedure_id: int
    # Parsed dates of the date columns, so columns_of need not parse them again.
    moments: dict[str, dt.datetime] = field(default_factory=dict)
    text: bytes = b""  # the canonical record as sorted JSON, UTF-8
    # Whether the record holds only dicts, lists, str, int (64-bit), bool and None, so
    # orjson writes any part of it as the json module does (formats.plain_json).
    plain: bool = False


def _max_lengths(model: type[Any]) -> dict[str, int]:
    return {
        fld.attname: fld.max_length
        for fld in model._meta.concrete_fields
        if isinstance(fld, CharField) and fld.max_length
    }


DOSSIER_MAX = _max_lengths(Dossier)
PAYMENT_MAX = _max_lengths(Payment)
_SCALAR_PARSERS = {key: f.scalar_parser(kind) for key, (_, kind) in f.SCALARS.items()}
_DATE_KEYS = {key for key, (_, kind) in f.SCALARS.items() if kind == "date"}
_CLEAN = f.CLEAN_MEMO  # value -> f.clean_text(value), for the inline fast paths


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass
class Lookups:
    """Units and procedures, loaded once per import."""

    unit_by_code: dict[str, int]
    units_by_name: dict[str, list[int]]
    unit_code_of: dict[int, str]
    procedure_by_code: dict[str, int]
    cache: dict[tuple[str, str, str], int | str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Lookups:
        by_code: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        code_of: dict[int, str] = {}
        for pk, code, name_key in Unit.objects.values_list("pk", "code", "name_key"):
            if code:
                by_code[code] = pk
                code_of[pk] = code
            by_name.setdefault(name_key, []).append(pk)
        procedures = dict(Procedure.objects.values_list("code", "pk"))
        return cls(by_code, by_name, code_of, procedures)

    def unit(self, explicit: str, prefix: str, name: str) -> int | str:
        """The unit id, or the reason none was found."""
        key = (explicit, prefix, name)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._find_unit(explicit, prefix, name)
        return found

    def _find_unit(self, explicit: str, prefix: str, name: str) -> int | str:
        if explicit:
            try:
                code = normalize_unit_code(explicit)
            except UnitCodeError as exc:
                return str(exc)
            return self.unit_by_code.get(code, f"no unit has the code {code}")
        tried = []
        if prefix:
            try:
                code = normalize_unit_code(prefix)
            except UnitCodeError:
                code = ""
            if code in self.unit_by_code:
                return self.unit_by_code[code]
            tried.append(f"no unit has the code {code or prefix!r} (MaHoSo prefix)")
        if name:
            matches = self.units_by_name.get(fold(name), [])
            if len(matches) == 1:
                return matches[0]
            tried.append(f"{len(matches)} units are named {name!r} (DonViXuLy)")
        return "unknown unit: " + ("; ".join(tried) or "no unit code, prefix or name given")


CreateProcedure = Callable[[str, str, str, str], int]


class Normalizer:
    def __init__(
        self, lookups: Lookups, create_procedure: CreateProcedure | None, *, fast: bool = True
    ) -> None:
        """``fast=False``: every field through its handler, without the inline fast paths
        (the tests hold the two equal)."""
        self.lookups = lookups
        self.create_procedure = create_procedure
        self.fields = _fields if fast else _fields_general

    def normalize(self, raw: Record) -> Normalized:
        record = unwrap(raw)
        problems: list[Problem] = []
        out: Record = {}
        code = self._code(record, problems)
        moments: dict[str, dt.datetime] = {}
        self.fields(record, out, moments, problems)
        for key, default in f.DEFAULTS.items():
            out.setdefault(key, default)
        _check_required(out, problems)
        if "QuaTrinhXuLy" in out:
            out["QuaTrinhXuLy"] = _steps(code, out["QuaTrinhXuLy"], problems)
        unit_id = self._unit(code, record, out, problems)
        procedure_id = self._procedure(record, out, problems)
        if problems:
            raise Rejected(code, problems)
        text, plain = f.canonical_bytes_plain(out)
        return Normalized(code, out, f.text_hash(text), unit_id, procedure_id, moments, text, plain)

    def _code(self, record: Record, problems: list[Problem]) -> str:
        code = f.parse_text(record.get("MaHoSo")) or ""
        if len(code) > DOSSIER_MAX["code"]:
            problems.append(Problem("MaHoSo", code, f"longer than {DOSSIER_MAX['code']}"))
        return code

    def _unit(self, code: str, record: Record, out: Record, problems: list[Problem]) -> int:
        explicit = f.parse_text(record.get(f.UNIT_CODE)) or ""
        prefix = code.split("-", 1)[0] if "-" in code else ""
        name = out.get("DonViXuLy") or ""
        found = self.lookups.unit(explicit, prefix, name)
        if isinstance(found, str):
            field_name = f.UNIT_CODE if explicit else "MaHoSo/DonViXuLy"
            problems.append(Problem(field_name, explicit or code, found))
            return 0
        out.pop(f.UNIT_CODE, None)
        unit_code = self.lookups.unit_code_of.get(found)
        if unit_code:
            out[f.UNIT_CODE] = unit_code
        return found

    def _procedure(self, record: Record, out: Record, problems: list[Problem]) -> int:
        code = out.get("MaTTHC")
        if not code:
            return 0
        found = self.lookups.procedure_by_code.get(code)
        if found is not None:
            return found
        if self.create_procedure is None:
            problems.append(Problem("MaTTHC", code, "unknown procedure (not in the catalogue)"))
            return 0
        name = f.parse_text(record.get("TenTTHC"))
        if not name:
            problems.append(Problem("TenTTHC", "", "needed to create the missing procedure"))
            return 0
        field_code = f.parse_text(record.get("MaLinhVuc")) or ""
        field_name = f.parse_text(record.get("TenLinhVuc")) or ""
        pk = self.create_procedure(code, name, field_code, field_name)
        self.lookups.procedure_by_code[code] = pk
        return pk


def unwrap(raw: Record) -> Record:
    """A HoSo record from either shape: a bare HoSo, or ``{hoSo, tienTrinhDongBo}``."""
    inner = raw.get("hoSo", raw.get("HoSo"))
    if not isinstance(inner, dict):
        return raw
    record = dict(inner)
    steps = raw.get("tienTrinhDongBo", raw.get("TienTrinhDongBo"))
    if steps not in (None, "", []):
        record["QuaTrinhXuLy"] = steps
    for key, value in raw.items():
        if key not in ("hoSo", "HoSo", "tienTrinhDongBo", "TienTrinhDongBo"):
            record.setdefault(key, value)
    return record


Handler = Callable[[str, Any, Record, list[Problem]], None]


# Codes and flags take few distinct values: their canonical forms are remembered.
_MEMO: dict[str, dict[Any, str | None]] = {
    key: {} for key, (_, kind) in f.SCALARS.items() if kind != "text"
}
_FLAGS: dict[Any, str | None] = {}


def _memo_scalar(key: str, value: Any, out: Record, problems: list[Problem]) -> None:
    memo = _MEMO[key]
    try:
        parsed = memo[value]
    except (KeyError, TypeError):
        _scalar(key, value, out, problems)
        if isinstance(value, str | int | bool) and len(memo) < 1000 and key in out:
            memo[value] = out[key]
        return
    if parsed is not None:
        out[key] = parsed


def _flag(value: Any) -> str | None:
    try:
        return _FLAGS[value]
    except (KeyError, TypeError):
        parsed = f.parse_flag(value)
        if isinstance(value, str | int | bool) and len(_FLAGS) < 1000:
            _FLAGS[value] = parsed
        return parsed


def _scalar(key: str, value: Any, out: Record, problems: list[Problem]) -> None:
    try:
        parsed = _SCALAR_PARSERS[key](value)
    except f.ValueProblem as exc:
        problems.append(Problem(key, _show(value), str(exc)))
        return
    if parsed is None:
        return
    column = f.SCALARS[key][0]
    limit = DOSSIER_MAX.get(column)
    if limit and len(parsed) > limit:
        problems.append(Problem(key, _show(value), f"longer than {limit} characters"))
        return
    out[key] = parsed


def _date(
    key: str, value: Any, out: Record, moments: dict[str, dt.datetime], problems: list[Problem]
) -> None:
    try:
        moment = f.parse_datetime(value)
    except f.ValueProblem as exc:
        problems.append(Problem(key, _show(value), str(exc)))
        return
    if moment is not None:
        moments[key] = moment
        out[key] = value if _is_stamp(value) else f.format_datetime(moment)


def _is_stamp(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 14 and value.isdigit()


def _text(key: str, value: Any, out: Record, problems: list[Problem]) -> None:
    try:
        parsed = f.parse_text(value)
    except f.ValueProblem as exc:  # pragma: no cover - parse_text accepts anything
        problems.append(Problem(key, _show(value), str(exc)))
        return
    if parsed is not None:
        out[key] = parsed


def _ignore(key: str, value: Any, out: Record, problems: list[Problem]) -> None:
    """Procedure descriptions: read by Normalizer._procedure, not part of the record."""


def _extra_flag(key: str, value: Any, out: Record, problems: list[Problem]) -> None:
    try:
        parsed = _flag(value)
    except f.ValueProblem as exc:
        problems.append(Problem(key, _show(value), str(exc)))
        return
    if parsed is not None:
        out[key] = parsed


def _keep_extra(key: str, value: Any, out: Record, problems: list[Problem]) -> None:
    if isinstance(value, str) and value[:1] in ("{", "[") and key == f.CSV_EXTRA:
        value = _json_cell(key, value, problems)
    if key == f.CSV_EXTRA:
        if isinstance(value, dict):
            for inner_key, inner in value.items():
                if inner_key not in out and inner_key not in _HANDLERS:
                    _keep_extra(inner_key, inner, out, problems)
        elif value not in (None, ""):
            problems.append(Problem(key, _show(value), "expected a JSON object"))
        return
    cleaned = f.clean_value(value)
    if cleaned is not None:
        out[key] = cleaned


def _json_cell(key: str, value: str, problems: list[Problem]) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        problems.append(Problem(key, _show(value), f"invalid JSON in cell: {exc.msg}"))
        return None


def _as_list(key: str, value: Any, problems: list[Problem]) -> list[Any] | None:
    if isinstance(value, str):
        if not value.strip():
            return None
        value = _json_cell(key, value, problems)
    if value is None:
        return None
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        problems.append(Problem(key, _show(value), "expected a list of objects"))
        return None
    return value


def _collection(
    key: str, value: Any, out: Record, problems: list[Problem], general: bool = False
) -> None:
    items = _as_list(key, value, problems)
    if not items:
        return
    flags, dates, ints, special = _ITEM_SPECS[key]
    if general:  # no inline fast path in _item
        special = _EVERY_NAME
    cleaned = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            problems.append(Problem(f"{key}[{number}]", _show(item), "expected an object"))
            continue
        entry = _item(key, number, item, flags, dates, ints, special, problems)
        if entry:
            cleaned.append(entry)
    if cleaned:
        out[key] = cleaned


def _item(
    key: str,
    number: int,
    item: Record,
    flags: frozenset[str],
    dates: frozenset[str],
    ints: frozenset[str],
    special: frozenset[str],
    problems: list[Problem],
) -> Record:
    entry: Record = {}
    for name, value in item.items():
        if type(value) is str and name not in special:  # the common case, inline
            text = _CLEAN.get(value)
            if text is None:
                text = f.clean_text(value)
            if text:
                entry[name] = text
            continue
        parsed: Any
        try:
            if name in flags:
                parsed = _flag(value)
            elif name in dates:
                parsed = f.canonical_date(value)
            elif name in ints:
                parsed = f.parse_int(value)
            elif type(value) is str:
                parsed = f.clean_text(value) or None
            else:
                parsed = f.clean_value(value)
        except f.ValueProblem as exc:
            problems.append(Problem(f"{key}[{number}].{name}", _show(value), str(exc)))
            continue
        if parsed is not None:
            entry[name] = parsed
    return entry


# Collection name -> (flag keys, date keys, integer keys, all three).
_ITEM_SPECS = {
    key: (*spec, spec[0] | spec[1] | spec[2])
    for key, spec in (
        *((key, spec[1:]) for key, spec in f.COLLECTIONS.items()),
        (f.PII_LIST, f.PII_LIST_SPEC),
    )
}


class _EveryName(frozenset[str]):
    def __contains__(self, name: object) -> bool:
        return True


_EVERY_NAME = _EveryName()


def _collection_general(key: str, value: Any, out: Record, problems: list[Problem]) -> None:
    _collection(key, value, out, problems, general=True)


def _steps(code: str, steps: list[Record], problems: list[Problem]) -> list[Record]:
    for number, step in enumerate(steps, 1):
        owner = step.pop("MaHoSo", None)
        if owner and code and owner != code:
            where = f"QuaTrinhXuLy[{number}].MaHoSo"
            problems.append(Problem(where, owner, f"a step of another dossier (not {code})"))
    return [step for step in steps if step]


def _payments(key: str, value: Any, out: Record, problems: list[Problem]) -> None:
    items = _as_list(key, value, problems)
    if not items:
        return
    cleaned = []
    for number, item in enumerate(items, 1):
        where = f"{key}[{number}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, _show(item), "expected an object"))
            continue
        cleaned.append(_payment(where, item, problems))
    out[key] = cleaned


_PAYMENT_RULES: dict[str, tuple[bool, Callable[[Any], Any]]] = {
    "MaGiaoDich": (True, f.parse_text),
    "SoTien": (True, f.parse_int),
    "KenhThanhToan": (True, lambda v: _choice(v, f.PAYMENT_CHANNELS)),
    "CongThanhToan": (False, f.parse_text),
    "TrangThai": (True, lambda v: _choice(v, f.PAYMENT_STATES)),
    "ThoiDiem": (True, f.canonical_date),
    "NenTangThanhToan": (False, lambda v: f.parse_code(v, (0, 1, 2))),
}
_PAYMENT_LIMITS = {"MaGiaoDich": PAYMENT_MAX["reference"], "CongThanhToan": PAYMENT_MAX["gateway"]}


def _choice(value: Any, allowed: tuple[str, ...]) -> str | None:
    text = f.parse_text(value)
    if text is None:
        return None
    if text.lower() not in allowed:
        raise f.ValueProblem(f"expected one of {', '.join(allowed)}")
    return text.lower()


def _payment(where: str, item: Record, problems: list[Problem]) -> Record:
    entry: Record = {}
    for name, (required, parse) in _PAYMENT_RULES.items():
        value = item.get(name)
        try:
            parsed = parse(value)
        except f.ValueProblem as exc:
            problems.append(Problem(f"{where}.{name}", _show(value), str(exc)))
            continue
        limit = _PAYMENT_LIMITS.get(name)
        if parsed is None and required:
            problems.append(Problem(f"{where}.{name}", "", "required"))
        elif parsed is not None and limit and len(parsed) > limit:
            problems.append(Problem(f"{where}.{name}", _show(value), f"longer than {limit}"))
        elif parsed is not None:
            entry[name] = parsed
    if entry.get("SoTien", 0) < 0:
        problems.append(Problem(f"{where}.SoTien", str(entry["SoTien"]), "negative amount"))
    entry.setdefault("NenTangThanhToan", "0")
    return entry


def _check_required(out: Record, problems: list[Problem]) -> None:
    reported = {p.field for p in problems}
    for key in f.REQUIRED:
        if key not in out and key not in reported:
            problems.append(Problem(key, "", "required (missing or empty)"))


_HANDLERS: dict[str, Handler] = {
    **{key: _memo_scalar if key in _MEMO else _scalar for key in f.SCALARS},
    **dict.fromkeys(f.COLLECTIONS, _collection),
    **dict.fromkeys(f.PII_TEXT, _text),
    **dict.fromkeys(f.PROCEDURE_FIELDS, _ignore),
    **dict.fromkeys(f.EXTRA_FLAGS, _extra_flag),
    f.PII_LIST: _collection,
    f.PAYMENTS: _payments,
    "MaHoSo": _text,
    "MaTTHC": _text,
    f.UNIT_CODE: _ignore,
}


_GENERAL_HANDLERS = {
    key: _collection_general if handler is _collection else handler
    for key, handler in _HANDLERS.items()
}

# How normalize treats each known field: (kind, argument). Memoised codes and flags carry
# their memo, texts their length limit (None: none), other fields their handler.
_MEMO_KIND, _TEXT_KIND, _DATE_KIND, _IGNORE_KIND, _HANDLER_KIND = "memo", "text", "date", "-", "h"
_MISSING = object()


def _rule(key: str, handler: Handler) -> tuple[str, Any]:
    if key in _DATE_KEYS:
        return _DATE_KIND, None
    if handler is _ignore:
        return _IGNORE_KIND, None
    if handler is _memo_scalar:
        return _MEMO_KIND, _MEMO[key]
    if handler is _text:
        return _TEXT_KIND, None
    if handler is _scalar and f.SCALARS[key][1] == "text":
        return _TEXT_KIND, DOSSIER_MAX.get(f.SCALARS[key][0]) or None
    return _HANDLER_KIND, handler


_RULES = {key: _rule(key, handler) for key, handler in _HANDLERS.items()}


def _fields(
    record: Record, out: Record, moments: dict[str, dt.datetime], problems: list[Problem]
) -> None:
    """Validate and canonicalise each field of ``record`` into ``out``."""
    for key, value in record.items():
        rule = _RULES.get(key)
        if rule is None:
            _keep_extra(key, value, out, problems)
            continue
        kind, arg = rule
        # The common spellings first, inline (each exactly what its handler gives);
        # anything else goes to the handler.
        if type(value) is str:
            if kind is _MEMO_KIND:
                parsed = arg.get(value, _MISSING)
                if parsed is not _MISSING:
                    if parsed is not None:
                        out[key] = parsed
                    continue
            elif kind is _TEXT_KIND:
                cleaned = _CLEAN.get(value)
                if cleaned is not None and (arg is None or len(cleaned) <= arg):
                    if cleaned:
                        out[key] = cleaned
                    continue
            elif kind is _DATE_KIND:
                if not value:
                    continue
                if len(value) == 14 and value.isascii() and value.isdigit():
                    moment = _stamp_moment(value)
                    if moment is not None:
                        moments[key] = moment
                        out[key] = value
                        continue
        if kind is _DATE_KIND:
            _date(key, value, out, moments, problems)
        elif kind is _HANDLER_KIND:
            arg(key, value, out, problems)
        elif kind is not _IGNORE_KIND:
            _HANDLERS[key](key, value, out, problems)


def _fields_general(
    record: Record, out: Record, moments: dict[str, dt.datetime], problems: list[Problem]
) -> None:
    """:func:`_fields` without the inline fast paths: what they must equal."""
    for key, value in record.items():
        handler = _GENERAL_HANDLERS.get(key)
        if key in _DATE_KEYS:
            _date(key, value, out, moments, problems)
        elif handler is None:
            _keep_extra(key, value, out, problems)
        else:
            handler(key, value, out, problems)


def _stamp_moment(value: str) -> dt.datetime | None:
    """``parse_datetime`` of 14 ASCII digits, or None when they are no real date/time."""
    try:
        return dt.datetime(
            int(value[:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[8:10]),
            int(value[10:12]),
            int(value[12:14]),
            tzinfo=f.local_zone(),
        )
    except ValueError:
        return None


_DATE_COLUMNS = tuple((k, c) for k, (c, kind) in f.SCALARS.items() if kind == "date")
_TEXT_COLUMNS = tuple((k, c) for k, (c, kind) in f.SCALARS.items() if kind == "text")
_FLAG_COLUMNS = tuple((k, c) for k, (c, kind) in f.SCALARS.items() if kind == "flag")
_CODE_COLUMNS = tuple((k, c) for k, (c, kind) in f.SCALARS.items() if kind.startswith("code:"))
_COLLECTION_COLUMNS = tuple((k, spec[0]) for k, spec in f.COLLECTIONS.items())
_NOT_EXTRA = frozenset(_HANDLERS) - f.EXTRA_FLAGS
_PERSONAL = (*f.PII_TEXT, f.PII_LIST)


def columns_of(item: Normalized, *, now: dt.datetime) -> tuple[Record, Record]:
    """Dossier column values (without pii/id/version) and the plain personal data."""
    rec = item.canonical
    get = rec.get
    cols: Record = {"code": item.code, "unit_id": item.unit_id, "procedure_id": item.procedure_id}
    moments = item.moments
    for key, column in _DATE_COLUMNS:
        cols[column] = moments.get(key) or f.parse_datetime(get(key))
    for key, column in _TEXT_COLUMNS:
        cols[column] = get(key) or ""
    for key, column in _FLAG_COLUMNS:
        cols[column] = get(key) == "1"
    for key, column in _CODE_COLUMNS:
        value = get(key)
        cols[column] = int(value) if value is not None else None
    cols["extra"] = {key: value for key, value in rec.items() if key not in _NOT_EXTRA}
    for key, column in _COLLECTION_COLUMNS:
        cols[column] = get(key, [])
    cols.update(
        derive_flags(cols["components"], cols["fees"], cols["results"], cols["supplements"])
    )
    personal = {key: rec[key] for key in _PERSONAL if key in rec}
    cols["applicant_key"] = fold(cols["applicant_name"])
    cols["updated_at"] = now
    return cols, personal
