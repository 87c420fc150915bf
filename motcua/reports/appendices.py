"""Seed 000's appendix tables for any period and scope (docs/reports.md).

* Appendix 1: procedures with at least one dossier received in the period, by their online
  service level on the period's last day (paper, partial, full).
* Appendix 2: dossiers received, received online and resolved online (the plan set's
  ``online_received`` and ``online_resolved``), sorted by the resolved-online rate,
  highest first, within each group.
* Appendix 3: successful online payments through DVCQG (platform flag 1): land tax for the
  district level (table 1), fees for provincial agencies (table 2), by amount, largest
  first.

Rows are A. provincial agencies (level ``agency``) and B. district level (each row covers
the district and its communes). Every figure is the unit's subtree, history respected.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Sum

from motcua.dossiers.models import Payment
from motcua.indicators.models import DailyFact
from motcua.indicators.period import Period
from motcua.indicators.registry import formula_set
from motcua.indicators.report import ScopeUnit, figure_rows, units_in_scope
from motcua.procedures.models import ServiceLevelVersion
from motcua.reports.document import Column, Document, Heading, Paragraph, Section, Table
from motcua.reports.numbers import integer
from motcua.units.history import rollup_map
from motcua.units.models import Level

GROUPS = (
    (Level.AGENCY, "A", "Các Sở, Ban, ngành cấp tỉnh"),
    (Level.DISTRICT, "B", "UBND các huyện, thành phố"),
)


def footnote(period: Period) -> str:
    return f"*Số liệu thống kê từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"


def scope(period: Period, root_id: int | None) -> list[ScopeUnit]:
    levels = {level for level, _, _ in GROUPS}
    return [u for u in units_in_scope(period, root_id, None) if u.level in levels]


def _members(period: Period, units: list[ScopeUnit]) -> dict[int, set[int]]:
    everything = rollup_map(period.start, period.end)
    return {u.id: everything.get(u.id, {u.id}) for u in units}


def _sections(
    units: list[ScopeUnit], rows: dict[int, dict[str, Any]], key: Any = None
) -> list[Section]:
    sections = []
    for level, label, title in GROUPS:
        chosen = [u for u in units if u.level == level and u.id in rows]
        if key is not None:
            chosen.sort(key=lambda u: key(rows[u.id]))
        if chosen:
            sections.append(Section(label, title, [rows[u.id] for u in chosen]))
    return sections


def appendix1(period: Period, root_id: int | None) -> Document:
    units = scope(period, root_id)
    members = _members(period, units)
    all_ids = set().union(*members.values()) if members else set()
    used: dict[int, set[int]] = defaultdict(set)  # member unit → procedures
    pairs = (
        DailyFact.objects.filter(
            unit_id__in=all_ids, received_day__gte=period.start, received_day__lte=period.end
        )
        .values_list("unit_id", "procedure_id")
        .distinct()
    )
    for unit_id, procedure_id in pairs:
        used[unit_id].add(procedure_id)
    procedures = set().union(*used.values()) if used else set()
    level_of: dict[int, str] = {}
    for pid, level in (
        ServiceLevelVersion.objects.filter(procedure_id__in=procedures, valid_from__lte=period.end)
        .order_by("valid_from")
        .values_list("procedure_id", "level")
    ):
        level_of[pid] = level
    rows: dict[int, dict[str, Any]] = {}
    for u in units:
        mine = set().union(*(used.get(m, set()) for m in members[u.id]))
        counts = {"none": 0, "partial": 0, "full": 0}
        for pid in mine:
            counts[level_of.get(pid, "none") if level_of.get(pid) in counts else "none"] += 1
        if not mine:
            continue  # the appendix lists units with dossiers only
        rows[u.id] = {
            "name": u.name,
            "code": u.code,
            "paper": counts["none"],
            "partial": counts["partial"],
            "full": counts["full"],
        }
    sections = _sections(units, rows)
    table = Table(
        "",
        [
            Column("name", "Tên đơn vị, địa phương", "text", 40),
            Column("paper", "Hồ sơ giấy", "int", 12),
            Column("partial", "DVC trực tuyến một phần", "int", 14),
            Column("full", "DVC trực tuyến toàn trình", "int", 14),
        ],
        sections,
        total=_sum(sections, ("paper", "partial", "full")),
        footnote=footnote(period),
    )
    return Document(
        "appendix1",
        ["PHỤ LỤC 1", "DANH SÁCH DỊCH VỤ CÔNG, DỊCH VỤ CÔNG TRỰC TUYẾN", "PHÁT SINH HỒ SƠ"],
        [Paragraph("Dịch vụ công phát sinh hồ sơ theo mức độ cung cấp", italic=True), table],
    )


def _sum(sections: list[Section], keys: tuple[str, ...]) -> dict[str, Any]:
    total: dict[str, Any] = {"name": "Tổng cộng"}
    for key in keys:
        total[key] = sum(row[key] for s in sections for row in s.rows)
    return total


def _rate(b: int, a: int) -> float | None:
    return b / a if a else None


def appendix2(period: Period, root_id: int | None) -> Document:
    units = scope(period, root_id)
    fs = formula_set("plan")
    figures = figure_rows(fs, period, units)
    by: dict[tuple[str, str], dict[str, Any]] = {
        (r["unit_code"], r["indicator"]): r for r in figures
    }
    rows: dict[int, dict[str, Any]] = {}
    for u in units:
        received = by[(u.code, "online_received")]
        resolved = by[(u.code, "online_resolved")]
        a = received["denominator"]
        if not a:
            continue  # the appendix lists units with dossiers only
        rows[u.id] = {
            "name": u.name,
            "code": u.code,
            "received": a,
            "online": received["numerator"],
            "online_rate": _rate(received["numerator"], a),
            "resolved": resolved["numerator"],
            "resolved_rate": _rate(resolved["numerator"], a),
        }

    def order(row: dict[str, Any]) -> tuple[float, str]:
        return (-(row["resolved_rate"] or 0.0), row["name"])

    sections = _sections(units, rows, order)
    total = _sum(sections, ("received", "online", "resolved"))
    total["online_rate"] = _rate(total["online"], total["received"])
    total["resolved_rate"] = _rate(total["resolved"], total["received"])
    table = Table(
        "",
        [
            Column("name", "Tên đơn vị, địa phương", "text", 38),
            Column("received", "Tổng số hồ sơ", "int", 11),
            Column("online", "Hồ sơ tiếp nhận trực tuyến", "int", 12),
            Column("online_rate", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "rate", 12),
            Column("resolved", "Hồ sơ giải quyết trực tuyến", "int", 12),
            Column("resolved_rate", "Tỷ lệ hồ sơ giải quyết trực tuyến", "rate", 12),
        ],
        sections,
        total=total,
        footnote=footnote(period),
    )
    return Document("appendix2", ["PHỤ LỤC 2", "TỶ LỆ HỒ SƠ TIẾP NHẬN, XỬ LÝ TRỰC TUYẾN"], [table])


def appendix3(period: Period, root_id: int | None) -> Document:
    units = scope(period, root_id)
    members = _members(period, units)
    owner = {m: uid for uid, ms in members.items() for m in ms}
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    payments = (
        Payment.objects.filter(
            dossier__unit_id__in=list(owner),
            channel=Payment.Channel.ONLINE,
            state=Payment.State.SUCCESS,
            platform_flag=1,
            at__gte=period.start_at,
            at__lt=period.end_at,
        )
        .values("dossier__unit_id")
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    for row in payments:
        pair = found[owner[row["dossier__unit_id"]]]
        pair[0] += row["n"]
        pair[1] += row["amount"] or 0
    blocks: list[Any] = []
    parts = (
        (
            Level.DISTRICT,
            "1. Thanh toán trực tuyến về nghĩa vụ tài chính thuộc lĩnh vực đất đai "
            "(thu thuế đất) qua Cổng Dịch vụ công quốc gia:",
        ),
        (Level.AGENCY, "2. Thanh toán trực tuyến về phí, lệ phí qua Cổng Dịch vụ công quốc gia:"),
    )
    for level, heading in parts:
        rows: list[dict[str, Any]] = [
            {"name": u.name, "code": u.code, "count": found[u.id][0], "amount": found[u.id][1]}
            for u in units
            if u.level == level and found.get(u.id, [0])[0] > 0
        ]
        rows.sort(key=lambda r: (-r["amount"], r["name"]))
        n, amount = sum(r["count"] for r in rows), sum(r["amount"] for r in rows)
        blocks += [
            Heading(heading, 2),
            Paragraph(
                f"Số liệu thống kê từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}."
            ),
            Paragraph(f"Thực hiện {integer(n)} giao dịch thanh toán trực tuyến thành công;"),
            Paragraph(f"Tổng số tiền thanh toán là {integer(amount)} đồng. Cụ thể như sau:"),
            Table(
                "",
                [
                    Column("name", "Tên đơn vị", "text", 40),
                    Column("count", "Số giao dịch", "int", 14),
                    Column("amount", "Số tiền (VNĐ)", "money", 18),
                ],
                [Section("", "", rows)],
                total={"name": "Tổng cộng", "count": n, "amount": amount},
            ),
        ]
    return Document(
        "appendix3", ["PHỤ LỤC 3", "THANH TOÁN TRỰC TUYẾN QUA CỔNG DỊCH VỤ CÔNG"], blocks
    )
