"""Background tasks (django-tasks, database backend; run by ``motcua db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def retry_notification(notification_id: int) -> bool | None:
    """Retry one failed e-mail to an applicant (idempotent: a sent one is left alone)."""
    from motcua.onestop.notifications import retry

    return retry(notification_id)
