"""The sandbox gateway end to end (in-process), "notify late", the gateway down, the
reconciliation task and command, and the report being empty after a run."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.models import OnlinePaid, Payment, Status
from motcua.payments import links, reconcile, services
from motcua.payments.gateways import GatewayUnavailable
from motcua.payments.gateways.vnpay import VNPay
from motcua.sandboxgateway.models import SandboxTransaction
from tests.payments.conftest import requested


def pay_through_sandbox(client, dossier, choice: str):
    """The citizen's path: payment link -> POST -> sandbox page -> choice -> return URL."""
    link = links.pay_url(dossier)
    page = client.get(link)
    assert page.status_code == 200
    assert "Thanh toán trực tuyến" in page.content.decode()
    to_gateway = client.post(link)
    assert to_gateway.status_code == 302
    sandbox_page = client.get(to_gateway["Location"])
    assert sandbox_page.status_code == 200
    txn = SandboxTransaction.objects.latest("pk")
    back = client.post(reverse("sandboxgateway:choose", args=[txn.pk]), {"choice": choice})
    assert back.status_code == 302
    result = client.get(back["Location"])
    assert result.status_code == 200
    return txn, result.content.decode()


@pytest.mark.django_db
def test_success_through_the_sandbox_moves_the_dossier_on(client, dossier, officer):
    requested(dossier, officer)
    txn, page = pay_through_sandbox(client, dossier, "success")
    assert "Thanh toán thành công" in page
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.online_paid == OnlinePaid.OWN_GATEWAY
    payment = Payment.objects.get(reference=txn.txn_ref)
    assert payment.state == Payment.State.SUCCESS and payment.gateway_txn == txn.transaction_no
    txn.refresh_from_db()
    assert txn.ipn_answer == "00"
    assert reconcile.differences() == []


@pytest.mark.django_db
@pytest.mark.parametrize("choice", ["failure", "cancel"])
def test_failure_and_cancel_leave_the_dossier_waiting(client, dossier, officer, choice):
    requested(dossier, officer)
    txn, page = pay_through_sandbox(client, dossier, choice)
    assert "không thành công" in page
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYMENT_REQUESTED
    assert Payment.objects.get(reference=txn.txn_ref).state == Payment.State.FAILED
    assert reconcile.differences() == []


@pytest.mark.django_db
def test_notify_late_is_settled_by_reconciliation_and_the_late_ipn_is_a_no_op(
    client, dossier, officer
):
    requested(dossier, officer)
    txn, page = pay_through_sandbox(client, dossier, "late")
    assert "đang chờ" in page
    payment = Payment.objects.get(reference=txn.txn_ref)
    assert payment.state == Payment.State.PENDING
    differences = reconcile.differences()
    assert [(d.reference, d.ours, d.theirs) for d in differences] == [
        (payment.reference, "pending", "success")
    ]
    result = reconcile.run(grace=dt.timedelta(0))
    assert (result.checked, result.settled) == (1, 1)
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.state == Payment.State.SUCCESS
    assert dossier.status == Status.PROCESSING
    assert reconcile.differences() == []
    out = StringIO()
    call_command("sandbox_deliver", stdout=out)
    assert f"{txn.txn_ref}: 02" in out.getvalue()  # already confirmed: still one payment
    assert Payment.objects.filter(dossier=dossier, state=Payment.State.SUCCESS).count() == 1


@pytest.mark.django_db
def test_notify_late_delivered_by_the_command(client, dossier, officer):
    requested(dossier, officer)
    txn, _page = pay_through_sandbox(client, dossier, "late")
    out = StringIO()
    call_command("sandbox_deliver", stdout=out)
    assert f"{txn.txn_ref}: 00" in out.getvalue()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


