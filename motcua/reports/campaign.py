"""The weekly campaign report (docs/reports.md): summary, per unit and indicator the target,
baseline, each checkpoint as reported then, today's figures, the change since the previous
checkpoint and the status; a trend chart and a ranking chart per indicator; rankings; units
at risk; overdue plan tasks; at the end, the commendation and missed-target lists."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from motcua.campaigns import plans
from motcua.campaigns.evaluation import Evaluation, UnitTarget, evaluate, indicator_name
from motcua.campaigns.models import Campaign, Plan, Target
from motcua.campaigns.status import STATUS_LABELS_VI, Status
from motcua.reports.document import (
    Block,
    Chart,
    Column,
    Document,
    Heading,
    Paragraph,
    Section,
    Table,
)
from motcua.reports.numbers import integer, pct
from motcua.units.models import Level, Unit

LEVEL_TITLES: dict[str, str] = {
    Level.AGENCY: "Các Sở, Ban, ngành cấp tỉnh",
    Level.DISTRICT: "UBND các huyện, thành phố (bao gồm cấp xã)",
    Level.COMMUNE: "UBND cấp xã",
    Level.PROVINCE: "UBND tỉnh",
}


def target_label(t: Target) -> str:
    value = f"{t.value.normalize():f}".replace(".", ",")
    return f"+{value}" if t.kind == Target.Kind.INCREASE else f"≥{value}%"


def _unit_table(ev: Evaluation, code: str) -> Table:
    dues = ev.checkpoints
    columns = [
        Column("name", "Đơn vị", "text", 24),
        Column("target", "Chỉ tiêu", "text", 7),
        Column("baseline", "Kỳ gốc", "rate1", 8),
        Column("required", "Cần đạt", "rate1", 8),
        *[Column(f"cp{i}", f"{d:%d/%m}", "rate", 7) for i, d in enumerate(dues)],
        Column("current", "Hiện nay", "rate1", 8),
        Column("dossiers", "Số hồ sơ", "int", 8),
        Column("change", "Thay đổi so với tuần trước", "points", 8),
        Column("status", "Trạng thái", "text", 10),
    ]
    sections = []
    for level in (Level.AGENCY, Level.DISTRICT, Level.COMMUNE, Level.PROVINCE):
        rows = [r for r in ev.rows if r.indicator == code and r.unit.level == level]
        if rows:
            sections.append(Section("", LEVEL_TITLES[level], [_row(r, dues) for r in rows]))
    note = (
        "Chỉ tiêu «+n»: tăng n điểm phần trăm so với kỳ gốc; «≥n%»: đạt tối thiểu n%. "
        "Các cột theo mốc là số liệu đã báo cáo tại mốc đó (cố định); «Hiện nay» là số liệu "
        f"tính lại đến ngày {min(ev.as_of, ev.campaign.end):%d/%m/%Y}."
    )
    return Table(indicator_name(ev.campaign, code), columns, sections, footnote=note, small=True)


def _row(r: UnitTarget, dues: list[dt.date]) -> dict[str, Any]:
    by_due = {p.due: p for p in r.points}
    row: dict[str, Any] = {
        "name": r.unit.name,
        "target": target_label(r.target),
        "baseline": r.baseline_rate,
        "required": r.required,
        "current": r.current_rate,
        "dossiers": r.current[1],
        "change": r.change_since_last,
        "status": STATUS_LABELS_VI[r.status],
    }
    for i, d in enumerate(dues):
        point = by_due.get(d)
        row[f"cp{i}"] = point.rate if point else None
    return row


def _trend(ev: Evaluation, code: str) -> Chart:
    """Each level's rate (sum of numerators over sum of denominators) at each checkpoint."""
    series: dict[str, list[float | None]] = {}
    for level in (Level.AGENCY, Level.DISTRICT):
        rows = [r for r in ev.rows if r.indicator == code and r.unit.level == level]
        if not rows:
            continue
        values: list[float | None] = []
        for d in ev.checkpoints:
            b = sum(p.numerator for r in rows for p in r.points if p.due == d)
            a = sum(p.denominator for r in rows for p in r.points if p.due == d)
            values.append(b / a if a else None)
        series[LEVEL_TITLES[level]] = values
    labels = [f"{d:%d/%m}" for d in ev.checkpoints]
    return Chart(f"Diễn biến: {indicator_name(ev.campaign, code)}", "line", labels, series)


