"""Importing units from files: CSV, or the statistics-office JSON lists.

Every importer validates the whole file first (errors name the line or entry and the
field) and then writes everything in one transaction, so a bad file writes nothing.
Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import json
from pathlib import Path

from motcua.units.imports.csv_rows import import_csv
from motcua.units.imports.gso_json import import_gso
from motcua.units.imports.plan import ImportFailed, ImportReport, Plan


def plan_file(path: Path, *, province: str | None = None) -> Plan:
    """Validate ``path`` (CSV or GSO JSON, told apart by content) and plan its import."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFailed([f"{path}: cannot read: {error}"]) from None
    if text.lstrip()[:1] in ("[", "{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFailed([f"line {error.lineno}: invalid JSON: {error.msg}"]) from None
        return import_gso(data, province=province)
    if province is not None:
        raise ImportFailed(["--province applies to the statistics-office JSON files only"])
    return import_csv(text)


def import_file(path: Path, *, province: str | None = None, actor: str = "import") -> ImportReport:
    """Import ``path`` and report how many units were created, updated or unchanged."""
    return plan_file(path, province=province).apply(source=path.name, actor=actor)


__all__ = ["ImportFailed", "ImportReport", "import_file", "plan_file"]
