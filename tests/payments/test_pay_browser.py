"""In Chromium: a citizen opens the payment link, pays through the sandbox gateway and
comes back to a dossier that has moved on."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from motcua.dossiers.models import Payment, Status
from motcua.payments import links
from tests.payments.conftest import requested

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_pays_through_the_sandbox(live_server, page, dossier, officer) -> None:
    requested(dossier, officer, 50_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + links.pay_url(dossier))
    assert page.locator("#dossier-code").inner_text() == dossier.code
    assert page.locator("#outstanding").inner_text() == "50.000 đ"
    page.screenshot(path=str(SHOTS / "payments-1-link.png"), full_page=True)

    page.get_by_role("button", name="Thanh toán trực tuyến 50.000 đ").click()
    page.wait_for_url("**/sandbox/vnpay/paymentv2/vpcpay.html?**")
    assert page.locator("#txn-amount").inner_text() == "50.000 đ"
    page.screenshot(path=str(SHOTS / "payments-2-sandbox.png"), full_page=True)

    page.get_by_role("button", name="Thanh toán thành công").click()
    page.wait_for_url("**/thanh-toan/ket-qua/**")
    assert "Thanh toán thành công" in page.locator("#payment-result").inner_text()
    assert page.locator("#dossier-status").inner_text() == "Đang xử lý"
    assert page.locator("#outstanding").inner_text() == "0 đ"
    page.screenshot(path=str(SHOTS / "payments-3-returned.png"), full_page=True)

    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert Payment.objects.filter(dossier=dossier, state=Payment.State.SUCCESS).count() == 1
    assert not [e for e in errors if "Content Security Policy" in e]
