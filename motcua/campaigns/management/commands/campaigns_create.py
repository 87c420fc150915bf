"""``motcua campaigns create FILE``: a campaign with its targets from YAML or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.campaigns.management.errors import fail
from motcua.campaigns.services import CampaignError, create_campaign
from motcua.campaigns.spec import SpecError, load_file, parse_campaign

NAME = "campaigns create"


class Command(BaseCommand):
    help = "Create a campaign (period, scope, indicators, phases, checkpoints, targets)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="campaign file, .yaml/.yml or .json (docs/campaigns.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            spec = parse_campaign(load_file(path), str(path))
            campaign = create_campaign(spec, actor="cli")
        except (SpecError, CampaignError) as exc:
            fail(NAME, f"{path}: {exc}" if isinstance(exc, CampaignError) else str(exc))
        self.stdout.write(
            f"campaign #{campaign.pk} «{campaign.name}» {campaign.start:%d/%m/%Y}–"
            f"{campaign.end:%d/%m/%Y}: {campaign.targets.count()} targets, "
            f"{campaign.checkpoints.count()} checkpoints"
        )
