"""The write side of the importers: a plan of changes, applied in one transaction.

Importers first validate the whole file and describe what should change in a
:class:`Plan`; only then is the plan written, with bulk queries, so that a bad file writes
nothing and a file of 10,000 units costs a few queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from motcua.audit.log import record
from motcua.core.text import fold
from motcua.units.models import Unit, UnitEvent, UnitParent

UNIT_FIELDS = ["code", "gso_code", "name", "name_key", "level", "valid_from", "valid_to"]


class ImportFailed(Exception):
    """The file is invalid; ``errors`` name the line (or entry) and the field."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"


@dataclass
class PendingRename:
    unit: Unit
    effective_date: dt.date
    old_name: str
    new_name: str


@dataclass
class Plan:
    """Changes to write. Units are model instances; new ones have no primary key yet."""

    new_units: list[Unit] = field(default_factory=list)
    changed_units: dict[int, Unit] = field(default_factory=dict)
    new_links: list[tuple[Unit, Unit, dt.date | None, dt.date | None]] = field(default_factory=list)
    changed_links: dict[int, UnitParent] = field(default_factory=dict)
    renamed_events: dict[int, UnitEvent] = field(default_factory=dict)
    new_renames: list[PendingRename] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)  # ids of python objects (units) touched
    seen: dict[int, Unit] = field(default_factory=dict)

    def see(self, unit: Unit) -> None:
        """Count ``unit`` in the report (as created, updated or unchanged)."""
        self.seen[id(unit)] = unit

    def create(self, unit: Unit) -> Unit:
        unit.name_key = fold(unit.name)
        self.new_units.append(unit)
        self.see(unit)
        return unit

    def change(self, unit: Unit, **values: object) -> None:
        """Set fields on ``unit``, remembering it as updated when something differs."""
        differs = {k: v for k, v in values.items() if getattr(unit, k) != v}
        if not differs:
            return
        for key, value in differs.items():
            setattr(unit, key, value)
        unit.name_key = fold(unit.name)
        self.touch(unit)
        if unit.pk is not None:
            self.changed_units[unit.pk] = unit

    def touch(self, unit: Unit) -> None:
        self.touched.add(id(unit))

    def link(self, unit: Unit, parent: Unit, start: dt.date | None, end: dt.date | None) -> None:
        self.new_links.append((unit, parent, start, end))
        self.touch(unit)

    def relink(self, link: UnitParent, unit: Unit, parent: Unit) -> None:
        link.parent = parent
        self.changed_links[id(link)] = link
        self.touch(unit)

    def report(self) -> ImportReport:
        report = ImportReport()
        for key, unit in self.seen.items():
            if unit.pk is None:
                report.created += 1
            elif key in self.touched:
                report.updated += 1
            else:
                report.unchanged += 1
        return report

    def apply(self, *, source: str, actor: str = "import") -> ImportReport:
        report = self.report()
        with transaction.atomic():
            Unit.objects.bulk_create(self.new_units, batch_size=1000)
            if self.changed_units:
                Unit.objects.bulk_update(
                    list(self.changed_units.values()), UNIT_FIELDS, batch_size=1000
                )
            self._write_links()
            self._write_renames()
            record(
                "units.import",
                actor=actor,
                object_type="units.Unit",
                source=source,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
            )
        return report

    def _write_links(self) -> None:
        UnitParent.objects.bulk_create(
            [
                UnitParent(unit=unit, parent=parent, valid_from=start, valid_to=end)
                for unit, parent, start, end in self.new_links
            ],
            batch_size=1000,
        )
        if self.changed_links:
            UnitParent.objects.bulk_update(list(self.changed_links.values()), ["parent"])

    def _write_renames(self) -> None:
        if self.renamed_events:
            UnitEvent.objects.bulk_update(list(self.renamed_events.values()), ["old_name"])
        for rename in self.new_renames:
            event = UnitEvent.objects.create(
                kind=UnitEvent.Kind.RENAME,
                effective_date=rename.effective_date,
                old_name=rename.old_name,
                new_name=rename.new_name,
                note="import",
            )
            event.sources.add(rename.unit)
            event.targets.add(rename.unit)
