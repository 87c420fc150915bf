"""``motcua sync enqueue [--all]``: queue dossiers not yet acknowledged (or all)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from motcua.dossiers.models import Dossier, SyncState
from motcua.sync import outbox


class Command(BaseCommand):
    help = "Queue the current version of dossiers DVCQG has not acknowledged (--all: every one)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--all", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not outbox.enabled():
            raise CommandError("DVCQG_SYNC_URL is not set: nothing would be sent")
        rows = Dossier.objects.all()
        if not options["all"]:
            rows = rows.exclude(sync_state=SyncState.ACKNOWLEDGED)
        ids = list(rows.order_by("pk").values_list("pk", flat=True))
        total = 0
        for start in range(0, len(ids), 2000):
            with transaction.atomic():
                total += outbox.enqueue(ids[start : start + 2000])
        self.stdout.write(f"queued {total} dossier(s)")
