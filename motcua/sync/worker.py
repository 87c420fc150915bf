"""The outbox worker: claim due rows under a lease, send each to DVCQG, settle the result.

- **Claiming** (:func:`claim`): in one short transaction, due rows (pending, retry time
  passed, no live lease) are selected with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite
  serialises writers), then leased with a conditional UPDATE that repeats the same
  condition and stamps a fresh token. Two workers never hold the same row.
- **Lease**: a worker that dies leaves its rows leased until ``lease_until``; then they are
  due again. A worker that outlives its lease cannot settle a row someone else holds.
- **Settling** (:func:`settle`): success records ``sent_revision`` and acknowledges the
  dossier (``dossiers.sync_state.record_sync``); the row is done only if no newer payload
  arrived while sending — otherwise it stays pending and due now. Failure counts an attempt
  and schedules the next one with exponential backoff (:func:`backoff`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import secrets
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.dossiers.sync_state import record_sync
from motcua.sync.models import OutboxEntry

log = logging.getLogger("motcua.sync")
MAX_ERROR_TEXT = 2000


def backoff(attempts: int, *, base: float, cap: float) -> float:
    """Seconds to wait after the ``attempts``-th consecutive failure: ``base × 2^(n−1)``,
    never more than ``cap`` (attempts ≤ 0 wait nothing)."""
    if attempts <= 0:
        return 0.0
    return float(min(cap, base * 2 ** min(attempts - 1, 60)))


@dataclasses.dataclass(frozen=True)
class Claimed:
    id: int
    dossier_id: int
    code: str
    revision: int
    payload: dict[str, Any]
    attempts: int
    token: str


@dataclasses.dataclass(frozen=True)
class Answer:
    ok: bool
    status: int | None
    text: str


def due_q(now: dt.datetime, due_by: dt.datetime | None = None) -> Q:
    return Q(state=OutboxEntry.State.PENDING, next_attempt_at__lte=due_by or now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


def claim(
    limit: int,
    *,
    lease_seconds: float,
    now: dt.datetime | None = None,
    due_by: dt.datetime | None = None,
) -> list[Claimed]:
    """Lease up to ``limit`` rows due by ``due_by`` (default now), oldest retry time first."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    with transaction.atomic():
        rows = OutboxEntry.objects.filter(due_q(now, due_by)).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        until = now + dt.timedelta(seconds=lease_seconds)
        OutboxEntry.objects.filter(due_q(now, due_by), pk__in=ids).update(
            lease_token=token, lease_until=until
        )
        mine = OutboxEntry.objects.filter(lease_token=token).order_by("id")
        return [
            Claimed(e.pk, e.dossier_id, e.code, e.revision, e.payload, e.attempts, token)
            for e in mine
        ]


def send(url: str, item: Claimed, *, timeout: float, token: str = "") -> Answer:
    """POST the payload; 2xx is success, anything else (or no answer) a failure."""
    body = json.dumps(item.payload, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": f"{item.code}:{item.revision}",
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            text = response.read(MAX_ERROR_TEXT).decode("utf-8", "replace")
            return Answer(200 <= response.status < 300, response.status, text)
    except urllib.error.HTTPError as exc:
        text = exc.read(MAX_ERROR_TEXT).decode("utf-8", "replace")
        return Answer(False, exc.code, text)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Answer(False, None, f"{type(exc).__name__}: {reason}")


def settle(item: Claimed, answer: Answer, *, now: dt.datetime | None = None) -> str:
    """Record the endpoint's answer for a claimed row, in one transaction; what happened.

    The dossier row is locked before the outbox row, in the order a dossier change takes
    them (change_status locks the dossier, then its hook writes the outbox), so the two
    never deadlock.
    """
    now = now or timezone.now()
    with transaction.atomic():
        record_sync(item.dossier_id, "acknowledged" if answer.ok else "failed", at=now)
        row = OutboxEntry.objects.select_for_update().filter(pk=item.id).first()
        if row is None:
            return "gone"
        _apply_answer(row, item, answer, now)
        row.save()
    if not answer.ok:
        log.warning(
            "sync %s r%s failed (%s): %s",
            item.code,
            item.revision,
            answer.status,
            answer.text[:200],
        )
        return "failed"
    return "sent" if row.state == OutboxEntry.State.DONE else "sent-newer-pending"


def _apply_answer(row: OutboxEntry, item: Claimed, answer: Answer, now: dt.datetime) -> None:
    row.last_attempt_at, row.last_status = now, answer.status
    if answer.ok:
        row.sent_revision = max(row.sent_revision, item.revision)
        row.acknowledged_at = now
        row.attempts, row.last_error = 0, ""
        if row.revision <= row.sent_revision:
            row.state = OutboxEntry.State.DONE
        else:
            row.next_attempt_at = now  # a newer version arrived while this one was sent
    else:
        row.attempts += 1
        row.last_error = answer.text[:MAX_ERROR_TEXT]
        wait = backoff(row.attempts, base=settings.SYNC_RETRY_BASE, cap=settings.SYNC_RETRY_MAX)
        row.next_attempt_at = now + dt.timedelta(seconds=wait)
    if row.lease_token == item.token:  # a worker whose lease ran out leaves the new holder's
        row.lease_token, row.lease_until = "", None


@dataclasses.dataclass
class Stats:
    sent: int = 0
    failed: int = 0


class Worker:
    """``run_once`` drains what is due now; ``run_forever`` polls until told to stop."""

    def __init__(
        self,
        *,
        url: str | None = None,
        batch: int | None = None,
        lease_seconds: float | None = None,
        timeout: float | None = None,
        sender: Callable[..., Answer] = send,
    ) -> None:
        self.url = url or settings.DVCQG_SYNC_URL
        self.batch = batch or settings.SYNC_BATCH
        self.lease = lease_seconds or settings.SYNC_LEASE_SECONDS
        self.timeout = timeout or settings.SYNC_TIMEOUT
        self.sender = sender
        self.stopping = False
        if not self.url:
            raise ValueError("DVCQG_SYNC_URL is not set: nowhere to send")

    def run_once(self) -> Stats:
        """One pass over the rows due when it starts (a row failing now waits its turn)."""
        stats = Stats()
        start = timezone.now()
        while not self.stopping:
            claimed = claim(self.batch, lease_seconds=self.lease, due_by=start)
            if not claimed:
                break
            for item in claimed:
                if self.stopping:
                    break  # the lease runs out and another worker takes the rest
                answer = self.sender(
                    self.url, item, timeout=self.timeout, token=settings.DVCQG_SYNC_TOKEN
                )
                outcome = settle(item, answer)
                stats.sent += outcome.startswith("sent")
                stats.failed += outcome == "failed"
        return stats

    def run_forever(self, poll: float = 2.0) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        while not self.stopping:
            stats = self.run_once()
            if not stats.sent and not stats.failed:
                time.sleep(poll)

    def _stop(self, *_: Any) -> None:
        self.stopping = True
