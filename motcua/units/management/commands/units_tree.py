"""``motcua units tree [--on DATE] [--root CODE]``: print the unit tree as of a date."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.units.history import History, UnitLookupError, resolve_code
from motcua.units.management.dates import iso_date


class Command(BaseCommand):
    help = "Print the unit tree as of a date (default today), names as of that date."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--on", type=iso_date, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--root", help="print only this unit's subtree")

    def handle(self, *args: Any, **options: Any) -> None:
        day: dt.date = options["on"] or timezone.localdate()
        root = None
        if options["root"]:
            try:
                root = resolve_code(options["root"], day).pk
            except UnitLookupError as error:
                raise CommandError(str(error)) from None
        for tree in History().tree_on(day, root):
            for depth, node in tree.walk():
                code = node.code or node.gso_code
                self.stdout.write(f"{'  ' * depth}{node.name} [{code}]")
