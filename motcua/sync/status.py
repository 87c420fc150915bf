"""What the operator sees: pending, failing and stuck outbox rows, and the retry action.

- **pending**: a version waits to be sent (no failure yet).
- **failing**: the last attempt failed; ``last_status`` / ``last_error`` keep the endpoint's
  answer; the next attempt is at ``next_attempt_at``.
- **stuck**: leased by a worker whose lease has run out (it died or hung), or failing for
  :data:`STUCK_ATTEMPTS` attempts or more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.audit import log as audit
from motcua.audit.log import Actor
from motcua.sync.models import OutboxEntry

STUCK_ATTEMPTS = 8


def _pending() -> QuerySet[OutboxEntry]:
    return OutboxEntry.objects.filter(state=OutboxEntry.State.PENDING)


def stuck_q(now: dt.datetime) -> Q:
    return Q(lease_until__lt=now) | Q(attempts__gte=STUCK_ATTEMPTS)


def listing(kind: str, now: dt.datetime | None = None) -> QuerySet[OutboxEntry]:
    """Rows of one kind: ``pending``, ``failing`` or ``stuck``."""
    now = now or timezone.now()
    if kind == "pending":
        return _pending().filter(attempts=0).exclude(stuck_q(now))
    if kind == "failing":
        return _pending().filter(attempts__gt=0).exclude(stuck_q(now))
    if kind == "stuck":
        return _pending().filter(stuck_q(now))
    raise ValueError(f"unknown listing {kind!r}")


@dataclass(frozen=True)
class Overview:
    pending: int
    failing: int
    stuck: int
    done: int
    oldest_pending: dt.datetime | None


def overview(now: dt.datetime | None = None) -> Overview:
    now = now or timezone.now()
    oldest = _pending().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return Overview(
        pending=listing("pending", now).count(),
        failing=listing("failing", now).count(),
        stuck=listing("stuck", now).count(),
        done=OutboxEntry.objects.filter(state=OutboxEntry.State.DONE).count(),
        oldest_pending=oldest,
    )


def retry(codes: list[str] | None, *, actor: Actor) -> int:
    """Make failing/stuck rows (all, or those with these dossier codes) due now.

    The attempt count restarts (so does the backoff) and an expired lease is dropped; a
    live lease is left alone (a worker is sending it right now).
    """
    now = timezone.now()
    rows = _pending().filter(Q(attempts__gt=0) | stuck_q(now))
    if codes is not None:
        rows = rows.filter(code__in=codes)
    with transaction.atomic():
        ids = list(rows.values_list("pk", flat=True))
        live = Q(lease_until__gte=now)
        OutboxEntry.objects.filter(pk__in=ids).exclude(live).update(
            next_attempt_at=now, attempts=0, lease_token="", lease_until=None
        )
        OutboxEntry.objects.filter(pk__in=ids).filter(live).update(next_attempt_at=now)
        audit.record(
            "sync.retry", actor=actor, object_type="sync_outbox", count=len(ids), codes=codes or []
        )
    return len(ids)
