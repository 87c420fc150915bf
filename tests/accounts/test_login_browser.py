"""In Chromium: two roles log in and each sees its own scope on the home page."""

import pytest

from tests.accounts.cast import build_cast
from tests.browser import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_monitor_and_a_leader_each_see_their_scope(live_server, page) -> None:
    build_cast()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, "alice")
    assert page.locator("#current-user").inner_text() == "alice"
    assert page.locator("#scope-units").inner_text().strip() == "Tỉnh P"
    assert "6 đơn vị trong phạm vi" in page.locator("#my-scope").inner_text()
    page.locator("#current-user").click()  # the account menu holds the sign-out button
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("#my-scope").count() == 0

    sign_in(page, live_server.url, "bob")
    assert page.locator("#scope-units").inner_text().strip() == "Huyện Một"
    assert "2 đơn vị trong phạm vi" in page.locator("#my-scope").inner_text()
    assert page.goto(live_server.url + "/api/units").ok
    assert "H67.31" not in page.content()
    # The language switch still works under the CSP (its script is a static file).
    page.goto(live_server.url + "/")
    with page.expect_navigation():
        page.get_by_label("Ngôn ngữ").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert not [e for e in errors if "Content Security Policy" in e]
