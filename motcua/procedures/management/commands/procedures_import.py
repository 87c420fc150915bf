"""``motcua procedures import FILE.csv``: create or update the procedure catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.procedures.services import CatalogueError, import_procedures


class Command(BaseCommand):
    help = "Import procedures from a CSV file (docs/procedures.md); all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the catalogue, CSV in UTF-8")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"file: {path} does not exist")
        try:
            report = import_procedures(path, actor="cli")
        except CatalogueError as error:
            for problem in error.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(error.errors)} error(s) in {path}; nothing was imported"
            ) from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(report.summary())
