"""``motcua indicators rebuild [--totals-only]``: recompute the daily aggregates from the
dossiers (and the running totals from them); with ``--totals-only``, only the running totals
and procedure activity from the aggregates (after an indicator was added: see
docs/indicators.md)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.indicators import series
from motcua.indicators.facts import rebuild


class Command(BaseCommand):
    help = "Recompute the daily indicator aggregates from the dossiers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--totals-only",
            action="store_true",
            help="only the running totals and procedure activity, from the aggregates",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["totals_only"]:
            series.build(None)
            self.stdout.write(f"running totals rebuilt in {time.monotonic() - started:.1f} s")
            return
        rows = rebuild()
        self.stdout.write(f"{rows} aggregate rows in {time.monotonic() - started:.1f} s")
