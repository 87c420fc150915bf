"""Importing the procedure catalogue (danh mục TTHC); the columns are in docs/procedures.md.

The import is all or nothing: every row is validated first (:mod:`csv_rows`), then every
procedure is created or updated by code in one transaction, with one audit event. It is
idempotent: importing the same file again changes nothing.

Dated facts keep their history. The online service level and the online-payment state are
versions (``ServiceLevelVersion``, ``PaymentDeploymentVersion``); a value that differs
from the one in force on its date appends a version from that date (a version on the very
same date is corrected instead). Without a date the value applies from
:data:`SINCE_ALWAYS` for a procedure new to the database, else from the import day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.text import fold
from motcua.procedures.csv_rows import (
    CatalogueError,
    ProcedureRow,
    RowError,
    Source,
    read_catalogue,
)
from motcua.procedures.models import (
    Field,
    PaymentDeploymentVersion,
    Procedure,
    ProcedureFee,
    ServiceLevel,
    ServiceLevelVersion,
)

__all__ = ["SINCE_ALWAYS", "CatalogueError", "ImportReport", "RowError", "import_procedures"]

# "Valid from" of a value whose date is unknown on a procedure's first import.
SINCE_ALWAYS = dt.date(1900, 1, 1)


@dataclass
class ImportReport:
    """What an import did, by procedure code."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"created: {len(self.created)}, updated: {len(self.updated)}, "
            f"unchanged: {len(self.unchanged)}"
        )


def import_procedures(
    source: Source, *, actor: Any = "import", today: dt.date | None = None
) -> ImportReport:
    """Create or update the procedures of a catalogue CSV (a path or an open file).

    Raises :class:`CatalogueError` (every problem with line, column and value) and writes
    nothing when any row is invalid. ``today`` is the date undated changes apply from
    (default: the local date).
    """
    catalogue = read_catalogue(source)
    report = ImportReport(warnings=catalogue.warnings)
    today = today or timezone.localdate()
    with transaction.atomic():
        existing = _existing([row.code for row in catalogue.rows])
        fields = _FieldResolver()
        for row in catalogue.rows:
            outcome = _upsert(row, existing.get(row.code), fields, today)
            getattr(report, outcome).append(row.code)
        _audit(report, actor, source)
    return report


def _existing(codes: list[str]) -> dict[str, Procedure]:
    procedures = (
        Procedure.objects.filter(code__in=codes)
        .select_related("field")
        .prefetch_related("fees", "service_levels", "payment_deployments", "agencies")
    )
    return {p.code: p for p in procedures}


def _upsert(
    row: ProcedureRow, procedure: Procedure | None, fields: _FieldResolver, today: dt.date
) -> str:
    """Apply one row; returns "created", "updated" or "unchanged"."""
    created = procedure is None
    if procedure is None:
        procedure = Procedure(code=row.code)
    values = {**row.values, "field": fields.resolve(row.field_code, row.field_name)}
    changed = created
    for attribute, value in values.items():
        if getattr(procedure, attribute) != value:
            setattr(procedure, attribute, value)
            changed = True
    if changed:
        procedure.save()
    start = SINCE_ALWAYS if created else today
    changes = [
        row.fees is not None and _sync_fees(procedure, row.fees, created),
        _sync_level(procedure, row.service_level, row.service_level_from or start, created),
        row.online_payment is not None
        and _sync_payment(procedure, row.online_payment, row.online_payment_from or start, created),
        row.agency_ids is not None and _sync_agencies(procedure, row.agency_ids, created),
    ]
    if created:
        return "created"
    return "updated" if changed or any(changes) else "unchanged"


def _sync_fees(procedure: Procedure, fees: list[tuple[str, int]], created: bool) -> bool:
    """Replace the fee items when they differ from the file's list."""
    current = [] if created else [(f.name, f.amount) for f in procedure.fees.all()]
    if current == fees:
        return False
    procedure.fees.all().delete()
    ProcedureFee.objects.bulk_create(
        ProcedureFee(procedure=procedure, name=name, amount=amount) for name, amount in fees
    )
    return True


def _in_force(versions: list[Any], day: dt.date) -> Any:
    """The version valid on ``day`` (the latest starting on or before it), or None."""
    valid = [v for v in versions if v.valid_from <= day]
    return max(valid, key=lambda v: v.valid_from) if valid else None


def _sync_level(procedure: Procedure, level: str, day: dt.date, created: bool) -> bool:
    """Append (or correct, same date) a service-level version when the level changes."""
    versions = [] if created else list(procedure.service_levels.all())
    version = _in_force(versions, day)
    if (version.level if version else ServiceLevel.NONE) == level:
        return False
    if version is not None and version.valid_from == day:
        version.level = level
        version.save(update_fields=["level"])
    else:
        ServiceLevelVersion.objects.create(procedure=procedure, level=level, valid_from=day)
    return True


def _sync_payment(procedure: Procedure, deployed: bool, day: dt.date, created: bool) -> bool:
    """Append (or correct, same date) a payment version when the state changes."""
    versions = [] if created else list(procedure.payment_deployments.all())
    version = _in_force(versions, day)
    if (version.deployed if version else False) == deployed:
        return False
    if version is not None and version.valid_from == day:
        version.deployed = deployed
        version.save(update_fields=["deployed"])
    else:
        PaymentDeploymentVersion.objects.create(
            procedure=procedure, deployed=deployed, valid_from=day
        )
    return True


def _sync_agencies(procedure: Procedure, unit_ids: list[int], created: bool) -> bool:
    current = [] if created else sorted(unit.pk for unit in procedure.agencies.all())
    if current == unit_ids:
        return False
    procedure.agencies.set(unit_ids)
    return True


class _FieldResolver:
    """Finds or creates fields (lĩnh vực) by code, else by name (accent-insensitive)."""

    def __init__(self) -> None:
        self.by_code = {f.code: f for f in Field.objects.all()}
        self.by_name = {fold(f.name): f for f in self.by_code.values()}

    def resolve(self, code: str | None, name: str) -> Field | None:
        if not code and not name:
            return None
        found = self.by_code.get(code) if code else self.by_name.get(fold(name))
        if found is None:
            found = Field.objects.create(code=code or self._new_code(name), name=name)
        elif code and name and found.name != name:
            found.name = name
            found.save(update_fields=["name"])
        self.by_code[found.code] = found
        self.by_name[fold(found.name)] = found
        return found

    def _new_code(self, name: str) -> str:
        """A code derived from the name ("Hộ tịch" → "ho-tich"), unique among fields."""
        base = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:36] or "field"
        code, n = base, 1
        while code in self.by_code:
            n += 1
            code = f"{base}-{n}"
        return code


def _audit(report: ImportReport, actor: Any, source: Source) -> None:
    from motcua.audit.log import record

    name = getattr(source, "name", source)
    record(
        "procedures.import",
        actor=actor,
        object_type="Procedure",
        file=str(name),
        created=report.created,
        updated=report.updated,
        unchanged=len(report.unchanged),
    )
