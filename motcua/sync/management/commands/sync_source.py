"""``motcua sync source NAME --unit CODE [--unit CODE…]``: create a source system's API key
(or replace it), scoped to these units. The key is printed once and stored only hashed."""

from __future__ import annotations

import secrets
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from motcua.audit import log as audit
from motcua.sync.models import InboundSource
from motcua.units.codes import normalize_unit_code
from motcua.units.models import Unit


class Command(BaseCommand):
    help = "Create or re-key a system allowed to POST /api/sync/dossiers for its units."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--unit", action="append", required=True, help="DVCQG unit code")

    def handle(self, *args: Any, **options: Any) -> None:
        units = []
        for raw in options["unit"]:
            code = normalize_unit_code(raw)
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(f"--unit: no unit has the code {code}")
            units.append(unit)
        key = secrets.token_urlsafe(32)
        with transaction.atomic():
            source, created = InboundSource.objects.update_or_create(
                name=options["name"], defaults={"key_hash": InboundSource.hash_key(key)}
            )
            source.units.set(units)
            audit.record(
                "sync.source.key",
                actor="cli",
                object_type="inbound_source",
                object_id=source.pk,
                name=source.name,
                units=[u.code for u in units],
                created=created,
            )
        self.stdout.write(key)
