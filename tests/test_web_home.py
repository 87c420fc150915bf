import pytest
from django.test import Client


@pytest.mark.django_db
def test_home_speaks_vietnamese_by_default(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Tổng quan" in response.content.decode()
    assert response.headers["Content-Language"] == "vi"


@pytest.mark.django_db
def test_home_switches_to_english_on_request(client: Client) -> None:
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_health_answers_ok(client: Client) -> None:
    assert client.get("/healthz").content == b"ok"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_renders_in_a_real_browser(live_server, page) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Tổng quan"
    assert page.locator("#dossier-count").inner_text() == "0"
    # The language switch is a labelled control reachable by keyboard.
    assert page.get_by_label("Ngôn ngữ").is_visible()


def test_numbers_and_dates_use_vietnamese_conventions() -> None:
    import datetime as dt

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.number_format(114251, force_grouping=True) == "114.251"
        assert formats.number_format(32.4, decimal_pos=1) == "32,4"
        assert formats.date_format(dt.date(2024, 7, 16), "SHORT_DATE_FORMAT") == "16/07/2024"
    with translation.override("en"):
        assert formats.number_format(114251, force_grouping=True) == "114,251"