def _ranking_chart(ev: Evaluation, code: str) -> Chart:
    rows = sorted(
        (r for r in ev.rows if r.indicator == code and r.current_rate is not None),
        key=lambda r: r.current_rate or 0.0,
    )
    return Chart(
        f"Xếp hạng: {indicator_name(ev.campaign, code)}",
        "barh",
        [r.unit.name for r in rows],
        {"Hiện nay": [r.current_rate for r in rows], "Cần đạt": [r.required for r in rows]},
    )


def _rankings(ev: Evaluation, code: str) -> list[Block]:
    blocks: list[Block] = []
    for title, rankings in (("Đơn vị dẫn đầu", ev.best[code]), ("Tiến bộ nhất", ev.improved[code])):
        for r in rankings:
            rows = [
                {
                    "rank": x.rank,
                    "name": x.entry.name,
                    "value": float(x.value),
                    "dossiers": x.entry.denominator,
                }
                for x in r.ranked
            ]
            kind = "rate1" if title == "Đơn vị dẫn đầu" else "points"
            label = "Tỷ lệ" if kind == "rate1" else "Tăng so với kỳ gốc (điểm %)"
            blocks.append(
                Table(
                    f"{title} — {LEVEL_TITLES.get(r.level, r.level)}",
                    [
                        Column("rank", "Hạng", "int", 6),
                        Column("name", "Đơn vị", "text", 40),
                        Column("value", label, kind, 12),
                        Column("dossiers", "Số hồ sơ", "int", 10),
                    ],
                    [Section("", "", rows)],
                    numbered=False,
                    footnote=(
                        "Không xếp hạng (dưới "
                        f"{ev.campaign.min_dossiers} hồ sơ): "
                        + ", ".join(e.name for e in r.too_small)
                    )
                    if r.too_small
                    else "",
                )
            )
    return blocks


def _summary(ev: Evaluation) -> list[Block]:
    c = ev.campaign
    counts = Counter(r.status for r in ev.rows)
    text = ", ".join(f"{STATUS_LABELS_VI[s].lower()}: {counts[s]}" for s in Status if counts.get(s))
    snapshot_text = (
        f"{len(ev.checkpoints)} mốc đã chốt số liệu (gần nhất {ev.checkpoints[-1]:%d/%m/%Y})"
        if ev.checkpoints
        else "chưa có mốc nào được chốt số liệu"
    )
    lines = [
        f"Thời gian thực hiện: từ ngày {c.start:%d/%m/%Y} đến ngày {c.end:%d/%m/%Y}; "
        f"số liệu tính đến ngày {min(ev.as_of, c.end):%d/%m/%Y}; {snapshot_text}.",
        f"Phạm vi: {integer(len(ev.units))} đơn vị; {integer(len(ev.rows))} chỉ tiêu theo "
        f"đơn vị ({text}).",
    ]
    if c.baseline_start and c.baseline_end:
        lines.append(
            f"Kỳ gốc: từ ngày {c.baseline_start:%d/%m/%Y} đến ngày {c.baseline_end:%d/%m/%Y}."
        )
    for code in c.indicators:
        rows = [r for r in ev.rows if r.indicator == code]
        b, a = sum(r.current[0] for r in rows), sum(r.current[1] for r in rows)
        bb = sum(r.baseline[0] for r in rows if r.baseline)
        ba = sum(r.baseline[1] for r in rows if r.baseline)
        lines.append(
            f"{indicator_name(c, code)}: {pct(b / a if a else None)} ({integer(b)}/{integer(a)}), "
            f"kỳ gốc {pct(bb / ba if ba else None)}."
        )
    return [Paragraph(line) for line in lines]


