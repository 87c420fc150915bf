"""``motcua campaigns targets FILE``: standing yearly targets (outside campaigns)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.campaigns.management.errors import fail
from motcua.campaigns.services import create_standing_targets
from motcua.campaigns.spec import SpecError, load_file, parse_standing_targets


class Command(BaseCommand):
    help = "Create standing yearly targets from a YAML or JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            specs = parse_standing_targets(load_file(path), str(path))
        except SpecError as exc:
            fail("campaigns targets", str(exc))
        targets = create_standing_targets(specs, actor="cli")
        self.stdout.write(f"{len(targets)} standing targets created")
