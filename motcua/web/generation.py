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

A reader takes the generation first, then computes. If a writer commits in between, the
figures computed from the newer data are stored under the older generation, which no
reader asks for any more: a cached value is never older than the generation it is filed
under. The cache is Django's (``CACHES``); entries also expire after a day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from motcua.indicators.signals import figures_changed
from motcua.web.models import DataGeneration

T = TypeVar("T")
TIMEOUT = 24 * 3600


def current() -> str:
    """The generation as a cache-key part: this database's token and its value."""
    row = DataGeneration.objects.filter(pk=1).values_list("token", "value").first()
    if row is None:
        with transaction.atomic():
            made, _ = DataGeneration.objects.get_or_create(pk=1)
        row = (made.token, made.value)
    return f"{row[0]}:{row[1]}"


def bump(**_: Any) -> None:
    """Advance the generation (in the caller's transaction)."""
    with transaction.atomic():
        if not DataGeneration.objects.filter(pk=1).update(value=F("value") + 1):
            DataGeneration.objects.get_or_create(pk=1, defaults={"value": 1})


class FigureCache:
    """Cached computations for one request: the generation is read once, on first use."""

    def __init__(self) -> None:
        self._generation: str | None = None
        self.hits = 0
        self.misses = 0

    @property
    def generation(self) -> str:
        if self._generation is None:
            self._generation = current()
        return self._generation

    def get(self, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()``'s value for ``parts`` at the current generation (``parts`` must
        name everything the value depends on besides the data)."""
        digest = hashlib.sha256(repr((self.generation, parts)).encode()).hexdigest()
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
