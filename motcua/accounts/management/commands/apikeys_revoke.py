"""``motcua apikeys revoke --name N``: the key stops working at once."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.accounts.services import ApiKeyError, revoke_api_key


class Command(BaseCommand):
    help = "Revoke an API key."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = revoke_api_key(options["name"], actor="cli")
        except ApiKeyError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(f"revoked {key.name!r} ({key.prefix}…)")
