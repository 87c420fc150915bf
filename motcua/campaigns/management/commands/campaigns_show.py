"""``motcua campaigns show ID [--at DATE]``: targets, status per unit, rankings."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from motcua.campaigns.evaluation import evaluate
from motcua.campaigns.management.errors import fail, parse_date
from motcua.campaigns.models import Campaign
from motcua.campaigns.status import STATUS_LABELS_VI
from motcua.reports.numbers import pct, points

NAME = "campaigns show"


class Command(BaseCommand):
    help = "Show a campaign: targets, each unit's status and the rankings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int)
        parser.add_argument("--at", help="evaluate as of this day (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        at = parse_date(NAME, "--at", options["at"]) or timezone.localdate()
        campaign = Campaign.objects.filter(pk=options["id"]).first()
        if campaign is None:
            fail(NAME, f"không có chiến dịch #{options['id']}")
        ev = evaluate(campaign, at)
        c = campaign
        self.stdout.write(f"#{c.pk} {c.name}")
        self.stdout.write(
            f"  {c.plan_number} {c.plan_date or ''} {c.issuer}; {c.start:%d/%m/%Y}–{c.end:%d/%m/%Y}"
        )
        self.stdout.write(f"  checkpoints: {', '.join(f'{d:%d/%m}' for d in ev.checkpoints)}")
        for row in ev.rows:
            self.stdout.write(
                f"  {row.unit.code:<10} {row.unit.name[:38]:<38} {row.indicator:<28} "
                f"gốc {pct(row.baseline_rate):>7} cần {pct(row.required):>7} "
                f"nay {pct(row.current_rate):>7} Δtuần {points(row.change_since_last):>7} "
                f"dự báo {pct(row.projection):>7}  {STATUS_LABELS_VI[row.status]}"
            )
        for code, rankings in ev.best.items():
            for r in rankings:
                top = ", ".join(f"{x.rank}. {x.entry.name}" for x in r.ranked[:3])
                self.stdout.write(f"  best {code} {r.level}: {top}")
