"""``motcua dossiers export --from D --to D --format dvcqg-json|csv [--out PATH] [--unit CODE]``."""

from __future__ import annotations

import datetime as dt
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.export import FORMATS, export_dossiers
from motcua.units.codes import UnitCodeError


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Command(BaseCommand):
    help = "Export the dossiers received in a date range (inclusive) as DVCQG JSON or CSV."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--from", dest="start", type=_date, required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=_date, required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="dvcqg-json")
        parser.add_argument("--out", type=Path, help="output file (default: standard output)")
        parser.add_argument("--unit", help="only this unit (DVCQG code or TT 10/2016 identifier)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["end"] < options["start"]:
            raise CommandError("--to is before --from")
        out_path: Path | None = options["out"]
        stream = out_path.open("w", encoding="utf-8", newline="") if out_path else sys.stdout
        try:
            count = export_dossiers(
                stream,
                start=options["start"],
                end=options["end"],
                fmt=options["fmt"],
                unit_code=options["unit"],
                actor="cli",
            )
        except (ValueError, UnitCodeError) as exc:
            raise CommandError(str(exc)) from None
        finally:
            if out_path:
                stream.close()
        if out_path:
            self.stderr.write(f"{count} dossier(s) written to {out_path}")
