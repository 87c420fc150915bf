"""``motcua campaigns list``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.campaigns.models import Campaign, Target


class Command(BaseCommand):
    help = "List campaigns and standing targets."

    def handle(self, *args: Any, **options: Any) -> None:
        for c in Campaign.objects.order_by("start", "pk"):
            snaps = c.snapshots.count()
            self.stdout.write(
                f"#{c.pk:<4} {c.start:%d/%m/%Y}–{c.end:%d/%m/%Y}  {c.name}  "
                f"[{', '.join(c.indicators)}] {snaps}/{c.checkpoints.count()} snapshots"
            )
        for t in Target.objects.filter(campaign__isnull=True).order_by("year", "indicator"):
            who = t.level or t.group_name or ", ".join(u.code or "" for u in t.units.all())
            self.stdout.write(f"standing {t.year}  {t.indicator}  {who}  {t}")
