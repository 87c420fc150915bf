"""In Chromium, on a phone-sized window: a citizen signs up, finds a procedure typed
without accents, is refused a disguised upload, files online with real uploads, gets the
code and the confirmation (QR code), then form 01 once the counter receives the dossier,
and the public status page shows the status without personal data."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from motcua.dossiers import workflow
from motcua.dossiers.models import Dossier, Status
from tests.browser import PHONE, pdf_text, screenshot
from tests.files.conftest import MINIMAL_PDF, image_bytes
from tests.files.test_uploads import EXE
from tests.portal.conftest import PASSWORD, build_world


def shot(page, name: str) -> None:
    screenshot(page, f"portal-{name}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_signs_up_files_online_and_follows_the_dossier(
    live_server, page, tmp_path
) -> None:
    world = build_world()
    base = live_server.url
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size(PHONE)
    (tmp_path / "don.pdf").write_bytes(MINIMAL_PDF)
    (tmp_path / "cccd.png").write_bytes(image_bytes("PNG"))
    (tmp_path / "virus.pdf").write_bytes(EXE)

    # Sign up.
    page.goto(base + "/dich-vu-cong/")
    page.get_by_role("link", name="Đăng ký", exact=True).click()
    page.get_by_label("Họ và tên").fill("Hoàng Thị Mai")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("001190004444")
    page.get_by_label("Thư điện tử (tên đăng nhập)").fill("mai@example.vn")
    page.get_by_label("Số điện thoại").fill("0905111222")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    shot(page, "signup")
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.wait_for_url(base + "/dich-vu-cong/")
    assert page.locator("#current-user").inner_text().strip() == "Hoàng Thị Mai"

    # Find the procedure without accents.
    page.get_by_label("Tên hoặc mã thủ tục").fill("chung thuc ban sao")
    page.get_by_role("button", name="Tìm", exact=True).click()
    assert "1 thủ tục" in page.locator("#result-count").inner_text()
    shot(page, "search")
    page.get_by_role("link", name=world.full.name).click()
    assert "Trực tuyến toàn trình" in page.locator("#service-level").inner_text()
    assert "2.000 đồng" in page.locator("#fees").inner_text()
    shot(page, "procedure")
    page.locator("#file-online").click()

    # A disguised upload is refused, on its field, and nothing is filed.
    form = page.locator("#filing-form")
    form.get_by_label("Nơi nộp (đơn vị giải quyết)").select_option(str(world.commune.pk))
    form.locator("[name=tp_TP1]").set_input_files(str(tmp_path / "virus.pdf"))
    form.locator("[name=tp_TP2]").set_input_files(str(tmp_path / "cccd.png"))
    page.locator("#submit-filing").click()
    page.wait_for_load_state()
    refusal = page.locator("#component-TP1 .field-error").inner_text()
    assert "virus.pdf" in refusal and "chương trình chạy được" in refusal
    assert Dossier.objects.count() == 0
    shot(page, "refused-upload")

    # Filed with real files: the code at once.
    form = page.locator("#filing-form")
    form.get_by_label("Nơi nộp (đơn vị giải quyết)").select_option(str(world.commune.pk))
    form.get_by_label("Nội dung đề nghị (trích yếu)").fill("Chứng thực 3 bản sao")
    form.locator("[name=tp_TP1]").set_input_files(str(tmp_path / "don.pdf"))
    form.locator("[name=tp_TP2]").set_input_files(str(tmp_path / "cccd.png"))
    page.locator("#submit-filing").click()
    page.wait_for_url("**/dich-vu-cong/ho-so/**")
    dossier = Dossier.objects.get()
    assert page.locator("#dossier-code").inner_text() == dossier.code
    assert dossier.code in page.locator(".messages").inner_text()
    assert "Mới đăng ký" in page.locator("#dossier-status").inner_text()
    shot(page, "filed")

    # The confirmation with its QR code, at once.
    page.locator("#confirmation-link").click()
    expect(page.locator("#confirmation img")).to_have_count(1)
    assert page.locator("#status-url").inner_text().endswith(f"/tra-cuu/{dossier.code}/")
    shot(page, "confirmation")

    # The counter receives it: form 01 is there for the citizen.
    workflow.change_status(dossier.pk, Status.RECEIVED, actor="officer")
    page.goto(f"{base}/dich-vu-cong/ho-so/{dossier.code}/")
    assert "Được tiếp nhận" in page.locator("#dossier-status").inner_text()
    receipt = page.request.get(base + page.locator("#receipt-link").get_attribute("href"))
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    text = pdf_text(receipt.body(), tmp_path)
    assert dossier.code in text and "GIẤY TIẾP NHẬN HỒ SƠ" in text.upper()
    shot(page, "received")

    # The public status page, signed out: status and dates, no personal data.
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(f"{base}/tra-cuu/{dossier.code}/")
    assert "Được tiếp nhận" in page.locator("#dossier-status").inner_text()
    content = page.content()
    # (the code and the factories' unit and procedure names are public and may hold digits)
    for public in (dossier.code, dossier.unit.name, dossier.procedure.name):
        content = content.replace(public, "")
    for personal in ("Hoàng Thị Mai", "0905111222", "mai@example.vn", "444"):
        assert personal not in content
    shot(page, "status")
    # No script or style blocked by the CSP, no script error (the refused form's 400 and
    # the missing favicon are expected resource errors).
    assert not [e for e in errors if not e.startswith("Failed to load resource")], errors
