"""``motcua accounts demo``: the demo accounts (one per role) for the demo province."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.accounts.demo import DEMO_PASSWORD, create_demo_accounts


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) when the demo province is loaded."

    def handle(self, *args: Any, **options: Any) -> None:
        created = create_demo_accounts()
        if created:
            names = ", ".join(created)
            self.stdout.write(f"motcua: demo accounts {names} (password {DEMO_PASSWORD})")
        else:
            self.stdout.write("motcua: no demo accounts created (no demo province, or present)")
