"""The worker against the stand-in receiver over real HTTP: ok, fail, timeout."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.test import override_settings

from motcua.dossiers.models import Status, SyncState
from motcua.dossiers.workflow import change_status
from motcua.sync.models import OutboxEntry
from motcua.sync.receiver import Receiver
from motcua.sync.worker import Worker
from tests.factories import DossierFactory
from tests.sync.test_crash import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(free_port(), "ok", 0.0, None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url(server: Receiver) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/hoso"


def test_fail_then_ok_keeps_the_answer_then_acknowledges(receiver: Receiver) -> None:
    with override_settings(DVCQG_SYNC_URL=url(receiver), SYNC_RETRY_BASE=0):
        dossier = DossierFactory(processing=True)
        change_status(dossier.pk, Status.PROCESSED, actor="officer")
        receiver.mode = "fail"
        assert Worker().run_once().failed >= 1
        entry = OutboxEntry.objects.get()
        assert entry.last_status == 500 and "simulated failure" in entry.last_error
        receiver.mode = "ok"
        Worker().run_once()
    dossier.refresh_from_db()
    assert dossier.sync_state == SyncState.ACKNOWLEDGED
    assert [r["code"] for r in receiver.received if r["status"] == 200] == [dossier.code]


def test_a_timeout_is_a_failure_to_retry(receiver: Receiver) -> None:
    receiver.mode, receiver.delay = "timeout", 1.5
    with override_settings(DVCQG_SYNC_URL=url(receiver)):
        change_status(DossierFactory(processing=True).pk, Status.PROCESSED, actor="o")
        stats = Worker(timeout=0.5).run_once()
    entry = OutboxEntry.objects.get()
    assert stats.failed == 1
    assert entry.last_status is None and "timed out" in entry.last_error
    assert (
        entry.state == OutboxEntry.State.PENDING and entry.next_attempt_at > entry.last_attempt_at
    )
