"""``motcua campaigns snapshot [--campaign ID] [--at DATE]``: freeze due checkpoints."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from motcua.campaigns.management.errors import fail, parse_date
from motcua.campaigns.models import Campaign
from motcua.campaigns.services import snapshot_due

NAME = "campaigns snapshot"


class Command(BaseCommand):
    help = "Snapshot every checkpoint due on or before --at (default today) that has none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", type=int)
        parser.add_argument("--at", help="YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        at = parse_date(NAME, "--at", options["at"]) or timezone.localdate()
        cid = options["campaign"]
        if cid is not None and not Campaign.objects.filter(pk=cid).exists():
            fail(NAME, f"không có chiến dịch #{cid}")
        results = snapshot_due(at, cid)
        made = [r for r in results if r.created]
        for r in made:
            self.stdout.write(f"campaign #{r.campaign_id}: snapshot {r.due:%d/%m/%Y}")
        self.stdout.write(f"{len(made)} snapshots taken")
