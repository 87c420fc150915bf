"""Official DVCQG evaluations: reading a response in either published shape, and storing it.

Shapes (INDICATORS.md, "Reconciling"):

* ``tree``: ``data.parent`` and ``data.children[]``, one object per unit with
  ``departmentCode`` (or ``unitCode``/``agencyCode``), ``level``, ``totalReceived``,
  ``totalOnTime``, ``ratio``, ``totalScore``, ``totalMaxScore``: a group's figures per unit.
  The group is ``groupCode`` (on the object or on ``data``); objects with ``totalOnTime``
  and no code are group 2 (its one indicator, PROGRESS_ON_TIME, counts on-time dossiers).
* ``metrics``: ``data.overview.metrics[]`` (the unit named on the overview or on ``data``)
  and ``data.evaluation[]``, one object per unit with a code and ``metrics[]`` of ``code``,
  ``numerator``, ``denominator``, ``ratio``, ``score``, ``maxScore``. Codes are indicator
  codes, ``group:N`` or ``total``.

An optional period is ``data.fromDate``/``data.toDate`` (YYYY-MM-DD or DD/MM/YYYY).
Numbers may be JSON numbers or numeric strings; null (or a missing field) stays null.
Anything else is a :class:`OfficialFileError` naming the place, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from motcua.audit.log import Actor, record
from motcua.indicators.models import OfficialEvaluation, OfficialFigure
from motcua.indicators.period import Period
from motcua.units.history import UnitLookupError, resolve_code

UNIT_KEYS = ("departmentCode", "unitCode", "agencyCode", "maDonVi")
GROUP_KEYS = ("groupCode", "criteriaCode")


class OfficialFileError(ValueError):
    """The file is not a DVCQG evaluation response we can read; the message names where."""


@dataclass
class OfficialRow:
    place: str  # where in the file, e.g. data.evaluation[2].metrics[0]
    unit_code: str
    unit_id: int | None
    indicator: str
    numerator: float | None
    denominator: float | None
    ratio: float | None
    score: float | None
    max_score: float | None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class OfficialResponse:
    shape: str
    period: Period | None
    rows: list[OfficialRow]
    raw: dict[str, Any]


def load(text: str) -> OfficialResponse:
    """Parse and validate a response (every unit code must name a unit)."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OfficialFileError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    data = raw.get("data") if isinstance(raw, dict) else None
    if not isinstance(data, dict):
        raise OfficialFileError("not a DVCQG evaluation response: no 'data' object")
    period = _period(data)
    if "parent" in data or "children" in data:
        rows = _tree_rows(data)
        shape = OfficialEvaluation.Shape.TREE
    elif "overview" in data or "evaluation" in data:
        rows = _metric_rows(data)
        shape = OfficialEvaluation.Shape.METRICS
    else:
        raise OfficialFileError(
            "not a DVCQG evaluation response: 'data' has neither parent/children nor "
            "overview/evaluation"
        )
    if not rows:
        raise OfficialFileError("the response has no figures")
    _resolve_units(rows, period)
    _no_duplicates(rows)
    return OfficialResponse(shape, period, rows, raw)


