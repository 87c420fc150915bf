"""Campaign and target files (YAML or JSON), validated into plain data.

Every error names the file and the field (``targets[2].increase``). The format is in
docs/campaigns.md. Nothing here touches the database except looking units up.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from motcua.indicators.registry import formula_set
from motcua.units.history import UnitLookupError, resolve_code
from motcua.units.models import Level, Unit


class SpecError(ValueError):
    pass


@dataclass(frozen=True)
class TargetSpec:
    indicator: str
    kind: str
    value: Decimal
    level: str = ""
    group_name: str = ""
    unit_ids: tuple[int, ...] = ()
    year: int | None = None
    formula_set: str = "plan"


@dataclass(frozen=True)
class PhaseSpec:
    name: str
    start: dt.date
    end: dt.date
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    start: dt.date
    end: dt.date
    plan_number: str = ""
    plan_date: dt.date | None = None
    issuer: str = ""
    baseline: tuple[dt.date, dt.date] | None = None
    root_id: int | None = None
    levels: tuple[str, ...] = ()
    formula_set: str = "plan"
    indicators: tuple[str, ...] = ()
    min_dossiers: int = 30
    checkpoints: tuple[dt.date, ...] = ()
    phases: tuple[PhaseSpec, ...] = ()
    targets: tuple[TargetSpec, ...] = field(default=())


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> SpecError:
        return SpecError(f"{self.source}: {where}: {message}")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "phải là một bảng khóa: giá trị (expected a mapping)")
        return value

    def text(self, data: dict[str, Any], key: str, where: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                raise self.fail(f"{where}{key}", "thiếu (required)")
            return ""
        if not isinstance(value, str | int):
            raise self.fail(f"{where}{key}", f"phải là chuỗi, không phải {value!r}")
        return str(value).strip()

    def date(self, data: dict[str, Any], key: str, where: str, required: bool = True) -> Any:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(f"{where}{key}", "thiếu ngày (required, YYYY-MM-DD)")
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(f"{where}{key}", f"ngày không hợp lệ {value!r} (YYYY-MM-DD)") from None

    def period(self, data: dict[str, Any], key: str) -> tuple[dt.date, dt.date]:
        block = self.mapping(data.get(key), key)
        start = self.date(block, "from", f"{key}.")
        end = self.date(block, "to", f"{key}.")
        if end < start:
            raise self.fail(f"{key}.to", f"{end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}")
        return start, end

    def unit(self, code: Any, where: str, on: dt.date) -> Unit:
        try:
            return resolve_code(str(code), on=on)
        except UnitLookupError as exc:
            raise self.fail(where, f"không tìm thấy đơn vị {code!r} ({exc})") from None


def load_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"{path}: không đọc được tệp ({exc.strerror})") from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        line = getattr(exc, "lineno", None) or getattr(
            getattr(exc, "problem_mark", None), "line", None
        )
        where = f" dòng {line + 1 if isinstance(exc, yaml.YAMLError) else line}" if line else ""
        raise SpecError(f"{path}:{where} tệp không đúng cú pháp YAML/JSON") from None


def _target(r: _Reader, raw: Any, where: str, set_id: str, on: dt.date) -> TargetSpec:
    data = r.mapping(raw, where)
    prefix = f"{where}."
    indicator = r.text(data, "indicator", prefix)
    fs_id = r.text(data, "formula_set", prefix, required=False) or set_id
    try:
        formula_set(fs_id).get(indicator)
    except KeyError as exc:
        raise r.fail(f"{prefix}indicator", str(exc).strip("'\"")) from None
    kinds = [k for k in ("absolute", "increase") if k in data]
    if len(kinds) != 1:
        raise r.fail(where, "cần đúng một trong absolute (tỷ lệ %) hoặc increase (điểm %)")
    kind = kinds[0]
    try:
        value = Decimal(str(data[kind]))
    except InvalidOperation:
        raise r.fail(f"{prefix}{kind}", f"không phải số: {data[kind]!r}") from None
    if not Decimal(0) <= value <= Decimal(100):
        raise r.fail(f"{prefix}{kind}", f"phải trong khoảng 0–100, không phải {value}")
    level = r.text(data, "level", prefix, required=False)
    if level and level not in Level.values:
        raise r.fail(f"{prefix}level", f"cấp {level!r} không có (có: {', '.join(Level.values)})")
    units_raw = data.get("units") or ([data["unit"]] if data.get("unit") else [])
    if not isinstance(units_raw, list):
        raise r.fail(f"{prefix}units", "phải là danh sách mã đơn vị")
    unit_ids = tuple(r.unit(code, f"{prefix}units[{i}]", on).pk for i, code in enumerate(units_raw))
    if bool(level) == bool(unit_ids):
        raise r.fail(where, "cần đúng một trong level, unit hoặc units")
    group = r.text(data, "group", prefix, required=False)
    if group and len(unit_ids) < 1:
        raise r.fail(f"{prefix}group", "nhóm đơn vị cần danh sách units")
    year = data.get("year")
    if year is not None and not isinstance(year, int):
        raise r.fail(f"{prefix}year", f"năm không hợp lệ {year!r}")
    return TargetSpec(indicator, kind, value, level, group, unit_ids, year, fs_id)


def _weekly(start: dt.date, end: dt.date, every: int) -> tuple[dt.date, ...]:
    days = []
    day = start + dt.timedelta(days=every - 1)
    while day < end:
        days.append(day)
        day += dt.timedelta(days=every)
    return (*days, end)


def parse_campaign(raw: Any, source: str) -> CampaignSpec:
    r = _Reader(source)
    data = r.mapping(raw, "(gốc)")
    name = r.text(data, "name", "")
    start, end = r.period(data, "period")
    baseline = r.period(data, "baseline") if data.get("baseline") is not None else None
    if baseline and baseline[1] >= start:
        raise r.fail("baseline.to", "kỳ gốc phải kết thúc trước ngày bắt đầu chiến dịch")
    plan = r.mapping(data.get("plan") or {}, "plan")
    set_id = r.text(data, "formula_set", "", required=False) or "plan"
    try:
        fs = formula_set(set_id)
    except KeyError as exc:
        raise r.fail("formula_set", str(exc).strip("'\"")) from None
    indicators = data.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        raise r.fail("indicators", "cần danh sách mã chỉ số (ít nhất một)")
    for i, code in enumerate(indicators):
        try:
            fs.get(str(code))
        except KeyError as exc:
            raise r.fail(f"indicators[{i}]", str(exc).strip("'\"")) from None
    scope = r.mapping(data.get("scope") or {}, "scope")
    root = r.unit(scope["root"], "scope.root", end).pk if scope.get("root") else None
    levels = scope.get("levels") or []
    if not isinstance(levels, list):
        raise r.fail("scope.levels", "phải là danh sách cấp")
    for i, level in enumerate(levels):
        if level not in Level.values:
            raise r.fail(
                f"scope.levels[{i}]", f"cấp {level!r} không có ({', '.join(Level.values)})"
            )
    checkpoints = _checkpoints(r, data, start, end)
    phases = tuple(
        _phase(r, p, f"phases[{i}]", start, end) for i, p in enumerate(data.get("phases") or [])
    )
    targets_raw = data.get("targets") or []
    if not isinstance(targets_raw, list):
        raise r.fail("targets", "phải là danh sách")
    targets = tuple(_target(r, t, f"targets[{i}]", set_id, end) for i, t in enumerate(targets_raw))
    for i, t in enumerate(targets):
        if t.indicator not in indicators:
            raise r.fail(f"targets[{i}].indicator", f"{t.indicator} không nằm trong indicators")
        if t.kind == "increase" and baseline is None:
            raise r.fail(f"targets[{i}].increase", "chỉ tiêu tăng cần kỳ gốc (baseline)")
    min_dossiers = data.get("min_dossiers", 30)
    if not isinstance(min_dossiers, int) or min_dossiers < 0:
        raise r.fail("min_dossiers", f"phải là số nguyên không âm, không phải {min_dossiers!r}")
    return CampaignSpec(
        name=name,
        start=start,
        end=end,
        plan_number=r.text(plan, "number", "plan.", required=False),
        plan_date=r.date(plan, "date", "plan.", required=False),
        issuer=r.text(plan, "issuer", "plan.", required=False),
        baseline=baseline,
        root_id=root,
        levels=tuple(levels),
        formula_set=set_id,
        indicators=tuple(str(c) for c in indicators),
        min_dossiers=min_dossiers,
        checkpoints=checkpoints,
        phases=phases,
        targets=targets,
    )


def _checkpoints(
    r: _Reader, data: dict[str, Any], start: dt.date, end: dt.date
) -> tuple[dt.date, ...]:
    raw = data.get("checkpoints")
    if raw is None:
        return _weekly(start, end, 7)
    if isinstance(raw, dict):
        every = raw.get("every_days")
        if not isinstance(every, int) or every < 1:
            raise r.fail("checkpoints.every_days", f"phải là số ngày dương, không phải {every!r}")
        return _weekly(start, end, every)
    if not isinstance(raw, list) or not raw:
        raise r.fail("checkpoints", "danh sách ngày hoặc {every_days: N}")
    days = []
    for i, _ in enumerate(raw):
        day = r.date({"d": raw[i]}, "d", f"checkpoints[{i}]")
        if not start <= day <= end:
            raise r.fail(
                f"checkpoints[{i}]",
                f"{day:%d/%m/%Y} nằm ngoài kỳ chiến dịch {start:%d/%m/%Y}–{end:%d/%m/%Y}",
            )
        days.append(day)
    return tuple(sorted(set(days)))


def _phase(r: _Reader, raw: Any, where: str, start: dt.date, end: dt.date) -> PhaseSpec:
    data = r.mapping(raw, where)
    name = r.text(data, "name", f"{where}.")
    p_start = r.date(data, "from", f"{where}.")
    p_end = r.date(data, "to", f"{where}.")
    if p_end < p_start or p_start < start or p_end > end:
        raise r.fail(f"{where}.to", "giai đoạn phải nằm trong kỳ chiến dịch")
    tasks = data.get("tasks") or []
    if not isinstance(tasks, list):
        raise r.fail(f"{where}.tasks", "phải là danh sách")
    return PhaseSpec(name, p_start, p_end, tuple(str(t) for t in tasks))


def parse_standing_targets(raw: Any, source: str) -> tuple[TargetSpec, ...]:
    r = _Reader(source)
    data = r.mapping(raw, "(gốc)")
    items = data.get("targets")
    if not isinstance(items, list) or not items:
        raise r.fail("targets", "cần danh sách chỉ tiêu")
    result = []
    for i, item in enumerate(items):
        year = r.mapping(item, f"targets[{i}]").get("year")
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise r.fail(f"targets[{i}].year", f"chỉ tiêu thường niên cần năm, không phải {year!r}")
        set_id = str(item.get("formula_set") or "plan")
        result.append(_target(r, item, f"targets[{i}]", set_id, dt.date(year, 12, 31)))
    return tuple(result)
