"""In Chromium, on a phone-sized window: the counter receives a paper dossier and prints
form 01; a processing officer requests a supplement and, once it is supplied, finishes."""

from __future__ import annotations

import subprocess

import pytest

from motcua.dossiers.models import Dossier, Status
from tests.browser import PHONE, pdf_text, screenshot, sign_in
from tests.onestop.conftest import build_desk


def shot(page, name: str) -> None:
    screenshot(page, f"onestop-{name}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_counter_receives_and_the_desk_processes_a_paper_dossier(
    live_server, page, tmp_path
) -> None:
    build_desk()
    base = live_server.url
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size(PHONE)

    # The one-stop officer finds the procedure without accents and receives the dossier.
    sign_in(page, base, "mai")
    page.goto(base + "/mot-cua/tiep-nhan/")
    page.locator("#procedure-search").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.get_by_role("link", name="1.001193 — Đăng ký khai sinh").click()
    form = page.locator("#intake-form")
    form.locator("[name=applicant_name]").fill("Nguyễn Thị Hoa")
    form.locator("[name=applicant_id]").fill("044190001111")
    form.locator("[name=phone]").fill("0905111222")
    form.locator("[name=email]").fill("hoa@example.vn")
    form.locator("[name=address]").fill("Thôn 5, xã Ea T'Ling")
    form.locator("[name=paper]").fill("Tờ khai đăng ký khai sinh\nGiấy chứng sinh")
    shot(page, "intake")
    form.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.wait_for_url("**/mot-cua/ho-so/**")
    code = page.locator("#dossier-code").inner_text()
    assert page.locator("#dossier-status").inner_text().startswith("Được tiếp nhận")
    assert "Đã tiếp nhận hồ sơ" in page.locator(".messages").inner_text()
    shot(page, "received")
    receipt = page.get_by_role("link", name="Giấy tiếp nhận, hẹn trả kết quả (mẫu 01)")
    response = page.request.get(base + receipt.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body(), tmp_path)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and code in text
    assert "Nguyễn Thị Hoa" in text and "Giấy chứng sinh" in text
    page.locator("#current-user").click()  # the account menu holds the sign-out button
    page.get_by_role("button", name="Đăng xuất").click()

    # The processing officer takes it from the worklist, asks for a supplement, gets it,
    # and finishes.
    sign_in(page, base, "nam")
    page.goto(base + "/mot-cua/")
    shot(page, "worklist")
    page.get_by_role("link", name=code).click()
    page.get_by_role("button", name="Bắt đầu xử lý").click()
    assert page.locator("#dossier-status").inner_text().startswith("Đang xử lý")
    supplement = page.locator("#supplement-form")
    supplement.locator("[name=note]").fill("Bổ sung bản sao giấy đăng ký kết hôn của cha mẹ")
    supplement.get_by_role("button", name="Yêu cầu bổ sung").click()
    assert page.locator("#dossier-status").inner_text().startswith("Yêu cầu bổ sung giấy tờ")
    shot(page, "supplement-requested")
    page.get_by_role("button", name="Đã nhận bổ sung").click()
    assert page.locator("#dossier-status").inner_text().startswith("Đang xử lý")
    page.get_by_role("button", name="Hoàn thành, có kết quả").click()
    assert page.locator("#dossier-status").inner_text().startswith("Đã xử lý xong")
    shot(page, "processed")
    form02 = page.get_by_role("link", name="Phiếu yêu cầu bổ sung (mẫu 02)")
    text = pdf_text(page.request.get(base + form02.get_attribute("href")).body(), tmp_path)
    assert "giấy đăng ký kết hôn" in text

    # The finish issued the signed electronic result (motcua.signing); poppler sees it.
    result = page.locator("#dossier-results a").first
    signed = page.request.get(base + result.get_attribute("href"))
    assert signed.ok and signed.body().startswith(b"%PDF-")
    path = tmp_path / "result.pdf"
    path.write_bytes(signed.body())
    check = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert "Signature #1" in check.stdout

    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.PROCESSED and dossier.supplement_count == 1
    assert dossier.has_result_file
    # Nothing overflows the phone-sized window sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not [e for e in errors if "Content Security Policy" in e]