def _number(value: Any, place: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise OfficialFileError(f"{place}: {value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            pass
    raise OfficialFileError(f"{place}: {value!r} is not a number")


def _date(value: Any, place: str) -> dt.date:
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
    raise OfficialFileError(f"{place}: {value!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")


def _period(data: Mapping[str, Any]) -> Period | None:
    start, end = data.get("fromDate"), data.get("toDate")
    if start is None and end is None:
        return None
    if start is None or end is None:
        missing = "data.fromDate" if start is None else "data.toDate"
        raise OfficialFileError(f"{missing} is missing (the period needs both ends)")
    first, last = _date(start, "data.fromDate"), _date(end, "data.toDate")
    if last < first:
        raise OfficialFileError(f"data.toDate {last} is before data.fromDate {first}")
    return Period(first, last)


def _unit_code(obj: Mapping[str, Any]) -> str:
    for key in UNIT_KEYS:
        if obj.get(key):
            return str(obj[key]).strip()
    return ""


def _object(value: Any, place: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise OfficialFileError(f"{place}: expected an object, got {type(value).__name__}")
    return value


def _list(value: Any, place: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise OfficialFileError(f"{place}: expected a list, got {type(value).__name__}")
    return value


def _tree_rows(data: Mapping[str, Any]) -> list[OfficialRow]:
    objects: list[tuple[str, dict[str, Any]]] = []
    if data.get("parent") is not None:
        objects.append(("data.parent", _object(data["parent"], "data.parent")))
    for i, child in enumerate(_list(data.get("children"), "data.children")):
        objects.append((f"data.children[{i}]", _object(child, f"data.children[{i}]")))
    default_group = next((str(data[k]) for k in GROUP_KEYS if data.get(k)), "")
    rows = []
    for place, obj in objects:
        code = _unit_code(obj)
        if not code:
            raise OfficialFileError(f"{place}: no unit code ({', '.join(UNIT_KEYS)})")
        group = next((str(obj[k]) for k in GROUP_KEYS if obj.get(k)), default_group)
        if not group and "totalOnTime" in obj:
            group = "2"
        rows.append(
            OfficialRow(
                place=place,
                unit_code=code,
                unit_id=None,
                indicator=f"group:{group or '?'}",
                numerator=_number(obj.get("totalOnTime"), f"{place}.totalOnTime"),
                denominator=_number(obj.get("totalReceived"), f"{place}.totalReceived"),
                ratio=_number(obj.get("ratio"), f"{place}.ratio"),
                score=_number(obj.get("totalScore"), f"{place}.totalScore"),
                max_score=_number(obj.get("totalMaxScore"), f"{place}.totalMaxScore"),
                raw={k: v for k, v in obj.items() if k != "children"},
            )
        )
    return rows


def _metric_rows(data: Mapping[str, Any]) -> list[OfficialRow]:
    units: list[tuple[str, str, list[Any]]] = []
    if data.get("overview") is not None:
        overview = _object(data["overview"], "data.overview")
        code = _unit_code(overview) or _unit_code(data)
        units.append(
            ("data.overview", code, _list(overview.get("metrics"), "data.overview.metrics"))
        )
    for i, item in enumerate(_list(data.get("evaluation"), "data.evaluation")):
        place = f"data.evaluation[{i}]"
        obj = _object(item, place)
        code = _unit_code(obj)
        if not code:
            raise OfficialFileError(f"{place}: no unit code ({', '.join(UNIT_KEYS)})")
        units.append((place, code, _list(obj.get("metrics"), f"{place}.metrics")))
    rows = []
    for place, code, metrics in units:
        for j, metric in enumerate(metrics):
            where = f"{place}.metrics[{j}]"
            m = _object(metric, where)
            indicator = str(m.get("code") or "").strip()
            if not indicator:
                raise OfficialFileError(f"{where}.code is missing")
            rows.append(
                OfficialRow(
                    place=where,
                    unit_code=code,
                    unit_id=None,
                    indicator=indicator,
                    numerator=_number(m.get("numerator"), f"{where}.numerator"),
                    denominator=_number(m.get("denominator"), f"{where}.denominator"),
                    ratio=_number(m.get("ratio"), f"{where}.ratio"),
                    score=_number(m.get("score"), f"{where}.score"),
                    max_score=_number(m.get("maxScore"), f"{where}.maxScore"),
                    raw=dict(m),
                )
            )
    return rows


def _resolve_units(rows: list[OfficialRow], period: Period | None) -> None:
    found: dict[str, int] = {}
    for row in rows:
        if not row.unit_code:
            continue
        if row.unit_code not in found:
            try:
                unit = resolve_code(row.unit_code, on=period.end if period else None)
            except UnitLookupError as exc:
                raise OfficialFileError(f"{row.place}: unknown unit: {exc}") from None
            found[row.unit_code] = unit.pk
        row.unit_id = found[row.unit_code]


def _no_duplicates(rows: list[OfficialRow]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row.unit_code, row.indicator)
        if key in seen:
            raise OfficialFileError(
                f"{row.place}: {row.indicator} for unit {row.unit_code or '(overview)'} "
                f"again (first at {seen[key]})"
            )
        seen[key] = row.place


def content_hash(raw: Any) -> str:
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def store(
    response: OfficialResponse, *, source_name: str = "", actor: Actor = None
) -> tuple[OfficialEvaluation, bool]:
    """Store the response and its figures in one transaction; ``(evaluation, created)``.

    A response already stored (same canonical JSON) is returned as is: importing a file
    twice stores it once.
    """
    digest = content_hash(response.raw)
    with transaction.atomic():
        existing = OfficialEvaluation.objects.filter(content_hash=digest).first()
        if existing is not None:
            return existing, False
        evaluation = OfficialEvaluation.objects.create(
            content_hash=digest,
            source_name=source_name[:255],
            shape=response.shape,
            period_start=response.period.start if response.period else None,
            period_end=response.period.end if response.period else None,
            raw=response.raw,
        )
        OfficialFigure.objects.bulk_create(
            OfficialFigure(
                evaluation=evaluation,
                unit_id=row.unit_id,
                unit_code=row.unit_code,
                indicator=row.indicator,
                numerator=row.numerator,
                denominator=row.denominator,
                ratio=row.ratio,
                score=row.score,
                max_score=row.max_score,
                raw=row.raw,
            )
            for row in response.rows
        )
        record(
            "indicators.official_import",
            actor=actor,
            object_type="official_evaluation",
            object_id=evaluation.pk,
            source=source_name,
            shape=response.shape,
            figures=len(response.rows),
        )
    return evaluation, True
