"""Import of the statistics-office (GSO) JSON lists of administrative units.

Two shapes exist (docs/units.md):

* before 1 July 2025: ``[{Code, FullName, District: [{Code, FullName, ProvinceCode,
  Ward: [{Code, FullName, DistrictCode}] | null}]}]`` — the state on 30 June 2025;
* after: ``[{Code, FullName, Wards: [{Code, FullName, ProvinceCode}]}]`` — from 1 July 2025.

Coherence rules, so both files can be imported, in either order, as often as wanted:

* A unit is found by level and GSO code among the units existing on the file's day
  (30 June 2025 or 1 July 2025).
* Failing that, a unit of the other file continues when it has the same level and code and
  ends (or starts) right at the reform; for communes the name must also be the same.
  It is extended across the reform instead of creating a second unit. A province that
  continues under a new name gets a rename event effective 1 July 2025.
* Before-file districts and communes end on 30 June 2025 (unless continued by the
  after-file); after-file units start on 1 July 2025. Provinces stay open.
* Nothing else is ended: provinces missing from the after-file were merged, and the file
  does not say into which one; record that with ``motcua units merge``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from motcua.core.text import fold, nfc
from motcua.units.imports.plan import ImportFailed, PendingRename, Plan
from motcua.units.models import DISTRICT_LEVEL_ENDS, Level, Unit, UnitEvent, UnitParent

BEFORE_DAY = DISTRICT_LEVEL_ENDS
AFTER_DAY = DISTRICT_LEVEL_ENDS + dt.timedelta(days=1)
_DIGITS = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}


@dataclass
class Entry:
    """One unit of the file, validated."""

    level: Level
    code: str
    name: str
    children: list[Entry] = field(default_factory=list)


def detect_shape(data: object) -> str:
    """``"before"`` or ``"after"``; raises :class:`ImportFailed` for anything else."""
    if isinstance(data, list) and data and all(isinstance(p, dict) for p in data):
        if all("District" in p for p in data):
            return "before"
        if all("Wards" in p for p in data):
            return "after"
    raise ImportFailed(
        [
            "not a statistics-office unit list: expected a list of provinces with "
            "'District' (before 1 July 2025) or 'Wards' (after)"
        ]
    )


def parse(data: Any, shape: str, province: str | None) -> list[Entry]:
    """Validate the whole file; the provinces (one with ``province``) as entries."""
    errors: list[str] = []
    entries = []
    for index, item in enumerate(data):
        where = f"province #{index + 1}"
        entry = _entry(item, Level.PROVINCE, where, errors)
        if entry is None or (province is not None and entry.code != province):
            continue
        if shape == "before":
            entry.children = _children(item, "District", Level.DISTRICT, entry, errors)
            for district, raw in zip(entry.children, item.get("District") or [], strict=False):
                district.children = _children(raw, "Ward", Level.COMMUNE, district, errors)
        else:
            entry.children = _children(item, "Wards", Level.COMMUNE, entry, errors)
        entries.append(entry)
    if province is not None and not entries and not errors:
        errors.append(f"--province {province}: no such province in the file")
    _check_unique(entries, errors)
    if errors:
        raise ImportFailed(errors)
    return entries


def _entry(item: Any, level: Level, where: str, errors: list[str]) -> Entry | None:
    if not isinstance(item, dict):
        errors.append(f"{where}: expected an object")
        return None
    code = str(item.get("Code") or "").strip()
    name = nfc(str(item.get("FullName") or ""))
    ok = True
    if not re.fullmatch(rf"\d{{{_DIGITS[level]}}}", code):
        errors.append(f"{where}: field Code: {code!r} is not a {_DIGITS[level]}-digit code")
        ok = False
    if not name:
        errors.append(f"{where} ({code}): field FullName is empty")
        ok = False
    return Entry(level, code, name) if ok else None


def _children(item: Any, key: str, level: Level, parent: Entry, errors: list[str]) -> list[Entry]:
    raw = item.get(key) if isinstance(item, dict) else None
    if raw is None:
        return []
    where = f"{parent.level.label} {parent.code}"
    if not isinstance(raw, list):
        errors.append(f"{where}: field {key} must be a list")
        return []
    found = []
    for index, child in enumerate(raw):
        entry = _entry(child, level, f"{where} / {key} #{index + 1}", errors)
        # Keep positions aligned with the raw list for the districts' wards.
        found.append(entry if entry is not None else Entry(level, "", ""))
    return found


def _check_unique(entries: list[Entry], errors: list[str]) -> None:
    seen: dict[tuple[Level, str], str] = {}
    stack = list(entries)
    while stack:
        entry = stack.pop()
        stack.extend(entry.children)
        if not entry.code:
            continue
        key = (entry.level, entry.code)
        if key in seen:
            errors.append(f"{entry.level.label} {entry.code}: field Code appears twice")
        seen[key] = entry.name


class GsoPlanner:
    """Turns validated entries into a :class:`Plan` against what the database holds."""

    def __init__(self, shape: str) -> None:
        self.shape = shape
        self.day = BEFORE_DAY if shape == "before" else AFTER_DAY
        self.plan = Plan()
        self.units: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        for unit in Unit.objects.exclude(gso_code="").exclude(level=Level.AGENCY):
            self.units[(unit.level, unit.gso_code)].append(unit)
        self.links: dict[int, list[UnitParent]] = defaultdict(list)
        for link in UnitParent.objects.filter(unit__in=self._ids()):
            self.links[link.unit_id].append(link)
        self.renames: dict[int, list[UnitEvent]] = defaultdict(list)
        events = UnitEvent.objects.filter(kind=UnitEvent.Kind.RENAME, sources__in=self._ids())
        for event in events.order_by("effective_date").prefetch_related("sources"):
            for source in event.sources.all():
                self.renames[source.pk].append(event)

    def _ids(self) -> list[int]:
        return [u.pk for units in self.units.values() for u in units]

    def build(self, entries: list[Entry]) -> Plan:
        for province in entries:
            unit = self._unit(province)
            for child in province.children:
                self._subtree(child, unit)
        return self.plan

    def _subtree(self, entry: Entry, parent: Unit) -> None:
        unit = self._unit(entry)
        self._ensure_link(unit, parent)
        for child in entry.children:
            self._subtree(child, unit)

    # -- finding or creating a unit ----------------------------------------------------

    def _unit(self, entry: Entry) -> Unit:
        unit = self._existing(entry) or self._continued(entry)
        if unit is None:
            unit = self.plan.create(self._new(entry))
            self.units[(entry.level, entry.code)].append(unit)
        else:
            self.plan.see(unit)
            self._set_name(unit, entry.name)
        if entry.level == Level.DISTRICT and (unit.valid_to is None or unit.valid_to > BEFORE_DAY):
            self.plan.change(unit, valid_to=BEFORE_DAY)  # the district level is abolished
        return unit

    def _new(self, entry: Entry) -> Unit:
        unit = Unit(level=entry.level, gso_code=entry.code, name=entry.name)
        if self.shape == "after":
            unit.valid_from = AFTER_DAY
        elif entry.level != Level.PROVINCE:
            unit.valid_to = BEFORE_DAY
        return unit

    def _existing(self, entry: Entry) -> Unit | None:
        for unit in self.units.get((entry.level, entry.code), []):
            if unit.is_valid_on(self.day):
                return unit
        return None

    def _continued(self, entry: Entry) -> Unit | None:
        """A unit of the other file carrying on across the reform (see module docstring)."""
        for unit in self.units.get((entry.level, entry.code), []):
            if self.shape == "after" and unit.valid_to == BEFORE_DAY:
                other_day = BEFORE_DAY
            elif self.shape == "before" and unit.valid_from == AFTER_DAY:
                other_day = AFTER_DAY
            else:
                continue
            if entry.level == Level.COMMUNE and fold(self._name_on(unit, other_day)) != fold(
                entry.name
            ):
                continue
            self._extend(unit, entry)
            return unit
        return None

    def _extend(self, unit: Unit, entry: Entry) -> None:
        if self.shape == "after":
            self.plan.change(unit, valid_to=None)
            return
        self.plan.change(unit, valid_from=None)
        if fold(self._name_on(unit, BEFORE_DAY)) != fold(entry.name):
            self._add_rename(unit, old_name=entry.name, new_name=unit.name)

    # -- names -------------------------------------------------------------------------

    def _name_on(self, unit: Unit, day: dt.date) -> str:
        for event in self.renames.get(unit.pk, []) if unit.pk else []:
            if event.effective_date > day:
                return event.old_name
        return unit.name

    def _set_name(self, unit: Unit, name: str) -> None:
        """Give ``unit`` the file's name as of the file's day.

        Spellings that differ only in accents (``Hòa``/``Hoá``: the files place tone marks
        differently) are not renames: the stored spelling stays.
        """
        if fold(self._name_on(unit, self.day)) == fold(name):
            return
        later = [e for e in self.renames.get(unit.pk, []) if e.effective_date > self.day]
        if later:
            later[0].old_name = name  # a correction of the name before that rename
            self.plan.renamed_events[later[0].pk] = later[0]
            self.plan.touch(unit)
        elif self.shape == "after" and (unit.valid_from is None or unit.valid_from < self.day):
            self._add_rename(unit, old_name=unit.name, new_name=name)
            self.plan.change(unit, name=name)
        else:
            self.plan.change(unit, name=name)

    def _add_rename(self, unit: Unit, *, old_name: str, new_name: str) -> None:
        self.plan.new_renames.append(PendingRename(unit, AFTER_DAY, old_name, new_name))
        event = UnitEvent(kind=UnitEvent.Kind.RENAME, effective_date=AFTER_DAY, old_name=old_name)
        self.renames[unit.pk].append(event)
        self.plan.touch(unit)

    # -- parent links ------------------------------------------------------------------

    def _ensure_link(self, unit: Unit, parent: Unit) -> None:
        links = self.links.get(unit.pk, []) if unit.pk else []
        for link in links:
            if link.valid_from is not None and link.valid_from > self.day:
                continue
            if link.valid_to is not None and link.valid_to < self.day:
                continue
            if link.parent_id != parent.pk or parent.pk is None:
                self.plan.relink(link, unit, parent)
            return
        if self.shape == "after":
            self.plan.link(unit, parent, AFTER_DAY, None)
        else:
            self.plan.link(unit, parent, None, BEFORE_DAY)


def import_gso(data: Any, *, province: str | None = None) -> Plan:
    """Validate a GSO JSON document and plan its import (write with ``plan.apply``)."""
    shape = detect_shape(data)
    entries = parse(data, shape, province)
    return GsoPlanner(shape).build(entries)
