"""``motcua index reconcile FILE.json``: official DVCQG scores next to the formula set's."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.indicators.official import OfficialFileError, load, store
from motcua.indicators.reconcile import (
    TOLERANCE,
    Comparison,
    active_formula_set,
    mismatch_summary,
    rescore,
)
from motcua.indicators.registry import formula_set

PROG = "motcua index reconcile"
JSON_COLUMNS = ("unit_code", "indicator", "official_score", "computed_score", "difference")


def _fail(message: str) -> None:
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.exit(2)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


class Command(BaseCommand):
    help = (
        "Store a DVCQG evaluation response and compare its scores with the formula set's "
        "scoring of its raw counts; exit status 1 when any differs by more than 0.015."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="DVCQG evaluation response (JSON)")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--set", dest="set_id", help="formula set (default: the active one)")
        parser.add_argument("--no-fail", action="store_true", help="exit 0 despite mismatches")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            return _fail(f"cannot read {path}: {exc}")
        try:
            fs = formula_set(options["set_id"]) if options["set_id"] else active_formula_set()
            if not fs.groups:
                raise KeyError(f"formula set {fs.id!r} has no scores to reconcile")
        except KeyError as exc:
            return _fail(str(exc).strip("'\""))
        try:
            response = load(text)
        except OfficialFileError as exc:
            return _fail(f"{path}: {exc}")
        evaluation, created = store(response, source_name=path.name, actor="cli")
        comparisons = rescore(response.rows, fs)
        self._print(comparisons, options["format"])
        stored = "stored as" if created else "already stored as"
        sys.stderr.write(
            f"{len(response.rows)} official figures ({response.shape} shape), {stored} "
            f"evaluation #{evaluation.pk}; re-scored with {fs.id}\n"
        )
        mismatches = [c for c in comparisons if c.mismatch]
        if mismatches:
            sys.stderr.write(
                f"{len(mismatches)} difference{'s' if len(mismatches) > 1 else ''} beyond "
                f"{TOLERANCE}; the formulas they point at:\n"
                + "".join(f"  {line}\n" for line in mismatch_summary(comparisons, fs))
            )
            if not options["no_fail"]:
                sys.exit(1)

    def _print(self, comparisons: list[Comparison], fmt: str) -> None:
        if fmt == "json":
            rows = [
                {k: v for k, v in c.as_dict().items() if k in JSON_COLUMNS or k == "note"}
                for c in comparisons
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        self.stdout.write(
            f"{'unit':<16} {'indicator':<36} {'official':>9} {'computed':>9} {'diff':>9}"
        )
        for c in comparisons:
            flag = "  ≠" if c.mismatch else ""
            note = f"  not comparable: {c.note}" if c.computed_score is None else ""
            self.stdout.write(
                f"{c.unit_code or '(overview)':<16} {c.indicator:<36} "
                f"{_num(c.official_score):>9} {_num(c.computed_score):>9} "
                f"{_num(c.difference):>9}{flag}{note}"
            )