def _at_risk(ev: Evaluation) -> Table:
    rows = [
        {
            "name": r.unit.name,
            "indicator": indicator_name(ev.campaign, r.indicator),
            "current": r.current_rate,
            "required": r.required,
            "projection": r.projection,
            "status": STATUS_LABELS_VI[r.status],
        }
        for r in ev.at_risk()
    ]
    return Table(
        "",
        [
            Column("name", "Đơn vị", "text", 30),
            Column("indicator", "Chỉ số", "text", 26),
            Column("current", "Hiện nay", "rate1", 9),
            Column("required", "Cần đạt", "rate1", 9),
            Column("projection", "Dự báo cuối kỳ", "rate1", 9),
            Column("status", "Trạng thái", "text", 14),
        ],
        [Section("", "", rows)],
    )


def _tasks(campaign: Campaign, as_of: dt.date) -> list[Block]:
    linked = list(Plan.objects.filter(campaign=campaign))
    if not linked:
        return [Paragraph("Chưa có kế hoạch nhiệm vụ gắn với chiến dịch.", italic=True)]
    found = plans.flags(linked, as_of)
    names = dict(Unit.objects.values_list("pk", "name"))
    rows = [
        {
            "task": f"{f.task.number}. {f.task.content}",
            "deadline": f.task.deadline_text,
            "flag": "Quá hạn" if f.kind == "overdue" else "Thiếu báo cáo kỳ này",
            "units": ", ".join(sorted(names.get(u, "(chưa có báo cáo)") for u in f.unit_ids)),
        }
        for f in found
    ]
    return [
        Table(
            "",
            [
                Column("task", "Nhiệm vụ", "text", 40),
                Column("deadline", "Thời hạn", "text", 12),
                Column("flag", "Tình trạng", "text", 12),
                Column("units", "Đơn vị", "text", 30),
            ],
            [Section("", "", rows)],
        )
    ]


def campaign_report(campaign: Campaign, as_of: dt.date) -> Document:
    ev = evaluate(campaign, as_of)
    blocks: list[Block] = [Heading("I. TỔNG QUAN"), *_summary(ev)]
    blocks.append(Heading("II. KẾT QUẢ THEO ĐƠN VỊ"))
    for code in campaign.indicators:
        blocks += [_unit_table(ev, code), _trend(ev, code), _ranking_chart(ev, code)]
    blocks.append(Heading("III. XẾP HẠNG"))
    for code in campaign.indicators:
        blocks.append(Heading(indicator_name(campaign, code), 2))
        blocks += _rankings(ev, code)
    blocks += [Heading("IV. ĐƠN VỊ CÓ NGUY CƠ KHÔNG ĐẠT CHỈ TIÊU"), _at_risk(ev)]
    blocks += [Heading("V. NHIỆM VỤ QUÁ HẠN, THIẾU BÁO CÁO"), *_tasks(campaign, as_of)]
    if ev.ended:
        blocks.append(Heading("VI. ĐỀ XUẤT KHEN THƯỞNG VÀ ĐƠN VỊ KHÔNG ĐẠT CHỈ TIÊU"))
        blocks.append(
            Table(
                "Đề xuất khen thưởng (đạt mọi chỉ tiêu)",
                [Column("name", "Đơn vị", "text", 50)],
                [Section("", "", [{"name": u.name} for u in ev.commendation()])],
            )
        )
        blocks.append(
            Table(
                "Không đạt chỉ tiêu",
                [
                    Column("name", "Đơn vị", "text", 30),
                    Column("indicator", "Chỉ số", "text", 28),
                    Column("current", "Kết quả", "rate1", 9),
                    Column("required", "Cần đạt", "rate1", 9),
                ],
                [
                    Section(
                        "",
                        "",
                        [
                            {
                                "name": r.unit.name,
                                "indicator": indicator_name(campaign, r.indicator),
                                "current": r.current_rate,
                                "required": r.required,
                            }
                            for r in ev.missed()
                        ],
                    )
                ],
            )
        )
    return Document(
        "campaign",
        [
            "BÁO CÁO",
            f"Kết quả thực hiện {campaign.name}",
            f"(số liệu đến ngày {min(as_of, campaign.end):%d/%m/%Y})",
        ],
        blocks,
        motto=True,
        issuer=campaign.issuer,
        place_date=f"ngày {as_of:%d} tháng {as_of:%m} năm {as_of:%Y}",
    )
