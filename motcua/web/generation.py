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
under. The cache is Django's (``CACHES``: by default files under ``VAR_DIR/cache``, shared
by every server and worker process of the machine); entries also expire after a day.

Stale while revalidating: a page's top-level value (a rendered figures part, an indicator's
explanation) asked with ``refresh=True`` that misses at the current generation is served
from the last value computed for the same question, if that is at most
``FIGURES_STALE_SECONDS`` old, and recomputed by a background thread of this process
(:class:`Refresher`); the page says since when its figures are. Values computed inside
another value's computation are never stale: a fresh value is built from fresh parts only.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from motcua.indicators.signals import figures_changed
from motcua.web.models import DataGeneration, UnitGeneration

T = TypeVar("T")
TIMEOUT = 24 * 3600
# Seconds a process holds a question it is recomputing (a process that dies frees it then).
REFRESH_LEASE = 300
log = logging.getLogger(__name__)


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


class _Thread(threading.local):
    depth = 0  # FigureCache.get calls in progress in this thread
    refreshing = False  # this thread is the refresher: never serve stale values


_thread = _Thread()


@dataclass(frozen=True)
class _Latest:
    """The last value computed for a question, whatever its generation."""

    computed_at: float  # seconds since the epoch
    value: Any


class FigureCache:
    """Cached computations for one request: the generations are read once, on first use.
    ``stale_since``: when the oldest stale value this request was served was computed."""

    def __init__(self) -> None:
        self._row: tuple[str, int, int] | None = None
        self._units: dict[int, int] | None = None
        self.hits = 0
        self.misses = 0
        self.stale = 0
        self.stale_since: float | None = None

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
        self,
        parts: tuple[Any, ...],
        compute: Callable[[], T],
        units: Collection[int] | None = None,
        refresh: bool = False,
        same_as: tuple[Any, ...] | None = None,
    ) -> T:
        """``compute()``'s value for ``parts`` at the current generation (``parts`` must
        name everything the value depends on besides the data). ``units``: the value depends
        on no dossier data but these units' (``()``: none at all), so it stays cached
        through writes confined to other units. ``refresh``: on a miss, serve the last
        value computed for ``parts`` if it is recent enough and recompute it in the
        background (``compute`` must then not depend on the request's thread state but the
        language, which the refresher carries over). ``same_as``: what makes another value
        an earlier answer to the same question (default ``parts``), e.g. ``parts`` without
        the day, so that a page is not cold on every new day."""
        generation = self.generation if units is None else self._unit_part(units)
        digest = hashlib.sha256(repr((generation, parts)).encode()).hexdigest()
        key = f"motcua:web:{digest}"
        found = cache.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        latest_key = None
        if refresh:
            assert self._row is not None  # read for the key above
            latest_key = _latest_key(self._row[0], parts if same_as is None else same_as)
        if latest_key is not None and _thread.depth == 0 and not _thread.refreshing:
            stale = _stale(latest_key)
            if stale is not None:
                self.stale += 1
                since = stale.computed_at
                if self.stale_since is None or since < self.stale_since:
                    self.stale_since = since
                # One process recomputes a question: the others see its lease and wait.
                if cache.add(f"{key}:refreshing", True, REFRESH_LEASE):
                    REFRESHER.submit(key, latest_key, compute)
                return stale.value
        _thread.depth += 1
        try:
            value = compute()
        finally:
            _thread.depth -= 1
        _store(key, latest_key, value)
        return value


def _now() -> float:
    return time.time()


def _latest_key(token: str, parts: tuple[Any, ...]) -> str:
    digest = hashlib.sha256(repr((token, "latest", parts)).encode()).hexdigest()
    return f"motcua:web:latest:{digest}"


def _stale(latest_key: str) -> _Latest | None:
    limit = settings.FIGURES_STALE_SECONDS
    if limit <= 0:
        return None
    found = cache.get(latest_key)
    if not isinstance(found, _Latest) or _now() - found.computed_at > limit:
        return None
    return found


def _store(key: str, latest_key: str | None, value: Any) -> None:
    """The value at its generation's key, and as the latest answer to its question (values
    that may be served stale)."""
    cache.set(key, value, TIMEOUT)
    if latest_key is not None:
        cache.set(latest_key, _Latest(_now(), value), TIMEOUT)


class Refresher:
    """One background thread per process that recomputes the stale values pages were
    served, one at a time (the machine's cores stay free for requests), each question once
    however many requests asked for it, and in one process of the machine at a time (a
    lease in the shared cache, taken before ``submit``). Its database connections are
    closed after every value; a computation that fails is logged and dropped (the next
    request asks again)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, str, Callable[[], Any], str | None]] = queue.Queue()
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, key: str, latest_key: str, compute: Callable[[], Any]) -> bool:
        """Queue ``compute`` for ``key`` (in the caller's language); False when queued
        already."""
        with self._lock:
            if key in self._pending:
                return False
            self._pending.add(key)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="motcua-figures-refresh", daemon=True
                )
                self._thread.start()
        self._queue.put((key, latest_key, compute, translation.get_language()))
        return True

    def _run(self) -> None:
        _thread.refreshing = True
        while True:
            key, latest_key, compute, language = self._queue.get()
            try:
                with translation.override(language):
                    value = compute()
                _store(key, latest_key, value)
            except Exception:
                log.exception("figures: refreshing a stale value failed")
            finally:
                connections.close_all()
                cache.delete(f"{key}:refreshing")
                with self._lock:
                    self._pending.discard(key)
                self._queue.task_done()

    def drain(self) -> None:
        """Wait until every queued value is recomputed (tests, the warm command)."""
        self._queue.join()


REFRESHER = Refresher()


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
