"""Issue #7's "done when", end to end in Chromium, across the apps that share the journey.

A citizen files online (one component uploaded, one reused from the personal data store);
the counter receives a paper dossier; the citizen's dossier is received, a supplement is
requested, the citizen supplies it online, the officer finishes it with a signed result;
the citizen downloads the result and poppler's ``pdfsig`` validates the signature. The
plan indicators of the commune then reflect every step: online, digitized, reused, on time,
electronic result.
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from motcua.dossiers.models import Channel, Dossier, Status
from motcua.files import services, store
from motcua.indicators.engine import compute
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS
from motcua.portal import citizens
from tests.browser import PHONE, screenshot, sign_in
from tests.files.conftest import (
    MINIMAL_PDF,
    media_root,  # noqa: F401  (uploads in a temporary folder)
)
from tests.onestop.conftest import (
    build_desk,
    signing_dir,  # noqa: F401  (demo certificates in tmp)
)

CITIZEN_PASSWORD = "mat-khau-cong-dan-2024"


def shot(page, name: str) -> None:
    screenshot(page, f"journey-{name}")


def staff_sign_in(page, base: str, username: str) -> None:
    """Signs in and lands on the desk (officers' own page) rather than the dashboard."""
    sign_in(page, base, username, land="/mot-cua/")


def citizen_sign_in(page, base: str) -> None:
    page.goto(base + "/dich-vu-cong/dang-nhap/")
    page.get_by_label("Thư điện tử").fill("hoa@example.vn")
    page.get_by_label("Mật khẩu").fill(CITIZEN_PASSWORD)
    page.locator("form.stacked").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/dich-vu-cong/ho-so/")


def staff_sign_out(page) -> None:
    # The account menu folds away on a phone; forgetting the session is the same here.
    page.context.clear_cookies()


def plan_figures(unit) -> dict[str, tuple[int, int]]:
    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    figures = compute(FORMULA_SETS["plan"], {unit.pk: {unit.pk}}, period)
    return {f.indicator.code: (f.numerator, f.denominator) for f in figures}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_filed_online_received_supplemented_finished_signed_downloaded_and_counted(
    live_server, page, tmp_path
) -> None:
    desk = build_desk()
    base = live_server.url
    citizen = citizens.sign_up(
        email="hoa@example.vn",
        password=CITIZEN_PASSWORD,
        full_name="Lê Thị Hoa",
        id_number="044190001111",
        phone="0905111222",
    )
    # An ID copy digitized for an earlier dossier is in her personal data store.
    earlier = services.store_bytes(MINIMAL_PDF, "cccd.pdf", actor="test")
    store.store_component(
        store.owner(account=citizen), earlier, code="TP2", title="Căn cước", actor="test"
    )
    (tmp_path / "to-khai.pdf").write_bytes(MINIMAL_PDF)
    (tmp_path / "bo-sung.pdf").write_bytes(MINIMAL_PDF)
    page.set_viewport_size(PHONE)
    page.set_default_timeout(60_000)  # a long journey on a loaded two-core machine

    # 1. The citizen files online: the form uploaded, the ID copy reused from the store.
    citizen_sign_in(page, base)
    page.goto(f"{base}/dich-vu-cong/thu-tuc/{desk.procedure.code}/nop/")
    form = page.locator("#filing-form")
    form.get_by_label("Nơi nộp (đơn vị giải quyết)").select_option(str(desk.commune.pk))
    form.locator("[name=tp_TP1]").set_input_files(str(tmp_path / "to-khai.pdf"))
    form.locator("[name=kho_TP2]").select_option(index=1)
    shot(page, "filing")
    page.locator("#submit-filing").click()
    page.wait_for_load_state()
    assert "/dich-vu-cong/ho-so/" in page.url, page.locator("main").inner_text()
    online_code = page.locator("#dossier-code").inner_text().strip()
    online = Dossier.objects.get(code=online_code)
    assert online.channel == Channel.ONLINE and online.reused and online.from_data_store

    # 2. The counter receives a paper dossier, and the citizen's online one.
    page.context.clear_cookies()
    staff_sign_in(page, base, "mai")
    page.goto(base + "/mot-cua/tiep-nhan/")
    page.locator("#procedure-search").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.get_by_role("link", name=f"{desk.procedure.code} — Đăng ký khai sinh").click()
    intake = page.locator("#intake-form")
    intake.locator("[name=applicant_name]").fill("Phạm Văn Nam")
    intake.locator("[name=applicant_id]").fill("044090002222")
    intake.locator("[name=phone]").fill("0912000111")
    intake.locator("[name=email]").fill("nam@example.vn")
    intake.locator("[name=address]").fill("Thôn 2, xã Ea T'Ling")
    intake.locator("[name=paper]").fill("Tờ khai đăng ký khai sinh")
    intake.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    shot(page, "intake")
    page.wait_for_url("**/mot-cua/ho-so/**")
    paper_code = page.locator("#dossier-code").inner_text().strip()
    assert Dossier.objects.get(code=paper_code).channel == Channel.COUNTER
    page.goto(f"{base}/mot-cua/ho-so/{online_code}/")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    assert page.locator("#dossier-status").inner_text().startswith("Được tiếp nhận")
    staff_sign_out(page)

    # 3. The processing officer asks for a supplement.
    staff_sign_in(page, base, "nam")
    page.goto(f"{base}/mot-cua/ho-so/{online_code}/")
    page.get_by_role("button", name="Bắt đầu xử lý").click()
    supplement = page.locator("#supplement-form")
    supplement.locator("[name=note]").fill("Bổ sung giấy chứng sinh")
    supplement.get_by_role("button", name="Yêu cầu bổ sung").click()
    assert page.locator("#dossier-status").inner_text().startswith("Yêu cầu bổ sung")
    staff_sign_out(page)

    # 4. The citizen supplies it online.
    citizen_sign_in(page, base)
    page.goto(f"{base}/dich-vu-cong/ho-so/{online_code}/")
    assert "giấy chứng sinh" in page.locator("#supplement-content").inner_text()
    page.locator("#supplement input[type=file]").first.set_input_files(
        str(tmp_path / "bo-sung.pdf")
    )
    page.locator("#send-supplement").click()
    page.wait_for_load_state()
    online.refresh_from_db()
    assert online.status == Status.PROCESSING and online.supplement_count == 1
    page.context.clear_cookies()

    # 5. The officer finishes with a signed result.
    staff_sign_in(page, base, "nam")
    page.goto(f"{base}/mot-cua/ho-so/{online_code}/")
    page.get_by_role("button", name="Hoàn thành, có kết quả").click()
    assert page.locator("#dossier-status").inner_text().startswith("Đã xử lý xong")
    staff_sign_out(page)

    # 6. The citizen downloads the signed result; pdfsig (poppler) validates it.
    citizen_sign_in(page, base)
    page.goto(f"{base}/dich-vu-cong/ho-so/{online_code}/")
    shot(page, "result")
    link = page.locator("#results a.result-link").first
    signed = page.request.get(base + link.get_attribute("href"))
    assert signed.ok and signed.body().startswith(b"%PDF-")
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(signed.body())
    check = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert "Signature #1" in check.stdout
    assert "Signature is Valid." in check.stdout, check.stdout

    # 7. The indicators reflect every step.
    online.refresh_from_db()
    assert online.has_result_file and online.all_components_filed
    figures = plan_figures(desk.commune)
    assert figures["online_received"] == (1, 2)  # one online of the two received
    assert figures["reused"] == (1, 2)  # the online one reused the stored ID copy
    # Finished before its due date; the paper one is still within its time (766 group 2).
    assert figures["on_time"] == (2, 2)
    assert figures["e_result"] == (1, 1)  # the one finished has its signed file
    assert figures["digitized"] == (1, 2)  # every component and the result have files
    assert figures["online_resolved"] == (1, 2)
