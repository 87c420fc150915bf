"""IPN handling: verified, idempotent, order-independent, amounts checked; the dossier moves
on once paid and every event is in its history and the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import DossierEvent, OnlinePaid, Payment, Status
from motcua.payments import services
from tests.payments.conftest import notification, requested

IPN = reverse("payments:ipn", args=["sandbox"])


def send(client, params: dict[str, str]) -> str:
    response = client.get(IPN, params)
    assert response.status_code == 200
    return response.json()["RspCode"]


@pytest.fixture
def started(dossier, officer):
    requested(dossier, officer, 50_000)
    payment, _url = services.start_online(dossier.pk, client_ip="1.2.3.4", return_url="http://x/")
    return payment


def successes(dossier) -> list[Payment]:
    return list(Payment.objects.filter(dossier=dossier, state=Payment.State.SUCCESS))


@pytest.mark.django_db
def test_success_twice_gives_one_payment_and_the_dossier_moves_on(client, dossier, started):
    assert send(client, notification(started.reference, 50_000)) == "00"
    assert send(client, notification(started.reference, 50_000)) == "02"
    dossier.refresh_from_db()
    assert [p.pk for p in successes(dossier)] == [started.pk]
    assert dossier.status == Status.PROCESSING
    assert dossier.online_paid == OnlinePaid.OWN_GATEWAY
    assert services.summary(dossier).outstanding == 0
    kinds = list(dossier.events.values_list("kind", flat=True))
    assert kinds.count(DossierEvent.Kind.PAYMENT) == 3  # assess, start, success
    assert kinds[-1] == DossierEvent.Kind.STATUS  # 6 -> 4 after the payment
    assert dossier.version == dossier.events.count()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"payment.assess", "payment.start", "payment.success"} <= actions


@pytest.mark.django_db
def test_failure_after_success_never_undoes_it(client, dossier, started):
    assert send(client, notification(started.reference, 50_000)) == "00"
    assert send(client, notification(started.reference, 50_000, ok=False)) == "02"
    started.refresh_from_db()
    assert started.state == Payment.State.SUCCESS


@pytest.mark.django_db
def test_late_success_after_a_failure_is_applied(client, dossier, started):
    assert send(client, notification(started.reference, 50_000, ok=False)) == "00"
    started.refresh_from_db()
    assert started.state == Payment.State.FAILED
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYMENT_REQUESTED
    assert send(client, notification(started.reference, 50_000, ok=False)) == "02"
    assert send(client, notification(started.reference, 50_000)) == "00"
    started.refresh_from_db()
    dossier.refresh_from_db()
    assert started.state == Payment.State.SUCCESS
    assert dossier.status == Status.PROCESSING


@pytest.mark.django_db
def test_bad_signature_is_refused_and_logged(client, dossier, started):
    params = notification(started.reference, 50_000)
    params["vnp_SecureHash"] = "0" * 128
    assert send(client, params) == "97"
    started.refresh_from_db()
    assert started.state == Payment.State.PENDING
    logged = AuditEvent.objects.get(action="payment.bad_signature")
    assert logged.object_id == started.reference and logged.data["where"] == "ipn"


@pytest.mark.django_db
def test_amount_mismatch_is_refused(client, dossier, started):
    assert send(client, notification(started.reference, 5_000)) == "04"
    started.refresh_from_db()
    assert started.state == Payment.State.PENDING
    assert AuditEvent.objects.filter(action="payment.amount_mismatch").count() == 1


@pytest.mark.django_db
def test_unknown_order(client, dossier, started):
    assert send(client, notification("MCNOSUCHREF", 50_000)) == "01"
    assert not successes(dossier)


@pytest.mark.django_db
def test_unknown_gateway_is_404(client):
    assert client.get(reverse("payments:ipn", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_a_second_payment_after_a_success_is_kept_and_shown_as_overpaid(client, dossier, started):
    """Never lose money: two successful transactions for one fee are both recorded."""
    other = Payment.objects.create(
        dossier=dossier,
        reference="MCSECOND",
        amount=50_000,
        channel=Payment.Channel.ONLINE,
        gateway="sandbox",
        platform_flag=2,
        state=Payment.State.PENDING,
        at=started.at,
        detail={},
    )
    assert send(client, notification(started.reference, 50_000)) == "00"
    assert send(client, notification(other.reference, 50_000)) == "00"
    dossier.refresh_from_db()
    assert len(successes(dossier)) == 2
    assert services.summary(dossier).overpaid == 50_000
    assert dossier.status == Status.PROCESSING


@pytest.mark.django_db
def test_a_flood_of_bad_signatures_is_answered_but_audited_only_up_to_the_limit(
    client, dossier, started
):
    from django.core.cache import cache

    from motcua.payments.views import BAD_SIGNATURE_LIMIT

    cache.clear()
    params = notification(started.reference, 50_000)
    params["vnp_SecureHash"] = "f" * 128
    for _ in range(BAD_SIGNATURE_LIMIT + 5):
        assert send(client, params) == "97"
    assert AuditEvent.objects.filter(action="payment.bad_signature").count() == BAD_SIGNATURE_LIMIT
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_the_same_notification_at_once_twice_gives_one_payment(dossier, officer, monkeypatch):
    """Two IPN deliveries racing (PostgreSQL row locks): one applies, the other is
    answered 'already confirmed'."""
    import threading
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks (select_for_update is a no-op)")
    from motcua.payments import config as payment_config
    from motcua.payments.gateways import Found, Outcome

    requested(dossier, officer)
    payment, _url = services.start_online(dossier.pk, client_ip="1.1.1.1", return_url="http://x/")
    slow = services._online_flag

    def slowly(d):
        time.sleep(0.3)  # hold the dossier lock so the other delivery queues behind it
        return slow(d)

    monkeypatch.setattr(services, "_online_flag", slowly)
    outcome = Outcome(payment.reference, Found.SUCCESS, amount=50_000, gateway_txn="1")
    answers: list[object] = []

    def deliver() -> None:
        try:
            answers.append(
                services.apply_outcome(
                    outcome, gateway_key=payment_config.SANDBOX, source="ipn", actor="t"
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(str(a) for a in answers) == ["already", "applied"]
    assert Payment.objects.filter(dossier=dossier, state=Payment.State.SUCCESS).count() == 1
    assert AuditEvent.objects.filter(action="payment.success").count() == 1
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


@pytest.mark.django_db
def test_a_payment_after_the_dossier_moved_on_is_recorded_without_touching_its_status(
    client, dossier, started, officer
):
    from motcua.dossiers.workflow import change_status

    change_status(dossier.pk, Status.PROCESSED, actor=officer)
    assert send(client, notification(started.reference, 50_000)) == "00"
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSED
    assert dossier.online_paid == OnlinePaid.OWN_GATEWAY
    assert [p.pk for p in successes(dossier)] == [started.pk]
    assert dossier.version == dossier.events.count()
