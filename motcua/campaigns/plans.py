"""Plan tasks: deadlines, the import of a plan's task appendix, overdue and missing reports.

The import reads CSV or XLSX laid out like seed 004's appendix I (TT, Tên nhiệm vụ, Sản
phẩm dự kiến hoàn thành, Cơ quan chủ trì, Cơ quan, đơn vị phối hợp, Thời gian thực hiện).
It validates every row, then writes everything in one transaction, or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from motcua.audit.log import Actor, record
from motcua.campaigns.models import Plan, PlanTask, TaskReport
from motcua.core.text import fold
from motcua.units.models import Level, Unit

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER = re.compile(r"^quy\s+(i{1,3}|iv|[1-4])\s*/\s*(\d{4})$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH = re.compile(r"^thang\s+(\d{1,2})\s*/\s*(\d{4})$")

# Group phrases in the lead/coordinating columns → the level they name.
GROUP_PHRASES = (
    ("cac so, ban, nganh", Level.AGENCY),
    ("cac so ban nganh", Level.AGENCY),
    ("so, ban, nganh", Level.AGENCY),
    ("ubnd cap huyen", Level.DISTRICT),
    ("ubnd cac huyen, thanh pho", Level.DISTRICT),
    ("ubnd cap xa", Level.COMMUNE),
)

HEADERS = {
    "number": ("tt", "stt"),
    "content": ("ten nhiem vu", "noi dung", "nhiem vu"),
    "product": ("san pham du kien hoan thanh", "san pham du kien", "san pham"),
    "lead": ("co quan chu tri", "don vi chu tri"),
    "coordinating": ("co quan, don vi phoi hop", "don vi phoi hop", "co quan phoi hop"),
    "deadline": ("thoi gian thuc hien", "thoi han", "thoi gian hoan thanh"),
}
REQUIRED = ("number", "content", "lead", "deadline")


class PlanImportError(ValueError):
    pass


@dataclass(frozen=True)
class Deadline:
    kind: str
    due: dt.date | None
    every: str = ""


def parse_deadline(text: str) -> Deadline:
    """``31/12/2024`` → that day; ``Quý III/2024`` → 30/09/2024; ``Tháng 6/2024`` → its
    last day; ``Thường xuyên`` → recurring (reported every quarter); anything else is kept
    as text with no due date (``other``)."""
    key = fold(text).strip()
    if m := _DATE.match(key):
        return Deadline(PlanTask.Deadline.DATE, dt.date(int(m[3]), int(m[2]), int(m[1])))
    if m := _QUARTER.match(key):
        quarter = ROMAN.get(m[1]) or int(m[1])
        year = int(m[2])
        after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
        return Deadline(PlanTask.Deadline.QUARTER, after - dt.timedelta(days=1))
    if m := _MONTH.match(key):
        month, year = int(m[1]), int(m[2])
        after = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        return Deadline(PlanTask.Deadline.DATE, after - dt.timedelta(days=1))
    if key.startswith("thuong xuyen"):
        return Deadline(PlanTask.Deadline.RECURRING, None, PlanTask.Every.QUARTER)
    return Deadline(PlanTask.Deadline.OTHER, None)


@dataclass
class Parties:
    units: list[int] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def resolve_parties(text: str, names: dict[str, int]) -> Parties:
    """Units and levels named in a lead or coordinating cell (separated by ; or ,)."""
    found = Parties()
    rest = fold(text)
    for phrase, level in GROUP_PHRASES:
        if phrase in rest:
            found.levels.append(level)
            rest = rest.replace(phrase, ";")
    for part in re.split(r"[;,\n]", rest):
        part = part.strip(" .")
        if not part:
            continue
        if part in names:
            found.units.append(names[part])
        else:
            found.unknown.append(part)
    return found


@dataclass
class TaskRow:
    line: int
    number: int
    content: str
    product: str
    lead: str
    coordinating: str
    deadline_text: str
    deadline: Deadline
    lead_parties: Parties
    coordinating_parties: Parties


def _rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
            return [
                ["" if v is None else str(v).strip() for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        if suffix in (".csv", ".tsv", ".txt"):
            text = path.read_text(encoding="utf-8-sig")
            dialect = "excel-tab" if suffix != ".csv" or "\t" in text.splitlines()[0] else "excel"
            return [
                [c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect=dialect)
            ]
    except OSError as exc:
        raise PlanImportError(f"{path}: không đọc được tệp ({exc.strerror})") from None
    raise PlanImportError(
        f"{path}: định dạng {suffix or '(không có)'} không hỗ trợ (CSV hoặc XLSX)"
    )


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    folded = [fold(h).strip(" *") for h in header]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for i, h in enumerate(folded):
            if h in names:
                columns[key] = i
                break
    missing = [HEADERS[k][0] for k in REQUIRED if k not in columns]
    if missing:
        raise PlanImportError(f"{path}: dòng 1: thiếu cột {', '.join(missing)}")
    return columns


def _merged(rows: list[list[str]], columns: dict[str, int]) -> list[tuple[int, list[str]]]:
    """Data rows with their line numbers; a row without a number whose other cells have
    text (a task broken over a page) is appended to the row above."""
    merged: list[tuple[int, list[str]]] = []
    number = columns["number"]
    for line, raw in enumerate(rows[1:], start=2):
        cells = list(raw)
        if not any(cells):
            continue
        blank_number = number >= len(cells) or not cells[number]
        if blank_number and merged:
            previous = merged[-1][1]
            previous += [""] * (len(cells) - len(previous))
            for i, text in enumerate(cells):
                if text:
                    previous[i] = f"{previous[i]} {text}".strip()
            continue
        merged.append((line, cells))
    return merged


def _unit_names() -> dict[str, int]:
    return {fold(name): pk for pk, name in Unit.objects.values_list("pk", "name")}


def read_tasks(path: Path, *, allow_external: bool = False) -> list[TaskRow]:
    rows = [[re.sub(r"<[^>]+>", "", c).strip() for c in row] for row in _rows(path)]
    if not rows:
        raise PlanImportError(f"{path}: tệp rỗng")
    columns = _columns(path, rows[0])
    names = _unit_names()
    tasks: list[TaskRow] = []
    seen: set[int] = set()
    above: dict[str, str] = {}
    for line, raw in _merged(rows, columns):

        def cell(key: str, raw: list[str] = raw) -> str:
            i = columns.get(key)
            return raw[i].strip() if i is not None and i < len(raw) else ""

        def fail(key: str, message: str, line: int = line) -> PlanImportError:
            return PlanImportError(f"{path}: dòng {line}, cột {HEADERS[key][0]}: {message}")

        try:
            number = int(cell("number"))
        except ValueError:
            raise fail("number", f"số thứ tự không hợp lệ {cell('number')!r}") from None
        if number in seen:
            raise fail("number", f"số thứ tự {number} bị trùng")
        seen.add(number)
        content = cell("content")
        if not content and above:  # continues the task above (merged cells in the original)
            content = above["content"]
            lead = cell("lead") or above["lead"]
            coordinating = cell("coordinating") or above["coordinating"]
            deadline_text = cell("deadline") or above["deadline"]
        else:
            lead, coordinating = cell("lead"), cell("coordinating")
            deadline_text = cell("deadline")
        if not content:
            raise fail("content", "thiếu tên nhiệm vụ")
        above = {
            "content": content,
            "lead": lead,
            "coordinating": coordinating,
            "deadline": deadline_text,
        }
        if not lead:
            raise fail("lead", "thiếu cơ quan chủ trì")
        if not deadline_text:
            raise fail("deadline", "thiếu thời gian thực hiện")
        lead_parties = resolve_parties(lead, names)
        coordinating_parties = resolve_parties(coordinating, names)
        for key, parties in (("lead", lead_parties), ("coordinating", coordinating_parties)):
            if parties.unknown and not allow_external:
                raise fail(
                    key,
                    f"không tìm thấy đơn vị {parties.unknown[0]!r} "
                    "(dùng --allow-external cho cơ quan ngoài hệ thống)",
                )
        if not lead_parties.units and not lead_parties.levels and not allow_external:
            raise fail("lead", "không xác định được cơ quan chủ trì")
        tasks.append(
            TaskRow(
                line,
                number,
                content,
                cell("product"),
                lead,
                coordinating,
                deadline_text,
                parse_deadline(deadline_text),
                lead_parties,
                coordinating_parties,
            )
        )
    if not tasks:
        raise PlanImportError(f"{path}: không có nhiệm vụ nào")
    return tasks


def import_tasks(plan: Plan, tasks: list[TaskRow], *, actor: Actor) -> int:
    with transaction.atomic():
        existing = set(plan.tasks.values_list("number", flat=True))
        clash = [t for t in tasks if t.number in existing]
        if clash:
            raise PlanImportError(
                f"dòng {clash[0].line}: kế hoạch {plan.number} đã có nhiệm vụ số {clash[0].number}"
            )
        for t in tasks:
            task = PlanTask.objects.create(
                plan=plan,
                number=t.number,
                content=t.content,
                product=t.product,
                lead_text=t.lead,
                coordinating_text=t.coordinating,
                lead_levels=[str(v) for v in t.lead_parties.levels],
                external=t.lead_parties.unknown + t.coordinating_parties.unknown,
                deadline_text=t.deadline_text,
                deadline_kind=t.deadline.kind,
                due=t.deadline.due,
                report_every=t.deadline.every,
            )
            task.lead_units.set(t.lead_parties.units)
            task.coordinating_units.set(t.coordinating_parties.units)
        record("plan.import", actor=actor, object_type="plan", object_id=plan.pk, tasks=len(tasks))
    return len(tasks)


# --- overdue tasks and missing reports ---------------------------------------------


def period_start(day: dt.date, every: str) -> dt.date:
    """The first day of the reporting period (week, month, quarter) containing ``day``."""
    if every == PlanTask.Every.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if every == PlanTask.Every.MONTH:
        return day.replace(day=1)
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def lead_unit_ids(task: PlanTask) -> set[int]:
    ids = {u.pk for u in task.lead_units.all()}
    if task.lead_levels:
        ids |= set(Unit.objects.filter(level__in=task.lead_levels).values_list("pk", flat=True))
    return ids


@dataclass(frozen=True)
class Flag:
    task: PlanTask
    kind: str  # "overdue" or "missing_report"
    unit_ids: frozenset[int]


def flags(plans: list[Plan], as_of: dt.date) -> list[Flag]:
    """Dated tasks past their due day without a "done" report from every lead unit
    (overdue), and recurring tasks whose lead units have not reported in the current
    reporting period (missing report)."""
    result: list[Flag] = []
    tasks = PlanTask.objects.filter(plan__in=plans).prefetch_related("lead_units", "reports")
    for task in tasks:
        leads = lead_unit_ids(task)
        reports = list(task.reports.all())
        if task.due is not None and task.due < as_of:
            done = {r.unit_id for r in reports if r.status == TaskReport.Status.DONE}
            late = leads - done if leads else ({0} if not done else set())
            if late:
                result.append(Flag(task, "overdue", frozenset(late)))
        elif task.deadline_kind == PlanTask.Deadline.RECURRING:
            since = period_start(as_of, task.report_every or PlanTask.Every.QUARTER)
            reported = {r.unit_id for r in reports if since <= r.reported_on <= as_of}
            missing = leads - reported
            if missing:
                result.append(Flag(task, "missing_report", frozenset(missing)))
    return result


def report_progress(
    task: PlanTask,
    *,
    unit_id: int,
    status: str,
    note: str,
    actor: Actor,
    on: dt.date,
    evidence: Any = None,
) -> TaskReport:
    """A lead unit's progress report on a task, with its audit record (one transaction)."""
    if unit_id not in lead_unit_ids(task):
        raise PlanImportError(f"unit {unit_id} does not lead task {task.number}")
    with transaction.atomic():
        report = TaskReport(task=task, unit_id=unit_id, reported_on=on, status=status, note=note)
        if evidence:
            report.evidence = evidence
        report.save()
        record(
            "plan_task.report",
            actor=actor,
            object_type="plan_task",
            object_id=task.pk,
            unit_id=unit_id,
            status=status,
            evidence=bool(evidence),
        )
    return report
