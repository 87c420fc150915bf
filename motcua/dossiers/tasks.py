"""Background tasks (django-tasks, database backend; run by ``motcua db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def expire_import_uploads() -> dict[str, int]:
    """Expire import-page uploads left unconfirmed (``uploads.expire``; idempotent)."""
    from motcua.dossiers.uploads import expire

    result = expire()
    return {"uploads": result.uploads, "orphans": result.orphans}
