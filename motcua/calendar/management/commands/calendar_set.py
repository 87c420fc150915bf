"""``motcua calendar set --date D --off|--work|--clear [--note TEXT]``: an override."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.calendar.management.arguments import parse_date
from motcua.calendar.services import current_calendar, set_override
from motcua.core.text import nfc


class Command(BaseCommand):
    help = "Record that a date is a day off (--off) or a working day (--work), or --clear it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", required=True, help="YYYY-MM-DD")
        status = parser.add_mutually_exclusive_group(required=True)
        status.add_argument("--off", action="store_true", help="a day off")
        status.add_argument("--work", action="store_true", help="a working day")
        status.add_argument("--clear", action="store_true", help="remove the override")
        parser.add_argument("--note", default="", help="why (shown in `calendar show`)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = parse_date(options["date"], "--date")
        working = None if options["clear"] else bool(options["work"])
        set_override(day, working, note=nfc(options["note"])[:255], actor="cli")
        state = "working" if current_calendar().is_working_day(day) else "off"
        self.stdout.write(f"{day.isoformat()} {state}")
