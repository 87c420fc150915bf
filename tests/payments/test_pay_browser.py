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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_assesses_a_fee_and_records_a_counter_payment(
    live_server, page, dossier, officer
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill("mat-khau-thu-nghiem-dai-1")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + f"/thanh-toan/ho-so/{dossier.pk}/tham-dinh-phi/")
    assert page.get_by_label("Tên phí, lệ phí 1").input_value() == "Lệ phí cấp giấy"
    page.screenshot(path=str(SHOTS / "payments-4-assess.png"), full_page=True)
    page.get_by_role("button", name="Ghi nhận và yêu cầu nộp phí").click()
    page.wait_for_url(f"**/thanh-toan/ho-so/{dossier.pk}/")
    assert page.locator("#dossier-status").inner_text() == "Yêu cầu thực hiện nghĩa vụ tài chính"
    assert page.locator("#outstanding").inner_text() == "50.000 đ"
    assert page.locator("#pay-link").inner_text().startswith("/thanh-toan/")

    page.get_by_role("link", name="Thu tại quầy (tiền mặt, chuyển khoản)").click()
    page.get_by_label("Hình thức").select_option("transfer")
    page.get_by_role("button", name="Ghi nhận khoản thu").click()
    page.wait_for_url(f"**/thanh-toan/ho-so/{dossier.pk}/")
    assert page.locator("#dossier-status").inner_text() == "Đang xử lý"
    assert page.locator("#paid").inner_text() == "50.000 đ"
    page.screenshot(path=str(SHOTS / "payments-5-dossier.png"), full_page=True)
