"""Staff pages (role and unit scope), fee assessment and the counter through their forms,
and the citizen's payment link."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from motcua.accounts.roles import Role
from motcua.accounts.services import grant
from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Payment, Status
from motcua.payments import links, services
from tests.factories import AgencyFactory, DossierFactory
from tests.payments.conftest import requested


@pytest.fixture
def stranger(db) -> User:
    """A processing officer of another unit."""
    user = User.objects.create_user("khac", password="x")
    grant(user, Role.PROCESSING_OFFICER, [AgencyFactory()])
    return user


@pytest.mark.django_db
def test_staff_pages_check_role_and_scope(client, dossier, officer, stranger) -> None:
    urls = [
        reverse("payments:dossier", args=[dossier.pk]),
        reverse("payments:assess", args=[dossier.pk]),
        reverse("payments:counter", args=[dossier.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(stranger)
    for url in urls:
        assert client.get(url).status_code == 404  # another unit's dossier
    leader = User.objects.create_user("lanhdao", password="x")
    grant(leader, Role.UNIT_LEADER, [dossier.unit])
    client.force_login(leader)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).status_code == 403  # may see, may not assess
    client.force_login(officer)
    for url in urls:
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_assessment_form_prefills_procedure_fees_and_requests_payment(
    client, dossier, officer
) -> None:
    client.force_login(officer)
    url = reverse("payments:assess", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert "Lệ phí cấp giấy" in page and "Phí thẩm định" in page
    bad = client.post(url, {"rows": "2", "name_0": "Lệ phí", "amount_0": "12,5"})
    assert bad.status_code == 400
    assert "không phải số nguyên VNĐ" in bad.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.fee_total == 0
    response = client.post(
        url,
        {
            "rows": "2",
            "name_0": "Lệ phí cấp giấy",
            "code_0": "LP01",
            "amount_0": "50.000",
            "name_1": "Phí thẩm định",
            "code_1": "P02",
            "amount_1": "0",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYMENT_REQUESTED
    assert dossier.fee_total == 50_000
    assert [f["Gia"] for f in dossier.fees] == ["50000", "0"]
    page = client.get(reverse("payments:dossier", args=[dossier.pk])).content.decode()
    assert "50.000 đ" in page


@pytest.mark.django_db
def test_counter_payment_is_idempotent_and_moves_the_dossier_on(client, dossier, officer) -> None:
    requested(dossier, officer)
    client.force_login(officer)
    url = reverse("payments:counter", args=[dossier.pk])
    form = {"amount": "50000", "method": "cash", "reference": "TQONCE1"}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # a double submit
    payments = Payment.objects.filter(dossier=dossier, state=Payment.State.SUCCESS)
    assert [(p.channel, p.gateway, p.amount) for p in payments] == [("counter", "cash", 50_000)]
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.online_paid == 0  # paid, but not online
    assert AuditEvent.objects.filter(action="payment.counter").count() == 1
    assert client.post(url, {**form, "amount": "abc"}).status_code == 400


@pytest.mark.django_db
def test_payment_link(client, dossier, officer) -> None:
    requested(dossier, officer)
    link = links.pay_url(dossier)
    assert link.startswith("/thanh-toan/") and str(dossier.pk) not in link.split("/")[2][:3]
    page = client.get(link).content.decode()
    assert dossier.code in page and "50.000 đ" in page
    assert client.get(link[:-3] + "xx/").status_code == 404  # forged
    other = DossierFactory(processing=True)
    forged = link.replace(links.token(dossier), links.token(other).split(":")[0] + ":" + "0" * 10)
    assert client.get(forged).status_code == 404


@pytest.mark.django_db
def test_no_gateway_no_online_payment(client, dossier, officer, settings) -> None:
    requested(dossier, officer)
    settings.PAYMENT_SANDBOX = False
    link = links.pay_url(dossier)
    assert "Đơn vị chưa triển khai thanh toán trực tuyến" in client.get(link).content.decode()
    assert client.post(link).status_code == 302
    assert not Payment.objects.filter(dossier=dossier).exists()


@pytest.mark.django_db
def test_a_stranger_cannot_flood_pending_payments(client, dossier, officer) -> None:
    requested(dossier, officer)
    link = links.pay_url(dossier)
    for _ in range(services.PENDING_LIMIT + 3):
        client.post(link)
    assert Payment.objects.filter(dossier=dossier).count() == services.PENDING_LIMIT


@pytest.mark.django_db
def test_report_page(client, dossier, officer) -> None:
    client.force_login(officer)
    page = client.get(reverse("payments:report"))
    assert page.status_code == 200 and "Không có chênh lệch" in page.content.decode()
    assert client.post(reverse("payments:report")).status_code == 403  # administrators only
