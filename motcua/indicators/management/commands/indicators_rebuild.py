"""``motcua indicators rebuild``: recompute the daily aggregates from the dossiers."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from motcua.indicators.facts import rebuild


class Command(BaseCommand):
    help = "Recompute the daily indicator aggregates from the dossiers."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rows = rebuild()
        self.stdout.write(f"{rows} aggregate rows in {time.monotonic() - started:.1f} s")
