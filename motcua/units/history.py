"""Reading the unit tree as of a date, following lineage, and rolling history up.

Everything here reads; nothing writes. The bulk functions load the whole unit history in a
handful of queries (:class:`History`) and work in Python, so asking about thousands of units
costs the same few queries as asking about one.

Rules (see docs/units.md):

* A unit exists on ``day`` when ``valid_from <= day <= valid_to`` (open ends = always).
* Its parent on ``day`` is the :class:`~motcua.units.models.UnitParent` link valid that day.
* Its name on ``day`` is its current name unless a rename took effect after ``day``: then it
  is the ``old_name`` of the first such rename.
* Lineage: a unit that ended is succeeded by the ``heir`` of the merge or split event that
  lists it as a source (for a split, the first listed target inherits the history).
* Roll-up: for a period ``[date_from, date_to]`` units roll up according to the tree as of
  ``date_to``. A unit that ended before ``date_to`` counts where its lineage leads: its
  successor chain; when the chain stops at a unit without successor, the parent that unit
  had on its last day (whose own lineage is then followed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from motcua.units.codes import UnitCodeError, looks_like_unit_code, normalize_unit_code
from motcua.units.models import Level, Unit, UnitEvent, UnitParent

_GSO = re.compile(r"^\d{2}$|^\d{3}$|^\d{5}$")
_GSO_LEVEL = {2: Level.PROVINCE, 3: Level.DISTRICT, 5: Level.COMMUNE}
_LEVEL_ORDER = {Level.PROVINCE: 0, Level.AGENCY: 1, Level.DISTRICT: 2, Level.COMMUNE: 3}


class UnitLookupError(LookupError):
    """A code that names no unit, or several."""


def _covers(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


@dataclass(frozen=True)
class UnitRow:
    id: int
    code: str | None
    gso_code: str
    name: str
    level: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class Link:
    unit_id: int
    parent_id: int
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class Rename:
    effective_date: dt.date
    old_name: str


@dataclass
class TreeNode:
    """A unit in the tree as of a date, with its name as of that date."""

    id: int
    name: str
    level: str
    code: str | None
    gso_code: str
    children: list[TreeNode] = field(default_factory=list)

    def walk(self, depth: int = 0) -> list[tuple[int, TreeNode]]:
        """``(depth, node)`` pairs in display order."""
        rows = [(depth, self)]
        for child in self.children:
            rows.extend(child.walk(depth + 1))
        return rows


class History:
    """The whole unit history in memory: units, parent links, lineage and renames."""

    def __init__(self) -> None:
        self.units: dict[int, UnitRow] = {
            row["id"]: UnitRow(**row)
            for row in Unit.objects.values(
                "id", "code", "gso_code", "name", "level", "valid_from", "valid_to"
            )
        }
        self.links: dict[int, list[Link]] = defaultdict(list)
        for link in UnitParent.objects.values("unit_id", "parent_id", "valid_from", "valid_to"):
            self.links[link["unit_id"]].append(Link(**link))
        self.heir_of: dict[int, tuple[dt.date, int]] = self._load_lineage()
        self.renames: dict[int, list[Rename]] = self._load_renames()

    @staticmethod
    def _load_lineage() -> dict[int, tuple[dt.date, int]]:
        """unit id -> (effective date, heir id) for units that a merge or split ended.

        A source that is also a target of its event continues and keeps its history.
        """
        reforms = {"unitevent__kind__in": [UnitEvent.Kind.MERGE, UnitEvent.Kind.SPLIT]}
        continuing = set(
            UnitEvent.targets.through.objects.filter(**reforms).values_list(
                "unitevent_id", "unit_id"
            )
        )
        sources = UnitEvent.sources.through.objects.filter(
            unitevent__heir__isnull=False, **reforms
        ).values_list("unitevent_id", "unit_id", "unitevent__effective_date", "unitevent__heir_id")
        lineage: dict[int, tuple[dt.date, int]] = {}
        for event_id, unit_id, day, heir_id in sources.order_by("unitevent__effective_date"):
            if (event_id, unit_id) not in continuing and unit_id not in lineage:
                lineage[unit_id] = (day, heir_id)
        return lineage

    @staticmethod
    def _load_renames() -> dict[int, list[Rename]]:
        renames: dict[int, list[Rename]] = defaultdict(list)
        rows = UnitEvent.sources.through.objects.filter(
            unitevent__kind=UnitEvent.Kind.RENAME
        ).values_list("unit_id", "unitevent__effective_date", "unitevent__old_name")
        for unit_id, day, old_name in rows.order_by("unitevent__effective_date", "unitevent_id"):
            renames[unit_id].append(Rename(day, old_name))
        return renames

    # -- single-unit facts -------------------------------------------------------------

    def exists_on(self, unit_id: int, day: dt.date) -> bool:
        unit = self.units[unit_id]
        return _covers(unit.valid_from, unit.valid_to, day)

    def parent_on(self, unit_id: int, day: dt.date) -> int | None:
        for link in self.links.get(unit_id, ()):
            if _covers(link.valid_from, link.valid_to, day):
                return link.parent_id
        return None

    def name_on(self, unit_id: int, day: dt.date) -> str:
        """The name on ``day``: the old name of the first rename effective after it."""
        for rename in self.renames.get(unit_id, ()):
            if rename.effective_date > day:
                return rename.old_name
        return self.units[unit_id].name

    def successor_on(self, unit_id: int, day: dt.date) -> int | None:
        """The unit carrying ``unit_id``'s history on ``day`` (itself while it exists).

        Follows merge and split events (their ``heir``) from one ended unit to the next.
        ``None`` when the unit did not exist yet on ``day``, or ended without a successor.
        """
        seen: set[int] = set()
        current = unit_id
        while current not in seen:
            seen.add(current)
            unit = self.units[current]
            if self.exists_on(current, day):
                return current
            if unit.valid_from is not None and day < unit.valid_from:
                return None
            step = self.heir_of.get(current)
            if step is None or step[0] > day:
                return None
            current = step[1]
        return None

    def anchor_on(self, unit_id: int, day: dt.date) -> int | None:
        """The unit existing on ``day`` into which ``unit_id``'s history rolls up.

        Its successor when it has one; otherwise, for a unit that ended without one, the
        anchor of the parent it had on its last day. ``None`` for a unit that did not exist
        yet on ``day`` or that leads nowhere.
        """
        seen: set[int] = set()
        current: int | None = unit_id
        while current is not None and current not in seen:
            seen.add(current)
            successor = self.successor_on(current, day)
            if successor is not None:
                return successor
            last = self._last_in_lineage(current, day)
            if last is None:
                return None
            end = self.units[last].valid_to
            current = self.parent_on(last, end) if end is not None else None
        return None

    def _last_in_lineage(self, unit_id: int, day: dt.date) -> int | None:
        """The last unit of ``unit_id``'s successor chain that ended before ``day``."""
        unit = self.units[unit_id]
        if unit.valid_from is not None and day < unit.valid_from:
            return None
        current = unit_id
        seen = {current}
        while (step := self.heir_of.get(current)) is not None and step[0] <= day:
            if step[1] in seen:
                break
            current = step[1]
            seen.add(current)
        return current

    # -- the tree as of a date ---------------------------------------------------------

    def children_on(self, day: dt.date) -> dict[int | None, list[int]]:
        """Parent id (``None`` for roots) -> ids of the units under it on ``day``."""
        children: dict[int | None, list[int]] = defaultdict(list)
        for unit_id in self.units:
            if self.exists_on(unit_id, day):
                parent = self.parent_on(unit_id, day)
                if parent is not None and not self.exists_on(parent, day):
                    parent = None
                children[parent].append(unit_id)
        return children

    def tree_on(self, day: dt.date, root: int | None = None) -> list[TreeNode]:
        children = self.children_on(day)

        def build(unit_id: int) -> TreeNode:
            unit = self.units[unit_id]
            node = TreeNode(
                unit_id, self.name_on(unit_id, day), unit.level, unit.code or "", unit.gso_code
            )
            node.children = [build(c) for c in self._sorted(children.get(unit_id, []), day)]
            return node

        if root is not None:
            return [build(root)] if self.exists_on(root, day) else []
        return [build(r) for r in self._sorted(children.get(None, []), day)]

    def _sorted(self, ids: list[int], day: dt.date) -> list[int]:
        def key(unit_id: int) -> tuple[int, str, str]:
            unit = self.units[unit_id]
            order = _LEVEL_ORDER.get(Level(unit.level), 9)
            return (order, unit.code or unit.gso_code, self.name_on(unit_id, day))

        return sorted(ids, key=key)

    # -- roll-up -----------------------------------------------------------------------

    def rollup_map(self, date_from: dt.date, date_to: dt.date) -> dict[int, set[int]]:
        """For every unit existing on ``date_to``: ids of the units rolling up into it."""
        if date_from > date_to:
            raise ValueError(f"empty period: {date_from} > {date_to}")
        parent_of = {
            child: parent for parent, kids in self.children_on(date_to).items() for child in kids
        }
        result: dict[int, set[int]] = {unit_id: set() for unit_id in parent_of}
        for unit_id in self.units:
            target: int | None = self.anchor_on(unit_id, date_to)
            while target is not None:
                result[target].add(unit_id)
                target = parent_of.get(target)
        return result

    def rollup_units(self, unit_id: int, date_from: dt.date, date_to: dt.date) -> set[int]:
        """Ids of the units whose history counts in ``unit_id`` for the period.

        A unit that ended before ``date_to`` is read as of its last day; a unit that did not
        exist yet on ``date_to`` has nothing to roll up.
        """
        unit = self.units[unit_id]
        if unit.valid_from is not None and unit.valid_from > date_to:
            return set()
        end = min(date_to, unit.valid_to) if unit.valid_to is not None else date_to
        return self.rollup_map(min(date_from, end), end).get(unit_id, {unit_id})


