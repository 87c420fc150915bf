"""``motcua report KIND --from D --to D [--campaign ID] [--unit CODE] --format F --out PATH``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.campaigns.management.errors import fail, parse_date
from motcua.campaigns.models import Campaign
from motcua.indicators.period import Period
from motcua.indicators.report import ScopeError
from motcua.reports.build import KINDS, ReportError, build
from motcua.reports.check import CheckError, check_file
from motcua.reports.render import FORMATS, render
from motcua.units.history import UnitLookupError, resolve_code


class Command(BaseCommand):
    help = "Write a report (appendix1-3, campaign, scorecard) as xlsx, docx or pdf."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[*KINDS, "check-figures"])
        parser.add_argument("file", nargs="?", help="check-figures: the table (csv, tsv, xlsx)")
        parser.add_argument("--headline", help="check-figures: stated totals, e.g. 114251,37051")
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD (campaign: the as-of day)")
        parser.add_argument("--campaign", type=int)
        parser.add_argument("--unit", help="DVCQG code: that unit's subtree")
        parser.add_argument("--format", dest="fmt", choices=FORMATS)
        parser.add_argument("--out")

    def handle(self, *args: Any, **options: Any) -> None:
        name = f"report {options['kind']}"
        if options["kind"] == "check-figures":
            return self._check(name, options)
        if not options["fmt"] or not options["out"]:
            fail(name, "cần --format và --out")
        start = parse_date(name, "--from", options["date_from"])
        end = parse_date(name, "--to", options["date_to"])
        campaign = None
        if options["campaign"] is not None:
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
            if campaign is None:
                fail(name, f"không có chiến dịch #{options['campaign']}")
        try:
            if options["kind"] == "campaign":
                period = (
                    Period(start or (campaign.start if campaign else end), end) if end else None
                )
            elif start and end:
                period = Period(start, end)
            elif start or end:
                fail(name, "cần cả --from và --to")
            else:
                period = None
            root = resolve_code(options["unit"], on=end) if options["unit"] else None
            doc = build(
                options["kind"], period, root_id=root.pk if root else None, campaign_obj=campaign
            )
        except (ReportError, UnitLookupError, ScopeError, ValueError) as exc:
            fail(name, str(exc))
        out = Path(options["out"])
        try:
            out.write_bytes(render(doc, options["fmt"]))
        except OSError as exc:
            fail(name, f"{out}: không ghi được tệp ({exc.strerror})")
        self.stdout.write(f"{out}: {options['kind']} ({options['fmt']})")

    def _check(self, name: str, options: dict[str, Any]) -> None:
        if not options["file"]:
            fail(name, "cần tệp bảng số liệu (csv, tsv hoặc xlsx)")
        headline = None
        if options["headline"]:
            try:
                headline = [int(x.replace(".", "")) for x in options["headline"].split(",")]
            except ValueError:
                fail(name, f"--headline: không phải danh sách số {options['headline']!r}")
        try:
            findings = check_file(Path(options["file"]), headline)
        except CheckError as exc:
            fail(name, str(exc))
        for finding in findings:
            self.stdout.write(str(finding))
        if findings:
            self.stdout.write(f"{len(findings)} điểm không khớp.")
            sys.exit(1)
        self.stdout.write("Bảng số liệu khớp.")
