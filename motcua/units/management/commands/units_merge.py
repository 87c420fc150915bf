"""``motcua units merge --into CODE --from CODE,CODE --on YYYY-MM-DD``: record a merger."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.units.history import UnitLookupError, resolve_code
from motcua.units.management.dates import iso_date
from motcua.units.services import ONE_DAY, ReformError, merge


class Command(BaseCommand):
    help = (
        "Merge units into one from a date. Codes are DVCQG codes, TT 10/2016 identifiers "
        "or statistics-office codes, read as of the day before the merger."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--into", required=True, help="the unit that continues")
        parser.add_argument("--from", dest="sources", required=True, help="CODE,CODE,…")
        parser.add_argument("--on", required=True, type=iso_date, help="first day, YYYY-MM-DD")
        parser.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        on: dt.date = options["on"]
        codes = [c for c in options["sources"].split(",") if c.strip()]
        try:
            into = resolve_code(options["into"], on - ONE_DAY)
            sources = [resolve_code(code, on - ONE_DAY) for code in codes]
            event = merge(sources, into, on, actor="cli", note=options["note"])
        except (UnitLookupError, ReformError) as error:
            raise CommandError(str(error)) from None
        merged = ", ".join(u.name for u in event.sources.exclude(pk=into.pk))
        self.stdout.write(f"{on}: {merged} → {into.name}")
