"""Finding a procedure without accents and reading what it needs."""

from __future__ import annotations

from django.urls import reverse

from motcua.portal import catalogue
from motcua.portal.models import RequiredComponent


def test_search_without_accents_finds_the_accented_name(world) -> None:
    assert list(catalogue.search("chung thuc ban sao")) == [world.full]
    assert list(catalogue.search("KHAI SINH")) == [world.partial]
    assert list(catalogue.search(world.paper.code)) == [world.paper]
    assert not catalogue.search("ho chieu").exists()


def test_the_search_page_lists_matches_with_their_service_level(client, world) -> None:
    page = client.get(reverse("portal:home"), {"q": "chung thuc"}).content.decode()
    assert world.full.name in page
    assert "Trực tuyến toàn trình" in page
    assert world.paper.name not in page


def test_online_only_leaves_out_paper_procedures(client, world) -> None:
    page = client.get(reverse("portal:home"), {"q": "c", "truc_tuyen": "1"}).content.decode()
    assert world.full.name in page
    assert world.paper.name not in page


def test_the_procedure_page_shows_components_fees_time_limit_level_and_where(client, world) -> None:
    RequiredComponent.objects.create(
        procedure=world.full, code="TP01", name="Bản chính giấy tờ cần chứng thực", order=1
    )
    page = client.get(reverse("portal:procedure", args=[world.full.code])).content.decode()
    assert "Bản chính giấy tờ cần chứng thực" in page
    assert "Lệ phí chứng thực: 2.000 đồng" in page
    assert "5 ngày làm việc" in page
    assert "Trực tuyến toàn trình" in page
    assert world.commune.name in page
    assert world.district.name not in page  # a commune-level procedure
    assert reverse("portal:file", args=[world.full.code]) in page


def test_a_paper_procedure_shows_where_to_go_and_no_filing_button(client, world) -> None:
    page = client.get(reverse("portal:procedure", args=[world.paper.code])).content.decode()
    assert world.district.name in page
    assert reverse("portal:file", args=[world.paper.code]) not in page
    assert "bộ phận một cửa" in page


def test_without_a_published_list_the_usual_components_are_asked(world) -> None:
    assert [c.code for c in catalogue.components_of(world.full)] == ["TP1", "TP2", "TP3"]
    assert [c.required for c in catalogue.components_of(world.full)] == [True, True, False]
