"""``motcua calendar due --start "YYYY-MM-DD HH:MM" --days N [--unit U]``: the due moment."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.calendar.management.arguments import parse_amount, parse_moment
from motcua.calendar.services import UNITS, current_calendar


class Command(BaseCommand):
    help = "Print the due moment (ISO 8601) of a limit counted from --start."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, help='receipt, "YYYY-MM-DD HH:MM"')
        parser.add_argument("--days", required=True, help="the limit N (may be fractional)")
        parser.add_argument(
            "--unit", default="working_days", choices=UNITS, help="unit of N (working_days)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = parse_moment(options["start"], "--start")
        limit = parse_amount(options["days"], "--days")
        due = current_calendar().due_at(start, limit, options["unit"])
        self.stdout.write(due.isoformat(timespec="seconds"))
