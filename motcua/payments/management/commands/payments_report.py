"""``motcua payments report``: online transactions whose state differs between motcua and
the gateway (every pending one and those of the last ``--days`` days)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from motcua.payments import reconcile


def write_report(out: Any, rows: list[reconcile.Difference]) -> None:
    out.write(f"{len(rows)} difference(s)")
    for row in rows:
        out.write(
            f"{row.reference}\t{row.dossier_code}\t{row.gateway}\t{row.amount}\t"
            f"motcua={row.ours}\tgateway={row.theirs}"
        )


class Command(BaseCommand):
    help = "List online transactions whose state differs between motcua and the gateway."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="Look back this many days.")

    def handle(self, *args: Any, **options: Any) -> None:
        since = timezone.now() - dt.timedelta(days=options["days"])
        write_report(self.stdout, reconcile.differences(since=since))
