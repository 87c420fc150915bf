"""Reforms of the unit tree: merge, split, rename, move.

Each operation runs in one transaction, appends a :class:`UnitEvent` and writes an audit
record. History is never rewritten: units end (``valid_to``) and parent links are closed
the day before ``on`` (the effective date, the first day of the new state), and new links
open on ``on``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q, QuerySet

from motcua.audit.log import record
from motcua.units.models import Unit, UnitEvent, UnitParent

Actor = User | AnonymousUser | str | None
ONE_DAY = dt.timedelta(days=1)


class ReformError(ValueError):
    """A reform that makes no sense (its message says why)."""


def merge(
    sources: Sequence[Unit],
    into: Unit,
    on: dt.date,
    *,
    parent: Unit | None = None,
    actor: Actor = "cli",
    note: str = "",
) -> UnitEvent:
    """Merge ``sources`` into ``into`` from ``on`` (A, B -> C).

    ``into`` may be one of the sources (it continues) or an existing unit, or a new unsaved
    :class:`Unit`, created valid from ``on`` under ``parent`` (by default the parent the
    first source had on ``on - 1``). Every other source ends on ``on - 1``; its children
    still existing on ``on`` move under ``into`` from ``on``.
    """
    continues = into.pk is not None and any(u.pk == into.pk for u in sources)
    others = _distinct(u for u in sources if u.pk is None or u.pk != into.pk)
    if not others:
        raise ReformError(f"nothing to merge: {into} would be merged into itself only")
    for unit in others:
        _check_can_end(unit, on, into)
    if into.pk is not None:
        _check_exists(into, on)
    elif parent is None:
        parent = _parent_on(others[0], on - ONE_DAY)
    with transaction.atomic():
        _prepare_target(into, on, parent=parent)
        for unit in others:
            _end(unit, on)
            _move_children(unit, into, on)
        event = _event(
            UnitEvent.Kind.MERGE,
            on,
            [*others, *([into] if continues else [])],
            [into],
            heir=into,
            note=note,
        )
        _audit("units.merge", actor, event, sources=[u.pk for u in others], into=into.pk)
    return event


def split(
    source: Unit,
    into: Sequence[Unit],
    on: dt.date,
    *,
    children: Mapping[Unit, Unit] | None = None,
    actor: Actor = "cli",
    note: str = "",
) -> UnitEvent:
    """Split ``source`` into ``into`` from ``on``.

    The first unit of ``into`` is the heir: it inherits ``source``'s history. Targets may be
    new unsaved units (created valid from ``on`` under ``source``'s parent) or existing ones;
    ``source`` continues (keeping its own history) when it is listed among them, otherwise it
    ends on ``on - 1``. ``source``'s children move to the target given in ``children``, by
    default to the heir.
    """
    targets = _distinct(into)
    if not targets or (len(targets) == 1 and targets[0].pk == source.pk):
        raise ReformError(f"a split of {source} needs at least one other target")
    mapping = dict(children or {})
    continues = any(t.pk == source.pk for t in targets)
    for target in targets:
        _check_can_end(source, on, target)
        if target.pk is not None:
            _check_exists(target, on)
    parent = _parent_on(source, on - ONE_DAY)
    with transaction.atomic():
        for target in targets:
            if target.pk != source.pk:
                _prepare_target(target, on, parent=parent)
        if not continues:
            _end(source, on)
        _move_children(source, targets[0], on, mapping)
        event = _event(UnitEvent.Kind.SPLIT, on, [source], targets, heir=targets[0], note=note)
        _audit("units.split", actor, event, source=source.pk, into=[t.pk for t in targets])
    return event


def rename(
    unit: Unit, new_name: str, on: dt.date, *, actor: Actor = "cli", note: str = ""
) -> UnitEvent:
    """Rename ``unit`` from ``on``; its old name stays its name for earlier dates."""
    new_name = new_name.strip()
    if not new_name or new_name == unit.name:
        raise ReformError(f"{unit}: the new name must differ from the current one")
    _check_exists(unit, on)
    later = UnitEvent.objects.filter(
        kind=UnitEvent.Kind.RENAME, sources=unit, effective_date__gte=on
    )
    if later.exists():
        raise ReformError(f"{unit} already has a rename on or after {on}")
    with transaction.atomic():
        old_name = unit.name
        unit.name = new_name
        unit.save(update_fields=["name", "name_key"])
        event = _event(
            UnitEvent.Kind.RENAME,
            on,
            [unit],
            [unit],
            old_name=old_name,
            new_name=new_name,
            note=note,
        )
        _audit("units.rename", actor, event, unit=unit.pk, old=old_name, new=new_name)
    return event


def move(
    unit: Unit, new_parent: Unit | None, on: dt.date, *, actor: Actor = "cli", note: str = ""
) -> UnitEvent:
    """Put ``unit`` under ``new_parent`` (``None``: make it a root) from ``on``."""
    _check_exists(unit, on)
    old_parent = _parent_on(unit, on - ONE_DAY)
    if new_parent is not None:
        _check_exists(new_parent, on)
        _check_no_cycle(unit, new_parent, on)
    if (old_parent.pk if old_parent else None) == (new_parent.pk if new_parent else None):
        raise ReformError(f"{unit} is already under {new_parent} on {on}")
    with transaction.atomic():
        _close_links(UnitParent.objects.filter(unit=unit), on)
        if new_parent is not None:
            UnitParent.objects.create(unit=unit, parent=new_parent, valid_from=on)
        event = _event(
            UnitEvent.Kind.MOVE,
            on,
            [unit],
            [unit],
            old_parent=old_parent,
            new_parent=new_parent,
            note=note,
        )
        _audit(
            "units.move",
            actor,
            event,
            unit=unit.pk,
            old_parent=old_parent.pk if old_parent else None,
            new_parent=new_parent.pk if new_parent else None,
        )
    return event


# -- checks ------------------------------------------------------------------------------


def _distinct(units: Iterable[Unit]) -> list[Unit]:
    seen: set[int] = set()
    result: list[Unit] = []
    for unit in units:
        key = unit.pk if unit.pk is not None else id(unit)
        if key not in seen:
            seen.add(key)
            result.append(unit)
    return result


def _check_exists(unit: Unit, on: dt.date) -> None:
    if unit.valid_from is not None and on < unit.valid_from:
        raise ReformError(f"{unit} does not exist yet on {on} (it starts on {unit.valid_from})")
    if unit.valid_to is not None and on > unit.valid_to:
        raise ReformError(f"{unit} already ended on {unit.valid_to}")


def _check_can_end(unit: Unit, on: dt.date, successor: Unit) -> None:
    if unit.pk is None:
        raise ReformError(f"{unit} must exist before it can be merged or split")
    if unit.valid_from is not None and on <= unit.valid_from:
        raise ReformError(
            f"{on} is not after the start of {unit} ({unit.valid_from}): it would never exist"
        )
    if unit.valid_to is not None and unit.valid_to < on:
        raise ReformError(f"{unit} already ended on {unit.valid_to}")
    if unit.level != successor.level:
        raise ReformError(
            f"{unit} ({unit.get_level_display()}) and {successor} "
            f"({successor.get_level_display()}) are not of the same level"
        )


def _check_no_cycle(unit: Unit, new_parent: Unit, on: dt.date) -> None:
    current: Unit | None = new_parent
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        if current.pk == unit.pk:
            raise ReformError(f"{new_parent} is {unit} or lies under it on {on}")
        seen.add(current.pk)
        current = _parent_on(current, on)


def _prepare_target(target: Unit, on: dt.date, *, parent: Unit | None = None) -> None:
    """Create a new target from ``on``; check that an existing one exists on ``on``."""
    if target.pk is None:
        if not target.level:
            raise ReformError(f"the new unit {target.name!r} needs a level")
        target.valid_from = on
        target.save()
        if parent is not None:
            UnitParent.objects.create(unit=target, parent=parent, valid_from=on)
        return
    _check_exists(target, on)


# -- writes ------------------------------------------------------------------------------


def _parent_on(unit: Unit, day: dt.date) -> Unit | None:
    link = UnitParent.objects.filter(_covering(day), unit=unit).select_related("parent").first()
    return link.parent if link else None


def _covering(day: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def _close_links(links: QuerySet[UnitParent], on: dt.date) -> list[UnitParent]:
    """Close the links still valid on ``on`` at ``on - 1``; return copies as they were."""
    closed: list[UnitParent] = []
    open_links = Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    for link in links.select_for_update().filter(open_links):
        closed.append(
            UnitParent(
                unit_id=link.unit_id,
                parent_id=link.parent_id,
                valid_from=link.valid_from,
                valid_to=link.valid_to,
            )
        )
        if link.valid_from is not None and link.valid_from >= on:
            link.delete()  # it would end before it starts
        else:
            link.valid_to = on - ONE_DAY
            link.save(update_fields=["valid_to"])
    return closed


def _end(unit: Unit, on: dt.date) -> None:
    unit.valid_to = on - ONE_DAY
    unit.save(update_fields=["valid_to"])
    _close_links(UnitParent.objects.filter(unit=unit), on)


def _move_children(
    unit: Unit, default: Unit, on: dt.date, mapping: Mapping[Unit, Unit] | None = None
) -> None:
    """Re-parent ``unit``'s children still existing on ``on``: close, then open anew."""
    targets = {child.pk: target for child, target in (mapping or {}).items()}
    links = UnitParent.objects.filter(parent=unit, unit__in=Unit.objects.valid_on(on))
    staying = [pk for pk, target in targets.items() if target.pk == unit.pk]
    if default.pk == unit.pk:
        links = links.filter(unit__in=[pk for pk in targets if pk not in staying])
    else:
        links = links.exclude(unit__in=staying)
    for old in _close_links(links, on):
        start = on if old.valid_from is None or old.valid_from < on else old.valid_from
        UnitParent.objects.create(
            unit_id=old.unit_id,
            parent=targets.get(old.unit_id, default),
            valid_from=start,
            valid_to=old.valid_to,
        )


def _event(
    kind: str,
    on: dt.date,
    sources: Sequence[Unit],
    targets: Sequence[Unit],
    **fields: object,
) -> UnitEvent:
    event = UnitEvent.objects.create(kind=kind, effective_date=on, **fields)
    event.sources.add(*_distinct(sources))
    event.targets.add(*_distinct(targets))
    return event


def _audit(action: str, actor: Actor, event: UnitEvent, **data: object) -> None:
    record(
        action,
        actor=actor,
        object_type="units.UnitEvent",
        object_id=event.pk,
        effective_date=event.effective_date.isoformat(),
        **data,
    )


__all__ = ["ReformError", "merge", "move", "rename", "split"]
