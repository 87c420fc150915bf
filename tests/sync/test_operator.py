"""The operator page and ``motcua sync status``: pending, failing with the answer, stuck."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone

from motcua.dossiers.models import Status
from motcua.dossiers.workflow import change_status
from motcua.sync.models import OutboxEntry
from motcua.sync.worker import Answer, Claimed, Worker, claim
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def fail(url: str, item: Claimed, **_: Any) -> Answer:
    return Answer(False, 422, "MaTTHC không tồn tại")


@pytest.fixture
def outbox() -> dict[str, str]:
    """One failing, one stuck (its worker's lease ran out), one pending dossier."""
    codes = {}
    with override_settings(DVCQG_SYNC_URL="http://127.0.0.1:9/"):
        for kind in ("failing", "stuck", "pending"):
            dossier = DossierFactory(processing=True)
            change_status(dossier.pk, Status.PROCESSED, actor="o")
            codes[kind] = dossier.code
            if kind == "failing":
                Worker(sender=fail).run_once()
            if kind == "stuck":
                claim(10, lease_seconds=60)
                OutboxEntry.objects.filter(code=dossier.code).update(
                    lease_until=timezone.now() - dt.timedelta(seconds=1)
                )
    return codes


def test_the_page_is_for_staff_only(client: Client, outbox: dict[str, str]) -> None:
    assert client.get("/sync/").status_code == 302
    client.force_login(User.objects.create_user("citizen"))
    assert client.get("/sync/").status_code == 302
    client.force_login(User.objects.create_user("clerk", is_staff=True))  # not an administrator
    assert client.get("/sync/").status_code == 404
    assert client.post("/sync/retry", {"code": outbox["failing"]}).status_code == 404


def test_the_page_shows_each_kind_with_the_answer_and_retries(
    client: Client, outbox: dict[str, str]
) -> None:
    client.force_login(User.objects.create_superuser("op", "op@example.vn", "x"))
    html = client.get("/sync/").content.decode()
    for code in outbox.values():
        assert code in html
    assert "MaTTHC không tồn tại" in html and "HTTP 422" in html
    client.post("/sync/retry", {"code": outbox["failing"]})
    entry = OutboxEntry.objects.get(code=outbox["failing"])
    assert entry.attempts == 0 and entry.next_attempt_at <= timezone.now()


def test_status_command(outbox: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    call_command("sync_status")
    out = capsys.readouterr().out
    assert "pending 1, failing 1, stuck 1" in out
    assert outbox["failing"] in out and "http=422" in out and outbox["stuck"] in out
    call_command("sync_status", "--retry-all")
    assert "retrying 2 row(s)" in capsys.readouterr().out


def test_run_without_an_endpoint_is_a_one_line_error() -> None:
    with pytest.raises(CommandError, match="DVCQG_SYNC_URL"):
        call_command("sync_run", "--once")


def test_a_source_key_is_printed_once_and_stored_hashed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from motcua.sync.inbound import authenticate
    from tests.factories import AgencyFactory

    unit = AgencyFactory()
    call_command("sync_source", "mot-cua-huyen", "--unit", unit.code)
    key = capsys.readouterr().out.strip()
    source = authenticate(key)
    assert source is not None and list(source.units.all()) == [unit]
    assert key not in source.key_hash
    with pytest.raises(CommandError, match="no unit"):
        call_command("sync_source", "x", "--unit", "H99.99")


def test_enqueue_queues_what_was_never_acknowledged() -> None:
    DossierFactory.create_batch(2, processing=True)
    with override_settings(DVCQG_SYNC_URL="http://127.0.0.1:9/"):
        call_command("sync_enqueue")
    assert OutboxEntry.objects.count() == 2


def test_admin_lists_open_read_only(client: Client, outbox: dict[str, str]) -> None:
    client.force_login(User.objects.create_superuser("admin", "a@example.vn", "x"))
    for path in ("sync/outboxentry", "sync/inboundsource", "feedback/petition", "feedback/rating"):
        assert client.get(f"/admin/{path}/").status_code == 200
    assert client.get("/admin/sync/outboxentry/add/").status_code == 403