# -- module-level API ------------------------------------------------------------------


def _id(unit: Unit | int) -> int:
    return unit if isinstance(unit, int) else unit.pk


def tree_on(day: dt.date, root: Unit | int | None = None) -> list[TreeNode]:
    """The unit tree as of ``day`` (names as of that day), from ``root`` or from all roots.

    Children are ordered by level, then code, then name.
    """
    return History().tree_on(day, None if root is None else _id(root))


def successor_on(unit: Unit | int, day: dt.date) -> Unit | None:
    """The unit carrying ``unit``'s history on ``day``: itself while it exists.

    A unit ended by a merge is succeeded by the merged unit; one ended by a split by the
    first listed target of the split (the event's ``heir``), which inherits the history.
    Chains are followed (A merged into B, B later merged into C: C). ``None`` when the unit
    did not exist yet on ``day`` or ended without a recorded successor.
    """
    found = History().successor_on(_id(unit), day)
    return None if found is None else Unit.objects.get(pk=found)


def rollup_units(unit: Unit | int, date_from: dt.date, date_to: dt.date) -> set[int]:
    """Ids of every unit whose history rolls up into ``unit`` for ``[date_from, date_to]``.

    Rule: units roll up according to the tree as of ``date_to``. A unit that ended before
    ``date_to`` counts through its successor chain (or, without successor, through the
    parent it had on its last day). So a merged unit's whole history counts in its successor
    for a period ending after the merger, and in its old parent for one ending before.
    Always includes ``unit`` itself when it exists on ``date_to``.
    """
    return History().rollup_units(_id(unit), date_from, date_to)


