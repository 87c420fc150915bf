"""The printable forms: their key content (read back with pdftotext) and who may download."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from motcua.audit.models import AuditEvent
from motcua.onestop import access
from tests.onestop.conftest import pdf_page_size, pdf_text

pytestmark = pytest.mark.django_db


def test_the_receipt_is_an_a5_slip_with_code_dates_components_and_status_link(desk, tmp_path):
    dossier = desk.receive()
    data = access.form_pdf(dossier, 1, base_url="https://motcua.example/", actor=desk.mai)
    text = pdf_text(data, tmp_path)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert dossier.code == "000.01.30.H67-240805-0001" and dossier.code in text
    assert "Nguyễn Văn An" in text and "mai" in text  # applicant; receiving officer
    assert "Thôn 1, xã Ea T'Ling" in text
    assert "Tờ khai đăng ký khai sinh" in text
    assert "09 giờ 00 phút, ngày 05/08/2024" in text  # received
    assert "ngày 12/08/2024" in text  # due: 5 working days later
    assert f"https://motcua.example/tra-cuu/{dossier.code}/" in text.replace(" ", "")
    assert "044090001234" not in text and "0912345678" not in text  # ID never, phone masked
    assert "*******678" in text
    assert "419.5" in pdf_page_size(data, tmp_path) or "A5" in pdf_page_size(data, tmp_path)


def test_reading_the_address_for_the_receipt_is_audited(desk):
    dossier = desk.receive()
    access.form_pdf(dossier, 1, base_url="http://x/", actor=desk.mai)
    event = AuditEvent.objects.get(action="dossier.pii.read")
    assert event.actor == desk.mai and event.data["purpose"] == "form01"


def test_the_counter_officer_downloads_the_receipt(desk, client, tmp_path):
    dossier = desk.receive()
    client.force_login(desk.mai)
    response = client.get(reverse("onestop:receipt", args=[dossier.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert dossier.code in pdf_text(response.content, tmp_path)


@pytest.mark.parametrize(("who", "status"), [("lan", 404), ("hoa", 403), (None, 403)])
def test_others_cannot_download_the_receipt(desk, client, who, status):
    dossier = desk.receive()
    if who:
        client.force_login(getattr(desk, who))
    response = client.get(reverse("onestop:receipt", args=[dossier.code]))
    assert response.status_code == status


def test_the_applicant_gets_forms_01_to_04_of_their_own_dossier_only(desk):
    from django.http import Http404

    from motcua.files.store import account_tag

    citizen = User.objects.create(username="citizen")
    stranger = User.objects.create(username="stranger")
    dossier = desk.receive(portal_account_id=account_tag(citizen.pk))
    data = access.applicant_form(dossier, 1, account=citizen, base_url="http://x/")
    assert data.startswith(b"%PDF-")
    with pytest.raises(Http404):
        access.applicant_form(dossier, 1, account=stranger, base_url="http://x/")
    with pytest.raises(Http404):
        access.applicant_form(dossier, 5, account=citizen, base_url="http://x/")
    with pytest.raises(Http404):  # no supplement request yet
        access.applicant_form(dossier, 2, account=citizen, base_url="http://x/")
