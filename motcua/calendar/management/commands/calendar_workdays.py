"""``motcua calendar workdays --from D --to D``: working days in the inclusive range."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.calendar.management.arguments import parse_date
from motcua.calendar.services import current_calendar


class Command(BaseCommand):
    help = "Print the number of working days from --from to --to, both included."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        start = parse_date(options["start"], "--from")
        end = parse_date(options["end"], "--to")
        self.stdout.write(str(current_calendar().count_working_days(start, end)))
