"""``motcua feedback due [--unit CODE] [--within DAYS]``: PAKN deadlines to act on."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.feedback.workflow import due_list
from motcua.units.codes import normalize_unit_code
from motcua.units.models import Unit

STEPS = {
    "refuse": "từ chối",
    "supplement": "yêu cầu bổ sung",
    "answer": "trả lời",
    "publish": "công khai",
}


class Command(BaseCommand):
    help = "List PAKN deadlines that are overdue or due within N working days (default 2)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--unit", help="only this unit (DVCQG code)")
        parser.add_argument("--within", type=int, default=2, help="working days ahead")

    def handle(self, *args: Any, **options: Any) -> None:
        unit_ids = None
        if options["unit"]:
            code = normalize_unit_code(options["unit"])
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(f"--unit: no unit has the code {code}")
            unit_ids = [unit.pk]
        rows = due_list(unit_ids=unit_ids, within_days=options["within"])
        for petition, deadline in rows:
            flag = "QUÁ HẠN" if deadline.overdue else "sắp đến hạn"
            due = timezone.localtime(deadline.due)
            self.stdout.write(
                f"{petition.code}  {flag:12} {STEPS[deadline.step]:16} {due:%d/%m/%Y %H:%M}  "
                f"{petition.unit.name}  {petition.title[:60]}"
            )
        self.stdout.write(f"{len(rows)} deadline(s)")
