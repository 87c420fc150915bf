"""A dossier's DVCQG sync state (``sync_state``, ``synced_at``): the one function that sets it.

``synced`` in the indicators (national_sync, DOSSIER_SYNC) is ``sync_state ==
acknowledged``, so this function refreshes the dossier's indicator bucket in the same
transaction, as every other dossier write does. The sync state is not part of the dossier's
DVCQG content (it is left out of the content hash).

States: "" never queued · pending (queued, never acknowledged) · acknowledged (DVCQG has
acknowledged a version; stays so while a newer version waits in the outbox) · failed
(the last attempt failed and no version was ever acknowledged).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from motcua.dossiers import history
from motcua.dossiers.models import Dossier, DossierEvent, SyncState
from motcua.indicators.facts import bucket_of, refresh_buckets


def next_sync_state(current: str, outcome: str) -> str:
    """The state after ``outcome`` ("queued", "acknowledged" or "failed").

    - queued: "" becomes pending; anything else is kept (an acknowledged dossier stays
      acknowledged while a newer version waits).
    - acknowledged: always acknowledged.
    - failed: acknowledged is kept; otherwise failed.
    """
    if outcome == "acknowledged":
        return SyncState.ACKNOWLEDGED
    if outcome == "queued":
        return SyncState.PENDING if current == SyncState.NOT_SENT else current
    if outcome == "failed":
        return current if current == SyncState.ACKNOWLEDGED else SyncState.FAILED
    raise ValueError(f"unknown sync outcome {outcome!r}")


def mark_queued(dossier_ids: list[int]) -> int:
    """Dossiers never queued before become pending (no indicator counts pending)."""
    return Dossier.objects.filter(pk__in=dossier_ids, sync_state=SyncState.NOT_SENT).update(
        sync_state=SyncState.PENDING
    )


def record_sync(dossier_id: int, outcome: str, *, at: dt.datetime, actor: str = "sync") -> str:
    """Record an acknowledgement or a failure from DVCQG for one dossier; the new state.

    Locks the dossier row. On acknowledgement ``synced_at`` is set to ``at``. When the
    state changes, one ``sync`` event is appended to the dossier's history and the
    dossier's indicator bucket is recomputed, in this transaction.
    """
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier_id)
        old = dossier.sync_state
        new = next_sync_state(old, outcome)
        fields = []
        if outcome == "acknowledged":
            dossier.synced_at = at
            fields.append("synced_at")
        if new != old:
            dossier.sync_state = new
            fields.append("sync_state")
            history.append_event(
                dossier,
                DossierEvent.Kind.SYNC,
                actor=actor,
                changes={"sync_state": [old, new]},
                occurred_at=at,
            )
        if fields:
            dossier.save(update_fields=fields)
        if new != old:
            refresh_buckets([bucket_of(dossier.unit_id, dossier.received_at)])
    return new
