"""The public petition page in Chromium: send one, read a published answer, like it."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.feedback import workflow
from motcua.feedback.models import Petition, PetitionState, Topic
from tests.factories import AgencyFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_sends_a_petition_and_likes_a_published_answer(
    live_server: Any, page: Any
) -> None:
    unit = AgencyFactory(name="Sở Tư pháp")
    answered = workflow.submit(
        unit=unit,
        topic=Topic.RULES,
        title="Lệ phí chứng thực",
        content="Mức lệ phí là bao nhiêu?",
        sender_name="A",
    )
    workflow.transition(answered.pk, PetitionState.ANSWERED, actor="cb", answer="2.000 đồng/trang")
    workflow.transition(answered.pk, PetitionState.PUBLISHED, actor="cb")

    page.goto(live_server.url + "/phan-anh-kien-nghi/")
    assert "2.000 đồng/trang" in (page.locator("main").text_content() or "")
    page.get_by_role("button", name="Thích (0)", exact=True).click()
    page.get_by_role("button", name="Thích (1)", exact=True).wait_for()

    page.get_by_label("Phản ánh về").select_option("staff")
    page.get_by_label("Cơ quan, đơn vị").select_option(value=str(unit.pk))
    page.get_by_label("Tiêu đề").fill("Cán bộ hẹn lại nhiều lần")
    page.locator("#id_content").fill("Tôi được hẹn lại ba lần.")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill("hoa@example.vn")
    page.get_by_role("button", name="Gửi", exact=True).click()
    page.get_by_role("status").wait_for()
    sent = Petition.objects.get(title="Cán bộ hẹn lại nhiều lần")
    assert sent.code in (page.get_by_role("status").text_content() or "")
    assert (sent.topic, sent.unit_id) == ("staff", unit.pk)
