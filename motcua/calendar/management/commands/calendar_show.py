"""``motcua calendar show --year YYYY``: days off and worked weekend days, named."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.calendar.management.arguments import parse_year
from motcua.calendar.services import current_calendar


class Command(BaseCommand):
    help = "List the year's holidays, swapped days and overrides with their status."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="YYYY")

    def handle(self, *args: Any, **options: Any) -> None:
        year = parse_year(options["year"], "--year")
        calendar = current_calendar()
        for info in calendar.exceptions(year):
            state = "work" if info.working else "off "
            self.stdout.write(f"{info.day.isoformat()} {info.day:%a} {state} {info.name}")
        total = calendar.count_working_days(dt.date(year, 1, 1), dt.date(year, 12, 31))
        self.stdout.write(f"{year}: {total} working days")
