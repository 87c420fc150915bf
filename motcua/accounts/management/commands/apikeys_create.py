"""``motcua apikeys create --name N --units CODE,CODE``: a key for another system."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.accounts.services import ApiKeyError, create_api_key, resolve_units


class Command(BaseCommand):
    help = "Create an API key scoped to units; the key is printed once and never again."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True, help="who uses the key, e.g. 'kho-du-lieu'")
        parser.add_argument("--units", required=True, help="CODE,CODE… (each with its subtree)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            units = resolve_units(options["units"].split(","))
            api_key, key = create_api_key(options["name"], units, actor="cli")
        except ApiKeyError as exc:
            raise CommandError(str(exc), returncode=2) from None
        scope = ", ".join(u.code or u.gso_code for u in units)
        self.stderr.write(f"API key {api_key.name!r} for {scope}; store it now, it is not kept:")
        self.stdout.write(key)
