"""``motcua apikeys list``: names, prefixes, scopes and state of the API keys."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.accounts.models import ApiKey


class Command(BaseCommand):
    help = "List API keys (never the keys themselves)."

    def handle(self, *args: Any, **options: Any) -> None:
        for key in ApiKey.objects.prefetch_related("units"):
            units = ",".join(sorted(u.code or u.gso_code for u in key.units.all()))
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            self.stdout.write(f"{key.name:<24} {key.prefix}…  {units:<30} {state}")
