"""``motcua units import FILE [--province CODE]``: import units from CSV or GSO JSON."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.units.imports import ImportFailed, import_file


class Command(BaseCommand):
    help = "Import units from a CSV file or a statistics-office JSON list (docs/units.md)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--province", help="statistics-office code of the one province to import (JSON)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_file(options["file"], province=options["province"], actor="cli")
        except ImportFailed as failure:
            raise CommandError(
                "nothing imported:\n" + "\n".join(f"  {e}" for e in failure.errors)
            ) from None
        self.stdout.write(str(report))
