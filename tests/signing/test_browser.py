"""In Chromium: upload a signed result on the verification page and see it valid, with
the signer and the signing time; a tampered copy is refused; look-up by code works."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from motcua.signing.services import issue_result
from tests.signing.conftest import build_world

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_verifies_a_signed_result(live_server, page, tmp_path: Path) -> None:
    world = build_world()
    result = issue_result(world.dossier, actor=world.erin)
    signed = tmp_path / f"{result.code}.pdf"
    signed.write_bytes(bytes(result.pdf))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(live_server.url + "/ket-qua/xac-thuc/")
    page.get_by_label("Tệp PDF đã ký").set_input_files(str(signed))
    page.get_by_role("button", name="Xác thực tệp").click()
    page.wait_for_selector("#verdict")
    assert page.locator("#verdict-status").inner_text() == "Chữ ký số hợp lệ"
    assert page.locator("#verdict-signer").inner_text() == "Xã Một"
    local = timezone.localtime(result.signed_at)
    assert page.locator("#verdict-time").inner_text() == f"{local:%H:%M:%S %d/%m/%Y}"
    assert page.locator("#verdict-code").inner_text() == result.code
    assert "phiên bản hiện hành" in page.locator("#verdict-current").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "signing-verify-valid.png"), full_page=True)

    tampered = tmp_path / "sua.pdf"
    data = bytearray(result.pdf)
    data[data.find(b"stream") + 40] ^= 0x01
    tampered.write_bytes(bytes(data))
    page.get_by_label("Tệp PDF đã ký").set_input_files(str(tampered))
    page.get_by_role("button", name="Xác thực tệp").click()
    page.wait_for_selector("#verdict.bad")
    assert "đã bị thay đổi" in page.locator("#verdict-status").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "signing-verify-tampered.png"), full_page=True)

    page.get_by_label("Mã kết quả").fill(result.code)
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_selector("#verdict.ok")
    assert page.locator("#verdict-code").inner_text() == result.code
    assert not [e for e in errors if "Content Security Policy" in e]
