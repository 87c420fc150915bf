"""``motcua indicators show``: figures for a unit's subtree and a period."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.indicators.period import Period
from motcua.indicators.registry import formula_set
from motcua.indicators.report import ScopeError, figure_rows, units_in_scope, wanted_codes
from motcua.units.history import UnitLookupError, resolve_code
from motcua.units.models import Level

COLUMNS = [
    "unit_code",
    "unit_name",
    "level",
    "indicator",
    "numerator",
    "denominator",
    "rate",
    "score",
    "max_score",
    "provisional",
]


def _fail(message: str) -> None:
    sys.stderr.write(f"motcua indicators show: {message}\n")
    sys.exit(2)


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%".replace(".", ",")


class Command(BaseCommand):
    help = "Show indicator figures for a unit and its descendants over a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("--unit", help="DVCQG code, TT 10/2016 identifier or GSO code")
        parser.add_argument("--level", choices=[lv.value for lv in Level])
        parser.add_argument("--set", dest="set_id", default="plan")
        parser.add_argument(
            "--indicator", help="only these codes, comma-separated (also group:N, total)"
        )
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = dt.date.fromisoformat(options["date_from"])
            end = dt.date.fromisoformat(options["date_to"])
        except ValueError as exc:
            return _fail(f"bad date: {exc}")
        try:
            period = Period(start, end)
            fs = formula_set(options["set_id"])
            root = resolve_code(options["unit"], on=end) if options["unit"] else None
            units = units_in_scope(period, root.pk if root else None, options["level"])
            wanted = wanted_codes(fs, options["indicator"])
        except (ValueError, KeyError, UnitLookupError, ScopeError) as exc:
            return _fail(str(exc).strip("'\""))
        rows = figure_rows(fs, period, units)
        if wanted:
            rows = [row for row in rows if row["indicator"] in wanted]
        self._print(rows, options["format"])

    def _print(self, rows: list[dict[str, Any]], fmt: str) -> None:
        if fmt == "json":
            out = [{k: row[k] for k in COLUMNS} for row in rows]
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
        elif fmt == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        else:
            for row in rows:
                provisional = " (tạm tính)" if row["provisional"] else ""
                score = "" if row["score"] is None else f"  {row['score']:.2f}/{row['max_score']}"
                counts = (
                    ""
                    if row["numerator"] is None
                    else f"{row['numerator']}/{row['denominator']}  {_pct(row['rate'])}"
                )
                self.stdout.write(
                    f"{row['unit_code']:<16} {row['unit_name'][:40]:<40} "
                    f"{row['indicator']:<36} {counts}{score}{provisional}"
                )
