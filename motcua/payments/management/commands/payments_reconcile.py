"""``motcua payments reconcile [--grace SECONDS]``: settle pending online payments from the
gateways' answers, then print the differences that remain (none after a clean run)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.payments import reconcile
from motcua.payments.management.commands.payments_report import write_report


class Command(BaseCommand):
    help = "Query the gateways for pending payments and settle them; print what still differs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace",
            type=int,
            default=60,
            help="Leave payments started less than this many seconds ago (default 60).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = reconcile.run(grace=dt.timedelta(seconds=options["grace"]))
        self.stdout.write(
            f"checked {result.checked}, settled {result.settled}, "
            f"still pending {result.still_pending}, gateway unreachable {result.unreachable}"
        )
        for error in result.errors:
            self.stderr.write(error)
        write_report(self.stdout, reconcile.differences())
