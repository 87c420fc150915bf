"""The Decision 766 scorecard of one unit or of every unit (docs/reports.md): groups,
indicators, points, and the indicators that cost the most points (max − score)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from motcua.indicators.period import Period
from motcua.indicators.registry import formula_set
from motcua.indicators.report import figure_rows, units_in_scope
from motcua.reports.document import Block, Column, Document, Heading, Paragraph, Section, Table
from motcua.reports.numbers import integer
from motcua.units.models import Level

SET_ID = "qd766-2025"


def _unit_table(rows: list[dict[str, Any]]) -> tuple[Table, list[dict[str, Any]]]:
    fs = formula_set(SET_ID)
    by_code = {r["indicator"]: r for r in rows}
    sections = []
    for group in fs.groups:
        g = by_code.get(f"group:{group.code}")
        items = []
        for code in group.indicators:
            r = by_code.get(code)
            if r is None:
                continue
            items.append(
                {
                    "name": r["name"] + (" (tạm tính)" if r["provisional"] else ""),
                    "fraction": f"{integer(r['numerator'])}/{integer(r['denominator'])}",
                    "rate": r["rate"],
                    "score": r["score"],
                    "max": r["max_score"],
                    "lost": (r["max_score"] or 0) - (r["score"] or 0),
                }
            )
        title = (
            f"Nhóm {group.code}. {group.name_vi}: {_n(g['score'] if g else 0)}/{_n(group.max)} điểm"
        )
        sections.append(Section("", title, items))
    total = by_code.get("total")
    table = Table(
        "",
        [
            Column("name", "Chỉ số", "text", 40),
            Column("fraction", "b/a", "text", 14),
            Column("rate", "Tỷ lệ", "rate1", 9),
            Column("score", "Điểm", "text", 8),
            Column("max", "Tối đa", "text", 8),
            Column("lost", "Điểm bị mất", "text", 10),
        ],
        sections,
        total={"name": "Tổng điểm", "score": _n(total["score"]), "max": _n(total["max_score"])}
        if total
        else None,
    )
    for s in sections:
        for item in s.rows:
            item["score"], item["max"] = _n(item["score"]), _n(item["max"])
            item["lost_value"] = item["lost"]
            item["lost"] = _n(item["lost"])
    losses = sorted((i for s in sections for i in s.rows), key=lambda i: -i["lost_value"])
    return table, [i for i in losses if i["lost_value"] > 0][:5]


def _n(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def scorecard(period: Period, root_id: int | None) -> Document:
    fs = formula_set(SET_ID)
    units = units_in_scope(period, root_id, None)
    if root_id is None:
        units = [u for u in units if u.level in (Level.AGENCY, Level.DISTRICT)]
    rows = figure_rows(fs, period, units)
    per_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        per_unit[r["unit_code"]].append(r)
    blocks: list[Block] = [
        Paragraph(
            f"Kỳ đánh giá: từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}; "
            f"bộ chỉ số {fs.id} (Quyết định 766/QĐ-TTg), tối đa {_n(fs.max_score)} điểm "
            "cho các nhóm đang tính."
        ),
    ]
    chosen = units[:1] if root_id is not None else units
    if root_id is None:
        summary = []
        for u in units:
            by_code = {r["indicator"]: r for r in per_unit[u.code]}
            row: dict[str, Any] = {"name": u.name, "total": by_code["total"]["score"]}
            for g in fs.groups:
                row[g.code] = by_code[f"group:{g.code}"]["score"]
            summary.append(row)
        summary.sort(key=lambda r: (-r["total"], r["name"]))
        for row in summary:
            for key in ["total", *(g.code for g in fs.groups)]:
                row[key] = _n(row[key])
        blocks.append(Heading("Tổng hợp các đơn vị"))
        blocks.append(
            Table(
                "",
                [
                    Column("name", "Đơn vị", "text", 34),
                    *[
                        Column(g.code, f"Nhóm {g.code} (/{_n(g.max)})", "text", 9)
                        for g in fs.groups
                    ],
                    Column("total", f"Tổng (/{_n(fs.max_score)})", "text", 10),
                ],
                [Section("", "", summary)],
            )
        )
    for u in chosen:
        table, losses = _unit_table(per_unit[u.code])
        blocks += [Heading(f"{u.name} ({u.code})"), table]
        if losses:
            blocks.append(
                Paragraph(
                    "Mất nhiều điểm nhất: "
                    + "; ".join(f"{i['name']} (−{i['lost']})" for i in losses)
                )
            )
    return Document(
        "scorecard",
        ["BẢNG ĐIỂM", "CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP", "(Quyết định 766/QĐ-TTg)"],
        blocks,
    )
