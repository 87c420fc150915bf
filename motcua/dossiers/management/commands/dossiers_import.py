"""``motcua dossiers import FILE [FILE…] [--create-missing-procedures]``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.ingest import ImportReport, import_files

PRINTED_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import dossiers: DVCQG sync JSON (array or JSON Lines), CSV or XLSX "
        "(docs/dossier-formats.md). All files are applied together or not at all."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--create-missing-procedures",
            action="store_true",
            help="create procedures missing from the catalogue from MaTTHC/TenTTHC",
        )
        parser.add_argument("--actor", default="import", help="label recorded on the events")

    def handle(self, *args: Any, **options: Any) -> None:
        report = import_files(
            options["files"],
            create_missing_procedures=options["create_missing_procedures"],
            actor=options["actor"],
        )
        if not report.ok:
            raise CommandError(failure_text(report))
        for code in report.procedures_created:
            self.stdout.write(f"procedure created (thủ tục mới): {code}")
        self.stdout.write(report.summary())


def failure_text(report: ImportReport) -> str:
    """The error list (first PRINTED_ERRORS) with the totals; nothing was imported."""
    lines = [
        f"nothing imported (không nhập hồ sơ nào): {report.error_count} error(s) "
        f"in {report.rejected} rejected record(s)"
    ]
    lines += [f"  {error}" for error in report.errors[:PRINTED_ERRORS]]
    if report.error_count > PRINTED_ERRORS:
        lines.append(f"  … and {report.error_count - PRINTED_ERRORS} more error(s)")
    return "\n".join(lines)
