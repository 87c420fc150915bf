"""Writing DVCQG payloads into the outbox, in the transaction that changes the dossier.

Connected (apps.py) to ``dossier_changed`` — every appended dossier event except the sync
bookkeeping itself — and to ``dossiers_imported``. Nothing is queued while no endpoint is
configured (``DVCQG_SYNC_URL`` empty): an installation that does not sync keeps no outbox;
``motcua sync enqueue`` queues the dossiers not yet acknowledged once it is configured.

The payload is the dossier exactly as ``motcua dossiers export --format dvcqg-json`` writes
it: ``{"hoSo": {...}, "tienTrinhDongBo": [...]}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Case, F, Value, When
from django.utils import timezone

from motcua.dossiers import export
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.sync_state import mark_queued, next_sync_state
from motcua.sync.models import OutboxEntry

Payload = dict[str, Any]


def enabled() -> bool:
    return bool(settings.DVCQG_SYNC_URL)


def payload_of(item: export.Exported) -> Payload:
    return {"hoSo": item.hoso, "tienTrinhDongBo": item.steps}


def put(dossier_id: int, code: str, payload: Payload) -> None:
    """Make ``payload`` the dossier's newest unsent version (caller holds the dossier lock).

    An existing entry gets the new payload and ``revision + 1``; if it was done it becomes
    pending and due now, if it was pending its retry time (backoff) is kept.
    """
    now = timezone.now()
    state = OutboxEntry.State
    updated = OutboxEntry.objects.filter(dossier_id=dossier_id).update(
        code=code,
        payload=payload,
        revision=F("revision") + 1,
        enqueued_at=now,
        next_attempt_at=Case(When(state=state.DONE, then=Value(now)), default=F("next_attempt_at")),
        state=state.PENDING,
    )
    if not updated:
        OutboxEntry.objects.create(
            dossier_id=dossier_id, code=code, payload=payload, enqueued_at=now, next_attempt_at=now
        )


def on_dossier_changed(sender: Any, dossier: Dossier, event: DossierEvent, **_: Any) -> None:
    if event.kind == DossierEvent.Kind.SYNC or not enabled():
        return
    put(dossier.pk, dossier.code, payload_of(export.exported_one(dossier)))
    mark_queued([dossier.pk])
    dossier.sync_state = next_sync_state(dossier.sync_state, "queued")  # as just stored


def on_dossiers_imported(sender: Any, ids: Iterable[int], **_: Any) -> None:
    if enabled():
        enqueue(list(ids))


def enqueue(ids: list[int]) -> int:
    """Queue the current version of these dossiers (in the caller's transaction)."""
    count = 0
    for start in range(0, len(ids), export.PAGE):
        chunk = ids[start : start + export.PAGE]
        selection = Dossier.objects.filter(pk__in=chunk)
        id_of = dict(selection.values_list("code", "pk"))
        for item in export.records(selection):
            code = item.hoso["MaHoSo"]
            put(id_of[code], code, payload_of(item))
            count += 1
        mark_queued(chunk)
    return count
