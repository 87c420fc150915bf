"""``motcua figures warm``: compute the main figure pages before anyone asks
(motcua/web/warm.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.web import warm


class Command(BaseCommand):
    help = (
        "Compute the figures parts of the dashboards (default week, month, quarter, year, recent "
        "campaigns) and "
        "top unit pages for every scope of the accounts that see figures, so that the first "
        "request finds them cached. Run it after deploying, after a rebuild and early each day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period",
            action="append",
            dest="periods",
            help=(
                "a dashboard period to warm (repeatable; default: week, month, quarter, year "
                "and the campaigns running or ended in the last 90 days)"
            ),
        )
        parser.add_argument("--language", help="interface language (default: LANGUAGE_CODE)")

    def handle(self, *args: Any, **options: Any) -> None:
        periods = options["periods"]
        if periods is not None:
            periods = ["" if p == "week" else p for p in periods]
        verbose = options["verbosity"] > 1

        def report(item: warm.Warmed) -> None:
            if verbose:
                self.stdout.write(f"{item.user}\t{item.path}\t{item.seconds:.2f} s")

        done = warm.warm(periods, options["language"], report)
        total = sum(item.seconds for item in done)
        failed = [item for item in done if item.status != 200]
        for item in failed:
            self.stderr.write(f"{item.user} {item.path}: HTTP {item.status}")
        self.stdout.write(f"figures warm: {len(done)} pages in {total:.1f} s")
        if failed:
            raise SystemExit(1)