@pytest.mark.django_db
def test_gateway_down_leaves_pending_then_a_later_run_settles(
    client, dossier, officer, monkeypatch
):
    requested(dossier, officer)
    txn, _page = pay_through_sandbox(client, dossier, "late")

    def down(url, payload, timeout):
        raise GatewayUnavailable("connection refused")

    monkeypatch.setattr(VNPay, "transport", staticmethod(down))
    result = reconcile.run(grace=dt.timedelta(0))
    assert (result.checked, result.settled, result.unreachable) == (1, 0, 1)
    assert Payment.objects.get(reference=txn.txn_ref).state == Payment.State.PENDING
    [row] = reconcile.differences()
    assert row.theirs.startswith("error:")
    monkeypatch.undo()
    out = StringIO()
    call_command("payments_reconcile", "--grace", "0", stdout=out)
    assert "settled 1" in out.getvalue() and "0 difference(s)" in out.getvalue()
    assert Payment.objects.get(reference=txn.txn_ref).state == Payment.State.SUCCESS


@pytest.mark.django_db
def test_the_task_retries_while_the_gateway_is_down(client, dossier, officer, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from motcua.payments.tasks import reconcile_payments

    requested(dossier, officer)
    pay_through_sandbox(client, dossier, "late")
    Payment.objects.update(at=timezone.now() - dt.timedelta(minutes=5))
    before = DBTaskResult.objects.count()
    monkeypatch.setattr(
        VNPay,
        "transport",
        staticmethod(lambda *a: (_ for _ in ()).throw(GatewayUnavailable("down"))),
    )
    summary = reconcile_payments.call()
    assert summary["unreachable"] == 1
    assert DBTaskResult.objects.count() == before + 1  # the next attempt is queued
    monkeypatch.undo()
    assert reconcile_payments.call()["settled"] == 1


@pytest.mark.django_db
def test_an_abandoned_payment_fails_after_its_window(client, dossier, officer):
    requested(dossier, officer)
    payment, _url = services.start_online(dossier.pk, client_ip="1.1.1.1", return_url="http://x/")
    assert reconcile.run(grace=dt.timedelta(0)).still_pending == 1  # not at the gateway yet
    assert reconcile.differences() == []
    later = timezone.now() + dt.timedelta(minutes=20)
    assert reconcile.run(now=later).settled == 1
    payment.refresh_from_db()
    assert payment.state == Payment.State.FAILED
    assert reconcile.differences() == []


@pytest.mark.django_db
def test_refund_through_the_sandbox(client, dossier, officer):
    requested(dossier, officer)
    txn, _page = pay_through_sandbox(client, dossier, "success")
    payment = Payment.objects.get(reference=txn.txn_ref)
    services.refund(payment.pk, actor=officer, reason="Nộp nhầm")
    payment.refresh_from_db()
    txn.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.state == Payment.State.REFUNDED
    assert txn.state == SandboxTransaction.State.REFUNDED
    assert dossier.online_paid == OnlinePaid.NO
    assert services.summary(dossier).refunded == 50_000
    assert reconcile.differences() == []


@pytest.mark.django_db
def test_sandbox_refuses_a_forged_request_and_is_off_unless_enabled(client, settings):
    response = client.get("/sandbox/vnpay/paymentv2/vpcpay.html", {"vnp_TxnRef": "X"})
    assert response.status_code == 400
    settings.PAYMENT_SANDBOX = False
    assert client.get("/sandbox/vnpay/paymentv2/vpcpay.html").status_code == 404


@pytest.mark.django_db
def test_starting_a_payment_schedules_reconciliation_after_its_window(
    dossier, officer, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    requested(dossier, officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_online(dossier.pk, client_ip="1.1.1.1", return_url="http://x/")
    task = DBTaskResult.objects.get()
    assert task.task_path == "motcua.payments.tasks.reconcile_payments"
    assert task.run_after > timezone.now() + dt.timedelta(minutes=15)


@pytest.mark.django_db
def test_a_forged_return_is_not_believed(client, dossier, officer):
    from motcua.audit.models import AuditEvent

    requested(dossier, officer)
    payment, _url = services.start_online(dossier.pk, client_ip="1.1.1.1", return_url="http://x/")
    token = links.token(dossier)
    forged = {"vnp_TxnRef": payment.reference, "vnp_ResponseCode": "00", "vnp_SecureHash": "ab"}
    page = client.get(reverse("payments:return", args=[token]), forged).content.decode()
    assert "Không xác thực được" in page
    assert AuditEvent.objects.filter(action="payment.bad_signature").exists()
    payment.refresh_from_db()
    assert payment.state == Payment.State.PENDING
