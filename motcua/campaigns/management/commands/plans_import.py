"""``motcua plans import FILE --plan NUMBER [--title T] [--campaign ID] [--allow-external]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from motcua.campaigns.management.errors import fail
from motcua.campaigns.models import Campaign, Plan
from motcua.campaigns.plans import PlanImportError, import_tasks, read_tasks

NAME = "plans import"


class Command(BaseCommand):
    help = "Import a plan's numbered tasks from CSV/XLSX laid out like seed 004's appendix I."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--plan", required=True, help="the plan's number, e.g. 123/KH-UBND")
        parser.add_argument("--title", default="")
        parser.add_argument("--issuer", default="")
        parser.add_argument("--campaign", type=int, help="the campaign the plan belongs to")
        parser.add_argument(
            "--allow-external",
            action="store_true",
            help="keep bodies outside the unit tree (Cục Thuế, Công an tỉnh…) as text",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        campaign = None
        if options["campaign"] is not None:
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
            if campaign is None:
                fail(NAME, f"không có chiến dịch #{options['campaign']}")
        try:
            tasks = read_tasks(path, allow_external=options["allow_external"])
            with transaction.atomic():
                plan, _ = Plan.objects.get_or_create(
                    number=options["plan"],
                    defaults={
                        "title": options["title"],
                        "issuer": options["issuer"],
                        "campaign": campaign,
                    },
                )
                count = import_tasks(plan, tasks, actor="cli")
        except PlanImportError as exc:
            fail(NAME, str(exc))
        self.stdout.write(f"plan {plan.number}: {count} tasks imported")
