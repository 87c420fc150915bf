"""``motcua sync status [--list pending|failing|stuck] [--retry CODE…|--retry-all]``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from motcua.sync import status

LIMIT = 50


class Command(BaseCommand):
    help = "Show the DVCQG sync outbox: pending, failing (with the answer) and stuck rows."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--list", choices=("pending", "failing", "stuck"), default=None)
        parser.add_argument("--retry", nargs="+", metavar="CODE", help="retry these dossiers")
        parser.add_argument("--retry-all", action="store_true", help="retry every failing row")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retry"] or options["retry_all"]:
            count = status.retry(options["retry"], actor="cli")
            self.stdout.write(f"retrying {count} row(s)")
        o = status.overview()
        oldest = o.oldest_pending.isoformat() if o.oldest_pending else "-"
        self.stdout.write(
            f"pending {o.pending}, failing {o.failing}, stuck {o.stuck}, done {o.done}; "
            f"oldest pending {oldest}"
        )
        kinds = [options["list"]] if options["list"] else ["failing", "stuck"]
        for kind in kinds:
            for row in status.listing(kind).order_by("next_attempt_at")[:LIMIT]:
                answer = row.last_error.replace("\n", " ")[:120]
                self.stdout.write(
                    f"{kind:8} {row.code} r{row.revision} attempts={row.attempts} "
                    f"next={row.next_attempt_at:%Y-%m-%d %H:%M:%S} "
                    f"http={row.last_status or '-'} {answer}"
                )
