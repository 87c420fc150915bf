"""``motcua demo [--if-empty] [--seed N]``: build the demo province (docs/demo.md)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.demo.build import DEFAULT_SEED, build_demo, is_empty


class Command(BaseCommand):
    help = "Builds the demo province (Tỉnh Đắk Nông, 2024) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (with a message) when the database already has units or dossiers.",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not is_empty():
            message = "motcua demo: the database already has units or dossiers; nothing done."
            if options["if_empty"]:
                self.stdout.write(message)
                self._accounts()
                return
            raise CommandError(message + " The demo only loads into an empty database.")
        self.stdout.write("motcua demo: building Tỉnh Đắk Nông (2024)…")
        summary = build_demo(options["seed"])
        self.stdout.write(
            self.style.SUCCESS(
                f"motcua demo: {summary.units} units, {summary.procedures} procedures, "
                f"{summary.dossiers:,} dossiers, {summary.payments:,} payments "
                f"in {summary.seconds:.1f} s, of which indicator aggregates "
                f"{summary.aggregate_seconds:.1f} s (seed {options['seed']})."
            )
        )
        if apps.is_installed("motcua.signing"):
            # The demo signs results for real: a demo CA and a certificate per unit.
            call_command("signing_demo_pki", stdout=self.stdout)
        if summary.accounts:
            self.stdout.write(
                f"motcua demo: accounts {', '.join(summary.accounts)} (README.md, "
                "docs/accounts.md)."
            )
        if apps.is_installed("motcua.portal"):
            from motcua.portal.demo import DEMO_CITIZEN_EMAIL

            self.stdout.write(
                f"motcua demo: citizen {DEMO_CITIZEN_EMAIL} (README.md, docs/portal.md)."
            )

    def _accounts(self) -> None:
        """The demo accounts for a database built before they existed (docs/accounts.md)."""
        if apps.is_installed("motcua.accounts"):
            call_command("accounts_demo", stdout=self.stdout)
        if apps.is_installed("motcua.portal"):
            call_command("portal_demo", stdout=self.stdout)
