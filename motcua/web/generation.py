"""The data generation and the figure cache built on it (docs/web.md, "Caching").

Every change to what figures are computed from bumps :class:`DataGeneration` *in the
writer's transaction*:

* the running totals and procedure activity, recomputed from the daily aggregates at the
  end of every writer's ``series.batch()`` (status change, import, rebuild): the
  ``figures_changed`` signal sent by ``series.build``;
* the other count sources' tables (petitions, votes, ratings, the procedure catalogue,
  units and their history, the calendar, payments) and the campaigns (targets,
  snapshots): their model signals, and ``figures_changed`` where a queryset ``update()``
  bypasses them.

Finer: a writer's ``series.batch()`` knows which units' dossiers it touched
(``figures_changed`` carries them as ``units``). Such a change moves those units'
:class:`UnitGeneration` (and ``DataGeneration.value``), not ``DataGeneration.base``. A
figure that depends only on some units' dossiers (a unit's figures: its subtree's members)
is cached with ``units=`` those units: its key holds ``base`` and their generations, so a
status change in unit A makes A's and its ancestors' figures cold and leaves unit B's warm.
Without ``units`` a value is keyed by ``value``, which every change moves.

A reader takes the generation first, then computes. If a writer commits in between, the
figures computed from the newer data are stored under the older generation, which no
reader asks for any more: a cached value is never older than the generation it is filed
under. The cache is Django's (``CACHES``); entries also expire after a day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from motcua.indicators.signals import figures_changed
from motcua.web.models import DataGeneration, UnitGeneration

T = TypeVar("T")
TIMEOUT = 24 * 3600


def _row() -> tuple[str, int, int]:
    row = DataGeneration.objects.filter(pk=1).values_list("token", "value", "base").first()
    if row is None:
        with transaction.atomic():
            made, _ = DataGeneration.objects.get_or_create(pk=1)
        row = (made.token, made.value, made.base)
    return row


def current() -> str:
    """The generation as a cache-key part: this database's token and its value."""
    token, value, _ = _row()
    return f"{token}:{value}"


def bump(units: Collection[int] | None = None, **_: Any) -> None:
    """Advance the generation (in the caller's transaction). ``units``: the change is
    confined to these units' dossiers (their generations move, not ``base``)."""
    with transaction.atomic():
        moved = {"value": F("value") + 1}
        if units is None:
            moved["base"] = F("base") + 1
        if not DataGeneration.objects.filter(pk=1).update(**moved):
            DataGeneration.objects.get_or_create(pk=1, defaults={"value": 1, "base": 1})
        if units:
            ids = set(units)
            UnitGeneration.objects.filter(pk__in=ids).update(value=F("value") + 1)
            # Writers are serialised by the generation row's lock (just taken): no race.
            seen = set(UnitGeneration.objects.filter(pk__in=ids).values_list("pk", flat=True))
            UnitGeneration.objects.bulk_create(
                [UnitGeneration(unit_id=u, value=1) for u in sorted(ids - seen)]
            )


class FigureCache:
    """Cached computations for one request: the generations are read once, on first use."""

    def __init__(self) -> None:
        self._row: tuple[str, int, int] | None = None
        self._units: dict[int, int] | None = None
        self.hits = 0
        self.misses = 0

    @property
    def generation(self) -> str:
        if self._row is None:
            self._row = _row()
        return f"{self._row[0]}:{self._row[1]}"

    def _unit_part(self, units: Collection[int]) -> tuple[Any, ...]:
        if self._row is None:
            self._row = _row()
        if self._units is None:
            self._units = dict(UnitGeneration.objects.values_list("unit_id", "value"))
        found = self._units
        moved = tuple((u, found[u]) for u in sorted(set(units)) if u in found)
        return (self._row[0], "base", self._row[2], moved)

    def get(
        self, parts: tuple[Any, ...], compute: Callable[[], T], units: Collection[int] | None = None
    ) -> T:
        """``compute()``'s value for ``parts`` at the current generation (``parts`` must
        name everything the value depends on besides the data). ``units``: the value depends
        on no dossier data but these units' (``()``: none at all), so it stays cached
        through writes confined to other units."""
        generation = self.generation if units is None else self._unit_part(units)
        digest = hashlib.sha256(repr((generation, parts)).encode()).hexdigest()
        key = f"motcua:web:{digest}"
        found = cache.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        value = compute()
        cache.set(key, value, TIMEOUT)
        return value


WATCHED = (
    "feedback.Petition",
    "feedback.PetitionEvent",
    "feedback.AnswerVote",
    "feedback.Rating",
    "procedures.Procedure",
    "procedures.ProcedureFee",
    "procedures.ServiceLevelVersion",
    "procedures.PaymentDeploymentVersion",
    "units.Unit",
    "units.UnitParent",
    "units.UnitEvent",
    "workcalendar.CalendarOverride",
    "dossiers.Payment",
    "campaigns.Campaign",
    "campaigns.Target",
    "campaigns.Snapshot",
    "campaigns.Checkpoint",
)


def connect() -> None:
    from django.apps import apps

    figures_changed.connect(bump, dispatch_uid="web-generation")
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(bump, sender=model, dispatch_uid=f"web-generation-save-{label}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"web-generation-delete-{label}")
