"""``motcua sync run [--once] [--batch N] [--lease S]``: the outbox worker."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.sync.worker import Worker


class Command(BaseCommand):
    help = "Send queued dossiers to DVCQG_SYNC_URL (docs/sync.md). Runs until stopped."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")
        parser.add_argument("--batch", type=int, default=None, help="rows claimed at a time")
        parser.add_argument("--lease", type=float, default=None, help="lease in seconds")
        parser.add_argument("--poll", type=float, default=2.0, help="idle wait in seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            worker = Worker(batch=options["batch"], lease_seconds=options["lease"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["once"]:
            stats = worker.run_once()
            self.stdout.write(f"sent {stats.sent}, failed {stats.failed}")
        else:
            worker.run_forever(poll=options["poll"])
