"""In Chromium: each role sees exactly its scope on the figure pages, a leader cannot reach
another unit by URL, the dashboard works on a phone and by keyboard; screenshots of the
main pages go to var/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.accounts.cast import build_cast
from tests.browser import LAPTOP, PHONE, sign_in
from tests.browser import screenshot as shoot
from tests.web.test_pages import _july


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_role_sees_exactly_its_scope(live_server, page) -> None:
    cast = build_cast()
    _july(cast)
    base = live_server.url
    page.set_viewport_size(LAPTOP)

    sign_in(page, base, "alice")  # province monitor
    assert page.locator("h1").inner_text() == "Tổng quan: Tỉnh P"
    ranking = page.locator("#ranking-district").inner_text()
    assert "Huyện Một" in ranking and "Huyện Hai" in ranking
    shoot(page, "dashboard-laptop")
    page.goto(base + "/don-vi/H67/?period=2024-07")
    assert page.locator("#unit-name").inner_text().startswith("Tỉnh P")
    shoot(page, "unit-laptop")
    page.locator("#losses a").first.click()
    page.wait_for_selector("#formula")
    shoot(page, "indicator-laptop")
    page.locator("#current-user").click()
    page.get_by_role("button", name="Đăng xuất").click()

    sign_in(page, base, "bob")  # unit leader of D1
    assert page.locator("h1").inner_text() == "Tổng quan: Huyện Một"
    assert page.locator("#ranking-district").count() == 0  # one district: nothing to rank
    assert "Huyện Hai" not in page.locator("main").inner_text()
    response = page.goto(base + "/don-vi/H67.31/")
    assert response.status == 404
    response = page.goto(base + "/chi-so/PROGRESS_ON_TIME/?unit=H67.31")
    assert response.status == 404
    assert page.goto(base + "/don-vi/H67.30.01/").ok
    page.locator("#current-user").click()
    page.get_by_role("button", name="Đăng xuất").click()

    sign_in(page, base, "charlie")  # processing officer at the agency A
    assert page.locator("h1").inner_text() == "Tổng quan: Sở Tư pháp"
    assert page.goto(base + "/don-vi/H67/").status == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_is_usable_on_a_phone_and_by_keyboard(live_server, page) -> None:
    cast = build_cast()
    _july(cast)
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "alice")
    assert no_horizontal_overflow(page)
    assert page.locator("#score-766").is_visible()
    shoot(page, "dashboard-phone")
    # The first Tab reaches the skip link, which moves the focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The period picker is a labelled form that works without a mouse.
    page.get_by_label("Kỳ", exact=True).select_option("month")
    page.get_by_role("button", name="Xem").click()
    assert "period=month" in page.url
    for path, name in [
        ("/don-vi/H67.30/?period=2024-07", "unit-phone"),
        ("/chi-so/PROGRESS_ON_TIME/?unit=H67.30&period=2024-07", "indicator-phone"),
    ]:
        page.goto(base + path)
        assert no_horizontal_overflow(page), path
        shoot(page, name)
    # English on request, with English number formats.
    with page.expect_navigation():
        page.get_by_label("Ngôn ngữ").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Why the figure is what it is" in page.locator("main").inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_after_a_change_the_unit_page_says_since_when_its_figures_are(
    live_server, page, settings
) -> None:
    """Served stale after a dossier changes, the page says so in a status note; once the
    background refresh is done, a reload shows the new figures without the note."""
    from motcua.dossiers.workflow import change_status
    from motcua.web.generation import REFRESHER
    from tests.indicators.conftest import at

    settings.FIGURES_STALE_SECONDS = 3600
    cast = build_cast()
    made = _july(cast)
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "alice")
    url = base + "/don-vi/H67.30/?period=2024-07"
    page.goto(url)
    assert page.locator("#stale-note").count() == 0
    change_status(made[2].pk, 9, actor="test", at=at("2024-07-08"))
    page.goto(url)
    note = page.locator("#stale-note")
    expect(note).to_be_visible()
    assert note.get_attribute("role") == "status"
    assert "Số liệu tính lúc" in note.inner_text()
    assert no_horizontal_overflow(page)
    shoot(page, "unit-stale-phone")
    REFRESHER.drain()
    page.goto(url)
    expect(page.locator("#stale-note")).to_have_count(0)
