"""Following a dossier: only its owner sees it; supplements answered online; the public
status page shows status and dates, never personal data."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.audit.models import AuditEvent
from motcua.dossiers import workflow
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.portal import filing
from motcua.portal.models import Hit
from tests.files.conftest import MINIMAL_PDF
from tests.files.test_uploads import EXE
from tests.portal.test_filing import post_filing


@pytest.fixture
def filed(client, world) -> Dossier:
    client.force_login(world.an)
    post_filing(client, world)
    client.logout()
    return Dossier.objects.get()


def request_supplement(dossier: Dossier) -> None:
    for status in (Status.RECEIVED, Status.PROCESSING):
        workflow.change_status(dossier.pk, status, actor="officer")
    workflow.change_status(
        dossier.pk, Status.SUPPLEMENT_REQUESTED, actor="officer", note="Thiếu bản sao sổ hộ khẩu"
    )


def test_the_owner_sees_the_dossier_and_another_citizen_gets_a_404(client, world, filed) -> None:
    client.force_login(world.an)
    page = client.get(reverse("portal:dossier", args=[filed.code]))
    assert page.status_code == 200
    assert filed.code in client.get(reverse("portal:dossiers")).content.decode()
    client.force_login(world.binh)
    assert client.get(reverse("portal:dossier", args=[filed.code])).status_code == 404
    assert filed.code not in client.get(reverse("portal:dossiers")).content.decode()
    supplement = client.post(reverse("portal:supplement", args=[filed.code]), {})
    assert supplement.status_code == 404


def test_the_citizen_answers_a_supplement_request_online(client, world, filed) -> None:
    request_supplement(filed)
    client.force_login(world.an)
    page = client.get(reverse("portal:dossier", args=[filed.code])).content.decode()
    assert "Thiếu bản sao sổ hộ khẩu" in page
    response = client.post(
        reverse("portal:supplement", args=[filed.code]),
        {"file1": SimpleUploadedFile("ho_khau.pdf", MINIMAL_PDF), "note": "Bổ sung sổ hộ khẩu"},
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.PROCESSING
    assert filed.supplements[-1]["NgayTiepNhanBoSung"]
    assert filed.components[-1]["TenTepDinhKem"] == "ho_khau.pdf"
    kinds = list(filed.events.values_list("kind", flat=True))
    assert kinds[-2:] == [DossierEvent.Kind.SUPPLEMENT, DossierEvent.Kind.STATUS]
    assert AuditEvent.objects.filter(action="portal.supplement", actor=world.an).exists()
    status = AuditEvent.objects.filter(action="dossier.status", actor=world.an).get()
    assert (status.data["old"], status.data["new"]) == (5, 4)


def test_a_disguised_supplement_is_refused_and_the_dossier_keeps_waiting(
    client, world, filed
) -> None:
    request_supplement(filed)
    client.force_login(world.an)
    response = client.post(
        reverse("portal:supplement", args=[filed.code]),
        {"file1": SimpleUploadedFile("ho_khau.pdf", EXE)},
    )
    assert response.status_code == 400
    assert "không được chấp nhận" in response.content.decode()
    filed.refresh_from_db()
    assert filed.status == Status.SUPPLEMENT_REQUESTED


def test_a_supplement_when_none_is_requested_is_refused(client, world, filed) -> None:
    client.force_login(world.an)
    with pytest.raises(workflow.TransitionNotAllowed):
        filing.answer_supplement(
            account=world.an,
            dossier=filed,
            uploads=[(SimpleUploadedFile("x.pdf", MINIMAL_PDF), "BS")],
        )
    filed.refresh_from_db()
    assert filed.version == 1


def test_the_public_status_page_shows_status_and_dates_but_no_personal_data(
    client, world, filed
) -> None:
    workflow.change_status(filed.pk, Status.RECEIVED, actor="officer")
    filed.refresh_from_db()
    page = client.get(reverse("portal:status", args=[filed.code])).content.decode()
    assert filed.code in page
    assert "Được tiếp nhận" in page
    assert f"{filed.due_at.astimezone(workflow._local_zone()):%d/%m/%Y}" in page
    for personal in ("Nguyễn Thị An", "345", "0912345678", "an@example.vn", "Chứng thực 2 bản"):
        assert personal not in page.replace(filed.code, "")


def test_an_unknown_code_gets_a_friendly_404(client, world) -> None:
    response = client.get(reverse("portal:status", args=["000.00.99.H99-240101-0001"]))
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ" in response.content.decode()


def test_the_status_page_is_rate_limited(client, world, filed, settings) -> None:
    settings.PUBLIC_LOOKUP_LIMIT = 3
    url = reverse("portal:status", args=[filed.code])
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert Hit.objects.filter(scope="status").count() == 4


def test_the_lookup_form_leads_to_the_status_page(client, filed) -> None:
    response = client.get(reverse("portal:lookup"), {"code": filed.code.lower()})
    assert response["Location"] == reverse("portal:status", args=[filed.code])


def test_the_citizen_gets_a_printable_confirmation_with_a_qr_code_at_once(
    client, world, filed
) -> None:
    client.force_login(world.an)
    page = client.get(reverse("portal:dossier", args=[filed.code])).content.decode()
    assert reverse("portal:confirmation", args=[filed.code]) in page
    assert "receipt-link" not in page  # form 01 comes with the receipt by the desk
    confirmation = client.get(reverse("portal:confirmation", args=[filed.code])).content.decode()
    assert filed.code in confirmation
    assert 'src="data:image/svg+xml' in confirmation
    assert "/tra-cuu/" + filed.code in confirmation
    client.force_login(world.binh)
    assert client.get(reverse("portal:confirmation", args=[filed.code])).status_code == 404


def test_once_received_the_citizen_downloads_form_01(client, world, filed) -> None:
    workflow.change_status(filed.pk, Status.RECEIVED, actor="officer")
    client.force_login(world.an)
    page = client.get(reverse("portal:dossier", args=[filed.code])).content.decode()
    receipt = reverse("portal:form", kwargs={"code": filed.code, "number": 1})
    assert receipt in page
    response = client.get(receipt)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    client.force_login(world.binh)
    assert client.get(receipt).status_code == 404
    # Forms the dossier does not have yet, and the desk's internal form 05, are 404s too.
    client.force_login(world.an)
    for number in (3, 5):
        url = reverse("portal:form", kwargs={"code": filed.code, "number": number})
        assert client.get(url).status_code == 404


def test_fees_owed_are_shown_with_the_amount(client, world, filed) -> None:
    client.force_login(world.an)
    page = client.get(reverse("portal:dossier", args=[filed.code])).content.decode()
    assert "Số tiền phải nộp: 2.000 đồng" in page
