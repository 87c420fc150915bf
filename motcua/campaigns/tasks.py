"""Background tasks (django-tasks, database backend; run by ``motcua db_worker``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from motcua.campaigns.services import snapshot_due


@task()
def snapshot_due_checkpoints(campaign_id: int | None = None) -> int:
    """Snapshot every checkpoint whose day is over and that has no snapshot yet.

    Idempotent: a checkpoint is snapshotted once, whatever the number of runs; returns how
    many snapshots this run wrote.
    """
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return sum(r.created for r in snapshot_due(yesterday, campaign_id))
