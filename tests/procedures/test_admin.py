"""The procedure admin: lists with today's level, edits with inline history, audited."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.contrib.auth.models import User
from django.test import Client

from motcua.audit.models import AuditEvent
from motcua.procedures.models import Procedure
from motcua.procedures.services import import_procedures

pytestmark = pytest.mark.django_db
URL = "/admin/procedures/procedure/"
CATALOGUE = (
    "code,name,field,levels,time_limit_days,service_level,has_fee,requires_result,fees\n"
    "1.001234,Chứng thực bản sao từ bản chính,Chứng thực,commune,0.5,toàn trình,1,1,Lệ phí:2000\n"
)


@pytest.fixture
def alice(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("alice", "alice@example.org", "x"))
    import_procedures(BytesIO(CATALOGUE.encode()))
    return client


def test_the_list_shows_todays_level(alice: Client) -> None:
    page = alice.get(URL).content.decode()
    assert "Trực tuyến toàn trình" in page


def test_search_ignores_accents(alice: Client) -> None:
    assert "1.001234" in alice.get(URL, {"q": "chung thuc"}).content.decode()


def test_the_change_page_shows_fees_and_history(alice: Client) -> None:
    procedure = Procedure.objects.get()
    page = alice.get(f"{URL}{procedure.pk}/change/").content.decode()
    assert "Lệ phí" in page
    assert "Lịch sử mức độ DVCTT" in page


def test_field_admin_lists_fields(alice: Client) -> None:
    assert "Chứng thực" in alice.get("/admin/procedures/field/").content.decode()


def test_saving_is_audited(alice: Client) -> None:
    procedure = Procedure.objects.get()
    form = alice.get(f"{URL}{procedure.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "agencies"}
    data.update(
        {
            "name": "Chứng thực bản sao",
            "field": procedure.field_id,
            "applicant_types": "[]",
            "published_components": "[]",
            "fees-TOTAL_FORMS": 0,
            "fees-INITIAL_FORMS": 0,
            "service_levels-TOTAL_FORMS": 0,
            "service_levels-INITIAL_FORMS": 0,
            "payment_deployments-TOTAL_FORMS": 0,
            "payment_deployments-INITIAL_FORMS": 0,
        }
    )
    response = alice.post(f"{URL}{procedure.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEvent.objects.filter(action="procedures.change").exists()
