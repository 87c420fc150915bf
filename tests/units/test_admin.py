import pytest
from django.test import Client

from motcua.units import services
from tests.units.factories import unit

pytestmark = pytest.mark.django_db


def test_unit_list_filters_by_level_and_finds_names_without_accents(admin_client: Client) -> None:
    unit(province=True, name="Tỉnh Đắk Nông", code="H67")
    unit(name="Xã Quảng Sơn")
    page = admin_client.get("/admin/units/unit/", {"q": "dak nong"}).content.decode()
    assert "Tỉnh Đắk Nông" in page and "Xã Quảng Sơn" not in page
    page = admin_client.get("/admin/units/unit/", {"level__exact": "commune"}).content.decode()
    assert "Xã Quảng Sơn" in page and "Tỉnh Đắk Nông" not in page


def test_unit_page_shows_parent_links_inline(admin_client: Client) -> None:
    province = unit(province=True, name="Tỉnh Đắk Nông", code="H67")
    commune = unit(province, name="Xã Quảng Sơn")
    page = admin_client.get(f"/admin/units/unit/{commune.pk}/change/").content.decode()
    assert "Tỉnh Đắk Nông" in page
    assert (
        "000.00.00.H67"
        in admin_client.get(f"/admin/units/unit/{province.pk}/change/").content.decode()
    )


def test_reform_events_are_listed_read_only(admin_client: Client) -> None:
    import datetime as dt

    a = unit(province=True, name="Tỉnh A")
    b = unit(province=True, name="Tỉnh B")
    services.merge([a, b], b, dt.date(2025, 7, 1))
    response = admin_client.get("/admin/units/unitevent/")
    assert response.status_code == 200
    assert "Tỉnh B" in response.content.decode()
    assert admin_client.get("/admin/units/unitevent/add/").status_code == 403
