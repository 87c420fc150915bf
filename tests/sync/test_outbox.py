"""The outbox: written with the change, coalesced per dossier, claimed exclusively, settled."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from motcua.dossiers.models import DossierEvent, Status, SyncState
from motcua.dossiers.workflow import change_status
from motcua.indicators.models import DailyFact
from motcua.sync import status
from motcua.sync.models import OutboxEntry
from motcua.sync.worker import Answer, Claimed, Worker, backoff, claim, settle
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db
URL = "http://127.0.0.1:9/never"
sync_on = override_settings(DVCQG_SYNC_URL=URL, SYNC_RETRY_BASE=5, SYNC_RETRY_MAX=60)


def ok(url: str, item: Claimed, **_: Any) -> Answer:
    return Answer(True, 200, "{}")


def refuse(url: str, item: Claimed, **_: Any) -> Answer:
    return Answer(False, 500, "DVCQG: lỗi máy chủ")


@sync_on
def test_a_status_change_queues_the_dossier_as_dvcqg_json() -> None:
    dossier = DossierFactory(processing=True)
    change_status(dossier.pk, Status.PROCESSED, actor="officer")
    entry = OutboxEntry.objects.get(dossier=dossier)
    assert entry.payload["hoSo"]["MaHoSo"] == dossier.code
    assert entry.payload["hoSo"]["TrangThaiHoSo"] == "9"
    assert entry.payload["tienTrinhDongBo"][-1]["MaHoSo"] == dossier.code
    dossier.refresh_from_db()
    assert dossier.sync_state == SyncState.PENDING


def test_nothing_is_queued_without_an_endpoint() -> None:
    dossier = DossierFactory(processing=True)
    change_status(dossier.pk, Status.PROCESSED, actor="officer")
    assert not OutboxEntry.objects.exists()


@sync_on
def test_a_rolled_back_change_leaves_no_payload() -> None:
    dossier = DossierFactory(processing=True)
    with pytest.raises(Exception, match="không thể"):
        change_status(dossier.pk, Status.RETURNED, actor="officer")
    assert not OutboxEntry.objects.exists()


@sync_on
def test_changes_coalesce_into_one_row_with_the_newest_payload() -> None:
    dossier = DossierFactory(processing=True)
    change_status(dossier.pk, Status.PROCESSED, actor="officer")
    change_status(dossier.pk, Status.RETURNED, actor="officer")
    entry = OutboxEntry.objects.get(dossier=dossier)
    assert entry.revision == 2
    assert entry.payload["hoSo"]["TrangThaiHoSo"] == "10"


@sync_on
def test_success_acknowledges_the_dossier_and_counts_it_synced() -> None:
    dossier = DossierFactory(processing=True)
    change_status(dossier.pk, Status.PROCESSED, actor="officer")
    stats = Worker(sender=ok).run_once()
    assert stats.sent == 1
    dossier.refresh_from_db()
    assert dossier.sync_state == SyncState.ACKNOWLEDGED
    assert dossier.synced_at is not None
    assert dossier.events.filter(kind=DossierEvent.Kind.SYNC).count() == 1
    assert DailyFact.objects.filter(unit=dossier.unit, synced=True).exists()
    assert OutboxEntry.objects.get().state == OutboxEntry.State.DONE
    # the sync event itself queues nothing new
    assert OutboxEntry.objects.get().revision == 1


@sync_on
def test_a_failure_is_retried_later_with_growing_waits() -> None:
    dossier = DossierFactory(processing=True)
    change_status(dossier.pk, Status.PROCESSED, actor="officer")
    assert Worker(sender=refuse).run_once().failed == 1
    entry = OutboxEntry.objects.get()
    assert (entry.attempts, entry.last_status) == (1, 500)
    assert "lỗi máy chủ" in entry.last_error
    assert Worker(sender=ok).run_once().sent == 0  # not due yet: backoff
    first_wait = entry.next_attempt_at - entry.last_attempt_at
    OutboxEntry.objects.update(next_attempt_at=timezone.now())
    Worker(sender=refuse).run_once()
    entry.refresh_from_db()
    assert entry.next_attempt_at - entry.last_attempt_at == 2 * first_wait
    dossier.refresh_from_db()
    assert dossier.sync_state == SyncState.FAILED
    assert [e.code for e in status.listing("failing")] == [dossier.code]
    assert status.retry(None, actor="test") == 1
    assert Worker(sender=ok).run_once().sent == 1
    dossier.refresh_from_db()
    assert dossier.sync_state == SyncState.ACKNOWLEDGED


@sync_on
def test_a_change_while_sending_is_sent_afterwards() -> None:
    dossier = DossierFactory(processing=True)
    change_status(dossier.pk, Status.PROCESSED, actor="officer")
    (item,) = claim(10, lease_seconds=60)
    change_status(dossier.pk, Status.RETURNED, actor="officer")  # arrives mid-send
    assert settle(item, Answer(True, 200, "")) == "sent-newer-pending"
    sent: list[str] = []

    def record(url: str, claimed: Claimed, **_: Any) -> Answer:
        sent.append(claimed.payload["hoSo"]["TrangThaiHoSo"])
        return Answer(True, 200, "")

    Worker(sender=record).run_once()
    assert sent == ["10"]
    assert OutboxEntry.objects.get().state == OutboxEntry.State.DONE


@sync_on
def test_two_claims_never_share_a_row_and_an_expired_lease_is_claimable() -> None:
    for _ in range(3):
        change_status(DossierFactory(processing=True).pk, Status.PROCESSED, actor="o")
    first = claim(2, lease_seconds=60)
    second = claim(5, lease_seconds=60)
    assert len(first) == 2 and len(second) == 1
    assert not {c.id for c in first} & {c.id for c in second}
    assert claim(5, lease_seconds=60) == []
    later = timezone.now() + dt.timedelta(seconds=61)
    assert len(claim(5, lease_seconds=60, now=later)) == 3
    assert status.listing("stuck", later).count() == 0  # leased again just now


@sync_on
def test_a_late_worker_cannot_release_the_new_holders_lease() -> None:
    change_status(DossierFactory(processing=True).pk, Status.PROCESSED, actor="o")
    (old,) = claim(1, lease_seconds=1)
    later = timezone.now() + dt.timedelta(seconds=2)
    (new,) = claim(1, lease_seconds=60, now=later)
    settle(old, Answer(False, None, "timeout"))
    entry = OutboxEntry.objects.get()
    assert entry.lease_token == new.token


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff(n, base=5, cap=60) for n in range(0, 6)] == [0, 5, 10, 20, 40, 60]
    assert backoff(10_000, base=5, cap=3600) == 3600