def rollup_map(date_from: dt.date, date_to: dt.date) -> dict[int, set[int]]:
    """:func:`rollup_units` for every unit existing on ``date_to``, in a few queries."""
    return History().rollup_map(date_from, date_to)


def name_on(unit: Unit | int, day: dt.date) -> str:
    """The unit's name on ``day`` (before any rename effective after that day)."""
    unit_id = _id(unit)
    names = UnitEvent.objects.filter(
        kind=UnitEvent.Kind.RENAME, sources=unit_id, effective_date__gt=day
    ).order_by("effective_date", "id")
    first = names.values_list("old_name", flat=True).first()
    if first is not None:
        return first
    return unit.name if isinstance(unit, Unit) else Unit.objects.get(pk=unit_id).name


def resolve_code(text: str, on: dt.date | None = None) -> Unit:
    """The unit named by a DVCQG code, a TT 10/2016 identifier or a GSO code.

    DVCQG codes and identifiers are unique. GSO codes (2, 3 or 5 digits for a province,
    district or commune) were reused by the 2025 reform, so ``on`` picks the unit existing
    that day; without ``on`` the code must match a single unit. Raises
    :class:`UnitLookupError` when nothing or several units match.
    """
    value = text.strip()
    if looks_like_unit_code(value):
        code = normalize_unit_code(value)
        try:
            return Unit.objects.get(code=code)
        except Unit.DoesNotExist:
            raise UnitLookupError(f"no unit with code {code}") from None
    if not _GSO.match(value):
        raise UnitLookupError(
            f"{text!r} is not a DVCQG code (H44.07), a TT 10/2016 identifier "
            "(000.00.07.H44) or a statistics-office code (2, 3 or 5 digits)"
        )
    return _resolve_gso(value, on)


def _resolve_gso(value: str, on: dt.date | None) -> Unit:
    found = Unit.objects.filter(gso_code=value, level=_GSO_LEVEL[len(value)])
    if on is not None:
        found = found.valid_on(on)
    units = list(found.order_by("valid_from", "id")[:5])
    when = f" on {on}" if on else ""
    if not units:
        raise UnitLookupError(f"no unit with statistics-office code {value}{when}")
    if len(units) > 1:
        names = "; ".join(f"{u.name} [{u.valid_from or '…'}, {u.valid_to or '…'}]" for u in units)
        hint = "" if on else " (give a date)"
        raise UnitLookupError(f"statistics-office code {value} is ambiguous{when}: {names}{hint}")
    return units[0]


__all__ = [
    "History",
    "TreeNode",
    "UnitCodeError",
    "UnitLookupError",
    "name_on",
    "resolve_code",
    "rollup_map",
    "rollup_units",
    "successor_on",
    "tree_on",
]
