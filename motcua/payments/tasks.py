"""Background reconciliation (django-tasks, database backend; run by ``motcua db_worker``).

Each online payment started schedules a run just after its payment window expires; a run
that could not reach a gateway schedules the next one ``PAYMENT_RECONCILE_INTERVAL``
seconds later, until every pending payment is settled. ``motcua payments reconcile`` (cron)
does the same work without the queue.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

log = logging.getLogger("motcua.payments")
MAX_RETRIES = 144  # a day of retries at the default interval


@task()
def reconcile_payments(attempt: int = 0) -> dict[str, int]:
    from motcua.payments.reconcile import run

    result = run()
    if (result.unreachable or result.still_pending) and attempt < MAX_RETRIES:
        schedule(dt.timedelta(seconds=settings.PAYMENT_RECONCILE_INTERVAL), attempt + 1)
    return {
        "checked": result.checked,
        "settled": result.settled,
        "still_pending": result.still_pending,
        "unreachable": result.unreachable,
    }


def schedule(after: dt.timedelta, attempt: int = 0) -> None:
    """Enqueue a reconciliation run; the queue is an optimisation (cron runs the command)."""
    try:
        reconcile_payments.using(run_after=timezone.now() + after).enqueue(attempt=attempt)
    except Exception:
        log.exception("could not enqueue the payment reconciliation task")
