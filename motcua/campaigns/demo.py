"""The demo's campaign: seed 000's 60-day campaign (01/09–31/10/2024) in Đắk Nông.

Targets as the plan states them: online reception and online payment up by 20 percentage
points for provincial agencies and by 10 for the district level (communes included), over
the figures the plan printed (01/01–16/07/2024). Weekly checkpoints, all snapshotted, and
the plan's four tasks with a few progress reports.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.campaigns.models import Campaign, Plan, PlanTask, TaskReport
from motcua.campaigns.services import create_campaign, snapshot_due
from motcua.campaigns.spec import parse_campaign
from motcua.units.models import Level, Unit

NAME = (
    "Chiến dịch cao điểm 60 ngày “Nâng cao hiệu quả sử dụng dịch vụ công trực tuyến"
    " trên địa bàn tỉnh Đắk Nông”"
)
TRACKED = ["online_received", "online_payment_transactions"]

SPEC: dict[str, Any] = {
    "name": NAME,
    "plan": {
        "number": "KH-STTTT/2024",
        "date": "2024-08-15",
        "issuer": "Sở Thông tin và Truyền thông",
    },
    "period": {"from": "2024-09-01", "to": "2024-10-31"},
    "baseline": {"from": "2024-01-01", "to": "2024-07-16"},
    "scope": {"root": "H67", "levels": ["agency", "district"]},
    "formula_set": "plan",
    "indicators": TRACKED,
    "min_dossiers": 30,
    "phases": [
        {
            "name": "Triển khai, tuyên truyền",
            "from": "2024-09-01",
            "to": "2024-09-14",
            "tasks": ["Rà soát TTHC phát sinh hồ sơ giấy (Phụ lục 01)", "Đăng tải infographic"],
        },
        {
            "name": "Tập trung tiếp nhận, giải quyết trực tuyến",
            "from": "2024-09-15",
            "to": "2024-10-20",
            "tasks": ["Triển khai thanh toán trực tuyến"],
        },
        {
            "name": "Tổng kết, khen thưởng",
            "from": "2024-10-21",
            "to": "2024-10-31",
            "tasks": ["Tổng hợp báo cáo, đề xuất khen thưởng"],
        },
    ],
    "targets": [
        {"indicator": code, "level": level, "increase": points}
        for code in TRACKED
        for level, points in (("agency", 20), ("district", 10))
    ],
}

TASKS = (
    (
        1,
        "Cập nhật đầy đủ các hồ sơ giải quyết TTHC",
        "Các Sở, Ban, ngành; UBND cấp huyện",
        "2024-10-31",
    ),
    (
        2,
        "Rà soát, phấn đấu đạt và vượt chỉ tiêu tỷ lệ hồ sơ tiếp nhận, giải quyết trực tuyến",
        "Các Sở, Ban, ngành; UBND cấp huyện",
        "2024-10-31",
    ),
    (3, "Triển khai thanh toán trực tuyến", "Các Sở, Ban, ngành; UBND cấp huyện", "2024-10-15"),
    (
        4,
        "Thông tin tuyên truyền, hướng dẫn sử dụng dịch vụ công trực tuyến",
        "Các Sở, Ban, ngành; UBND cấp huyện",
        "",
    ),
)


def create_demo_campaign() -> Campaign:
    campaign = create_campaign(parse_campaign(SPEC, "demo"), actor="demo", schedule=False)
    snapshot_due(campaign.end, campaign.pk)
    plan = Plan.objects.create(
        number=SPEC["plan"]["number"],
        title=NAME,
        date=dt.date(2024, 8, 15),
        issuer=SPEC["plan"]["issuer"],
        campaign=campaign,
    )
    for number, content, lead, due in TASKS:
        task = PlanTask.objects.create(
            plan=plan,
            number=number,
            content=content,
            lead_text=lead,
            lead_levels=[Level.AGENCY, Level.DISTRICT],
            deadline_text=dt.date.fromisoformat(due).strftime("%d/%m/%Y")
            if due
            else "Thường xuyên",
            deadline_kind=PlanTask.Deadline.DATE if due else PlanTask.Deadline.RECURRING,
            due=dt.date.fromisoformat(due) if due else None,
            report_every="" if due else PlanTask.Every.WEEK,
        )
        # Most units report task 3 done; a few are late, which the weekly report flags.
        if number == 3:
            reporters = Unit.objects.filter(level__in=[Level.AGENCY, Level.DISTRICT]).order_by(
                "code"
            )
            TaskReport.objects.bulk_create(
                TaskReport(
                    task=task,
                    unit=u,
                    reported_on=dt.date(2024, 10, 14),
                    status=TaskReport.Status.DONE,
                    note="Đã triển khai",
                )
                for i, u in enumerate(reporters)
                if i % 5 != 4
            )
    return campaign
