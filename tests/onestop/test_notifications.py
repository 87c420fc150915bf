"""E-mails to the applicant: once per step, after the commit, never undoing the step."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Status
from motcua.onestop import notifications, services
from motcua.onestop.models import Notification

pytestmark = pytest.mark.django_db


def test_a_step_is_announced_once(desk):
    dossier = desk.receive(received_at=timezone.now())
    notifications.send(dossier.pk, notifications.Kind.RECEIVED, seq=1)
    notifications.send(dossier.pk, notifications.Kind.RECEIVED, seq=1)
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1
    read = AuditEvent.objects.get(action="dossier.pii.read")
    assert read.data["purpose"] == "notification:received"
    assert Notification.objects.get().recipient_masked == "a***@example.vn"


def test_no_address_no_email(desk):
    dossier = desk.receive(email="")
    assert notifications.send(dossier.pk, notifications.Kind.RECEIVED, seq=1) is None
    assert mail.outbox == []


def test_a_failed_send_keeps_its_error_and_the_step_stands(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(notifications, "send_mail", broken)
    dossier = desk.receive(received_at=timezone.now())
    services.start_processing(dossier.pk, actor=desk.nam)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.request_supplement(dossier.pk, "Bổ sung", actor=desk.nam)
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    failed = Notification.objects.get(kind=Notification.Kind.SUPPLEMENT)
    assert failed.sent_at is None and "unreachable" in failed.error


def test_the_texts_are_vietnamese_and_unescaped(desk):
    dossier = desk.receive()
    subject, body = notifications.render(dossier, notifications.Kind.RECEIVED)
    assert subject == f"[UBND xã Ea T'Ling] Đã tiếp nhận hồ sơ {dossier.code}"
    assert "Ngày hẹn trả kết quả: 09:00 ngày 12/08/2024" in body and "&#x27;" not in body


def test_a_failed_send_is_retried_later_and_sent_once(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    real = notifications.send_mail
    monkeypatch.setattr(notifications, "send_mail", _broken)
    dossier = desk.receive(received_at=timezone.now())
    notifications.send(dossier.pk, notifications.Kind.RECEIVED, seq=1)
    failed = Notification.objects.get()
    assert (failed.sent_at, failed.attempts) == (None, 1)
    retry = DBTaskResult.objects.get(task_path="motcua.onestop.tasks.retry_notification")
    assert retry.args_kwargs["args"] == [failed.pk]
    assert notifications.retry(failed.pk) is False  # still down: the next retry is later
    assert DBTaskResult.objects.filter(task_path=retry.task_path).count() == 2

    monkeypatch.setattr(notifications, "send_mail", real)  # the mail server is back
    out = io.StringIO()
    call_command("onestop_resend", stdout=out)
    assert "sent 1, failed again 0" in out.getvalue()
    failed.refresh_from_db()
    assert failed.sent_at is not None and failed.error == "" and failed.attempts == 3
    assert len(mail.outbox) == 1
    assert notifications.retry(failed.pk) is None  # sent: never twice
    assert len(mail.outbox) == 1
    purposes = AuditEvent.objects.filter(action="dossier.pii.read").values_list(
        "data__purpose", flat=True
    )
    assert sorted(purposes).count("notification:received:retry") == 2


def test_retries_stop_after_the_last_delay(desk, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(notifications, "send_mail", _broken)
    dossier = desk.receive(received_at=timezone.now())
    notifications.send(dossier.pk, notifications.Kind.RECEIVED, seq=1)
    pk = Notification.objects.get().pk
    for _ in notifications.RETRY_DELAYS:
        assert notifications.retry(pk) is False
    scheduled = DBTaskResult.objects.filter(task_path="motcua.onestop.tasks.retry_notification")
    assert scheduled.count() == len(notifications.RETRY_DELAYS)
    assert Notification.objects.get().attempts == len(notifications.RETRY_DELAYS) + 1
    assert notifications.unsent() == [pk]  # still listed for `onestop resend`


def _broken(*args, **kwargs):
    raise OSError("SMTP server unreachable")
