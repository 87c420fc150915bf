"""``motcua portal demo``: the demo citizen account for the demo province."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.accounts.demo import DEMO_PASSWORD
from motcua.portal.demo import create_demo_citizen


class Command(BaseCommand):
    help = "Create the demo citizen account (portal) when the demo province is loaded."

    def handle(self, *args: Any, **options: Any) -> None:
        username = create_demo_citizen()
        if username:
            self.stdout.write(f"motcua: demo citizen {username} (password {DEMO_PASSWORD})")
        else:
            self.stdout.write("motcua: no demo citizen created (no demo province, or present)")
