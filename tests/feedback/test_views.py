"""Public pages: published answers, the form (CSRF, rate limit), votes, ratings, kiosk."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from motcua.accounts.models import UnitAssignment
from motcua.feedback import views, workflow
from motcua.feedback.models import Petition, PetitionState, Rating, Topic
from tests.factories import AgencyFactory, DossierFactory

pytestmark = pytest.mark.django_db
PAGE = "/phan-anh-kien-nghi/"


def form(unit: Any, **kw: str) -> dict[str, Any]:
    data = {
        "topic": Topic.STAFF,
        "unit": unit.pk,
        "title": "Cán bộ gây khó dễ",
        "content": "Yêu cầu nộp thêm giấy tờ không có trong quy định.",
        "sender_name": "Lê Văn Cường",
        "contact": "0912345678",
    }
    data.update(kw)
    return data


def published(unit: Any, title: str = "Đã trả lời") -> Petition:
    p = workflow.submit(
        unit=unit,
        topic=Topic.RULES,
        title=title,
        content="c",
        sender_name="Phạm Thị Dung",
        contact="dung@example.vn",
    )
    workflow.transition(p.pk, PetitionState.ANSWERED, actor="cb", answer="Nội dung trả lời")
    return workflow.transition(p.pk, PetitionState.PUBLISHED, actor="cb")


def test_the_page_lists_published_answers_without_personal_data(client: Client) -> None:
    unit = AgencyFactory()
    published(unit, "Câu hỏi đã công khai")
    workflow.submit(
        unit=unit,
        topic=Topic.RULES,
        title="Chưa trả lời",
        content="c",
        sender_name="X",
        contact="x@example.vn",
    )
    html = client.get(PAGE).content.decode()
    assert "Câu hỏi đã công khai" in html and "Nội dung trả lời" in html
    assert "Chưa trả lời" not in html
    assert "Phạm Thị Dung" not in html and "dung@example.vn" not in html


def test_sending_a_petition(client: Client) -> None:
    unit = AgencyFactory()
    response = client.post(PAGE + "gui", form(unit), follow=True)
    petition = Petition.objects.get()
    assert (petition.unit, petition.topic, petition.state) == (unit, "staff", "received")
    assert petition.code in response.content.decode()


def test_a_dossier_code_decides_the_unit_and_a_wrong_one_is_an_error(client: Client) -> None:
    dossier = DossierFactory()
    client.post(PAGE + "gui", form(AgencyFactory(), dossier_code=dossier.code))
    assert Petition.objects.get().unit_id == dossier.unit_id
    response = client.post(PAGE + "gui", form(AgencyFactory(), dossier_code="KHONG-CO"))
    assert response.status_code == 400
    assert "Không tìm thấy hồ sơ" in response.content.decode()


def test_the_form_needs_its_csrf_token() -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(PAGE + "gui", form(AgencyFactory())).status_code == 403
    assert not Petition.objects.exists()


def test_one_client_may_send_only_a_few_per_hour(client: Client) -> None:
    unit = AgencyFactory()
    for _ in range(views.SUBMISSIONS_PER_HOUR):
        assert client.post(PAGE + "gui", form(unit)).status_code == 302
    refused = client.post(PAGE + "gui", form(unit))
    assert refused.status_code == 429
    assert Petition.objects.count() == views.SUBMISSIONS_PER_HOUR


def test_a_reader_votes_on_an_answer(client: Client) -> None:
    p = published(AgencyFactory())
    client.post(f"{PAGE}{p.code}/binh-chon", {"value": "dislike"})
    client.post(f"{PAGE}{p.code}/binh-chon", {"value": "dislike"})
    p.refresh_from_db()
    assert (p.likes, p.dislikes) == (0, 1)


def test_the_applicant_rates_through_the_signed_link(client: Client) -> None:
    dossier = DossierFactory(returned=True)
    url = f"/danh-gia/{views.rating_token(dossier)}/"
    assert client.get(url).status_code == 200
    client.post(url, {"score": "4", "liked": "1", "comment": "Nhanh"})
    rating = Rating.objects.get()
    assert (rating.dossier, rating.score, rating.liked) == (dossier, 4, True)
    assert client.post(url, {"score": "5"}).status_code == 409
    assert client.get("/danh-gia/gia-mao/").status_code == 404


def test_the_kiosk_needs_a_staff_login_and_stores_no_dossier(client: Client) -> None:
    unit = AgencyFactory()
    url = f"/danh-gia/quay/{unit.code}/"
    assert client.get(url).status_code == 302  # to the login page
    officer = User.objects.create_user("quay", is_staff=True)
    client.force_login(officer)
    assert client.post(url, {"score": "5"}).status_code == 404  # not one of their units
    UnitAssignment.objects.create(user=officer, unit=unit)
    officer = User.objects.get(pk=officer.pk)  # scope is cached per user object
    client.force_login(officer)
    client.post(url, {"score": "5"})
    rating = Rating.objects.get()
    assert (rating.unit, rating.dossier, rating.channel) == (unit, None, "kiosk")


def test_the_due_command_lists_overdue_petitions(capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    unit = AgencyFactory()
    old = workflow.submit(
        unit=unit,
        topic=Topic.RULES,
        title="Cũ",
        content="c",
        sender_name="s",
        at=dt.datetime(2024, 1, 2, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    )
    call_command("feedback_due", "--unit", unit.code)
    out = capsys.readouterr().out
    assert old.code in out and "QUÁ HẠN" in out and "1 deadline(s)" in out


def test_the_handling_pages_are_for_staff(client: Client) -> None:
    p = workflow.submit(
        unit=AgencyFactory(), topic=Topic.RULES, title="t", content="c", sender_name="s"
    )
    assert client.get("/phan-anh-kien-nghi/xu-ly/").status_code == 302
    assert client.get(f"/phan-anh-kien-nghi/xu-ly/{p.code}/").status_code == 302


def test_a_handler_sees_what_is_due_and_moves_a_petition(client: Client) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    old = workflow.submit(
        unit=AgencyFactory(),
        topic=Topic.RULES,
        title="Cũ",
        content="c",
        sender_name="s",
        at=dt.datetime(2024, 1, 2, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    )
    elsewhere = workflow.submit(
        unit=AgencyFactory(),
        topic=Topic.RULES,
        title="Nơi khác",
        content="c",
        sender_name="s",
        at=dt.datetime(2024, 1, 2, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    )
    handler = User.objects.create_user("canbo", is_staff=True)
    UnitAssignment.objects.create(user=handler, unit=old.unit)
    client.force_login(handler)
    html = client.get("/phan-anh-kien-nghi/xu-ly/").content.decode()
    assert old.code in html and "Quá hạn" in html
    assert elsewhere.code not in html  # another unit's petitions are not listed
    assert client.get(f"/phan-anh-kien-nghi/xu-ly/{elsewhere.code}/").status_code == 404
    url = f"/phan-anh-kien-nghi/xu-ly/{old.code}/"
    refused = client.post(url, {"target": "refused"})  # no reason: refused, nothing changes
    assert "lý do" in refused.content.decode()
    client.post(url, {"target": "processing"})
    client.post(url, {"target": "answered", "answer": "Đã xử lý"})
    old.refresh_from_db()
    assert (old.state, old.handler, old.answer) == ("answered", handler, "Đã xử lý")
    assert client.post(url, {"target": "refused", "note": "x"}).status_code == 200  # not allowed
    old.refresh_from_db()
    assert old.state == "answered"
