"""The desk's pages: intake at the counter, the worklist, actions; role and unit checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Dossier, Status
from motcua.files.models import Attachment, StoreItem

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def intake_url(desk, **params):
    query = "&".join(f"{k}={v}" for k, v in {"thu-tuc": desk.procedure.code, **params}.items())
    return reverse("onestop:intake") + "?" + query


def applicant(**extra):
    data = {
        "action": "receive",
        "key": "form-key-1",
        "channel": "1",
        "applicant_type": "1",
        "applicant_name": "Hoàng Văn Em",
        "applicant_id": "044090009999",
        "phone": "0911222333",
        "email": "em@example.vn",
        "address": "Thôn 2, xã Ea T'Ling",
        "paper": "Tờ khai đăng ký khai sinh\nGiấy chứng sinh",
    }
    data.update(extra)
    return data


def test_the_procedure_search_ignores_accents_and_keeps_to_the_units_level(desk, client):
    from tests.factories import ProcedureFactory

    ProcedureFactory(name="Đăng ký khai sinh có yếu tố nước ngoài", applies_commune=False)
    client.force_login(desk.mai)
    response = client.get(reverse("onestop:intake"), {"q": "dang ky KHAI sinh"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đăng ký khai sinh" in page and "nước ngoài" not in page


def test_the_counter_receives_a_paper_dossier_once_even_if_submitted_twice(desk, client):
    client.force_login(desk.mai)
    first = client.post(intake_url(desk), applicant())
    dossier = Dossier.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse(
        "onestop:dossier", args=[dossier.code]
    )
    again = client.post(intake_url(desk), applicant())
    assert again["Location"] == first["Location"] and Dossier.objects.count() == 1
    assert dossier.status == Status.RECEIVED and dossier.unit == desk.commune
    assert [c["TenThanhPhanHoSo"] for c in dossier.components] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]
    page = client.get(first["Location"]).content.decode()
    assert reverse("onestop:receipt", args=[dossier.code]) in page
    assert "044090009999" not in page and "*********999" in page


def test_a_scan_is_stored_attached_and_kept_for_reuse_by_the_next_dossier(desk, client):
    client.force_login(desk.mai)
    scan = SimpleUploadedFile("cccd.pdf", PDF, content_type="application/pdf")
    data = applicant(paper="", scan_name_0="Căn cước công dân", scan_file_0=scan)
    client.post(intake_url(desk), data)
    first = Dossier.objects.get()
    assert first.has_digitized_component and first.all_components_filed
    assert Attachment.objects.filter(dossier=first).count() == 1
    item = StoreItem.objects.get()
    lookup = client.post(intake_url(desk), applicant(action="lookup", key="form-key-2"))
    assert "Căn cước công dân" in lookup.content.decode()
    assert AuditEvent.objects.filter(action="onestop.store_lookup", data__items=1).exists()
    client.post(intake_url(desk), applicant(key="form-key-2", paper="", reuse=[item.pk]))
    second = Dossier.objects.exclude(pk=first.pk).get()
    assert second.reused and second.from_data_store


def test_a_disguised_upload_is_refused_with_its_name_and_nothing_is_created(desk, client):
    client.force_login(desk.mai)
    exe = SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    data = applicant(paper="", scan_name_0="Tờ khai", scan_file_0=exe)
    response = client.post(intake_url(desk), data)
    assert response.status_code == 200
    assert "to-khai.pdf" in response.content.decode()
    assert Dossier.objects.count() == 0
    assert AuditEvent.objects.filter(action="file.refused").exists()


def test_intake_needs_the_receive_capability(desk, client):
    client.force_login(desk.hoa)
    assert client.get(reverse("onestop:intake")).status_code == 403
    client.force_login(desk.nam)
    assert client.post(intake_url(desk), applicant()).status_code == 403


def test_another_units_officer_gets_a_404_on_the_dossier_and_its_actions(desk, client):
    dossier = desk.receive()
    client.force_login(desk.lan)
    assert client.get(reverse("onestop:dossier", args=[dossier.code])).status_code == 404
    url = reverse("onestop:act", args=[dossier.code, "start"])
    assert client.post(url, {"version": dossier.version}).status_code == 404
    assert dossier.code not in client.get(reverse("onestop:worklist")).content.decode()


def test_the_counter_officer_cannot_process(desk, client):
    dossier = desk.receive()
    client.force_login(desk.mai)
    url = reverse("onestop:act", args=[dossier.code, "start"])
    assert client.post(url, {"version": dossier.version}).status_code == 403


def act(client, dossier, action, **data):
    dossier.refresh_from_db()
    data.setdefault("version", dossier.version)
    response = client.post(reverse("onestop:act", args=[dossier.code, action]), data, follow=True)
    dossier.refresh_from_db()
    return response.content.decode()


def test_the_processing_officer_requests_a_supplement_and_finishes_after_it(desk, client):
    dossier = desk.receive(received_at=timezone.now())
    client.force_login(desk.nam)
    act(client, dossier, "start")
    act(client, dossier, "assign", officer=desk.nam.pk)
    act(client, dossier, "supplement", note="Bổ sung giấy chứng sinh bản chính")
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    page = act(client, dossier, "supplied")
    assert dossier.status == Status.PROCESSING
    assert reverse("onestop:supplement_form", args=[dossier.code]) in page
    assert "Giao xử lý: nam" in page and "Yêu cầu bổ sung giấy tờ → Đang xử lý" in page
    act(client, dossier, "finish")
    assert dossier.status == Status.PROCESSED
    act(client, dossier, "return")
    assert dossier.status == Status.RETURNED


def test_a_stale_or_forbidden_action_shows_a_clear_refusal(desk, client):
    dossier = desk.receive(received_at=timezone.now())
    client.force_login(desk.nam)
    act(client, dossier, "start")
    stale = act(client, dossier, "supplement", note="Bổ sung", version=dossier.version - 1)
    assert "vừa được người khác cập nhật" in stale
    forbidden = act(client, dossier, "return")
    assert "không thể chuyển" in forbidden
    assert AuditEvent.objects.filter(action="onestop.refused").count() == 2


def test_a_late_finish_is_refused_until_an_apology_gives_a_new_date(desk, client):
    dossier = desk.receive(received_at=timezone.now() - dt.timedelta(days=30))
    client.force_login(desk.nam)
    act(client, dossier, "start")
    assert "phiếu xin lỗi" in act(client, dossier, "finish")
    assert dossier.status == Status.PROCESSING
    new_due = timezone.localtime() + dt.timedelta(days=2)
    act(client, dossier, "apology", reason="Chờ xác minh", new_due=f"{new_due:%Y-%m-%dT%H:%M}")
    assert dossier.apologies.count() == 1
    act(client, dossier, "finish")
    assert dossier.status == Status.PROCESSED


def test_the_worklist_is_ordered_by_due_date_and_highlights_overdue(desk, client):
    late = desk.receive(received_at=timezone.now() - dt.timedelta(days=30))
    fresh = desk.receive(received_at=timezone.now())
    client.force_login(desk.nam)
    page = client.get(reverse("onestop:worklist")).content.decode()
    assert page.index(late.code) < page.index(fresh.code)
    row = page[page.rindex("<tr", 0, page.index(late.code)) : page.index(late.code)]
    assert 'class="overdue"' in row


def test_the_register_is_printed_for_a_unit_in_scope_only(desk, client):
    desk.receive()
    client.force_login(desk.nam)
    url = reverse("onestop:register", args=[desk.commune.code])
    response = client.get(url, {"tu": "2024-08-01", "den": "2024-08-31"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    other = reverse("onestop:register", args=[desk.other.code])
    assert client.get(other).status_code == 404


def test_processed_dossiers_wait_for_return_under_their_own_filter(desk, client):
    from motcua.onestop import services

    done = desk.receive(received_at=timezone.now())
    services.start_processing(done.pk, actor=desk.nam)
    services.finish(done.pk, actor=desk.nam)
    open_one = desk.receive(received_at=timezone.now())
    client.force_login(desk.mai)
    default = client.get(reverse("onestop:worklist")).content.decode()
    assert open_one.code in default and done.code not in default
    waiting = client.get(reverse("onestop:worklist"), {"trang-thai": "9"}).content.decode()
    assert done.code in waiting and open_one.code not in waiting


def test_the_intake_link_shows_only_to_those_who_receive(desk, client):
    intake = reverse("onestop:intake")
    client.force_login(desk.nam)
    assert intake not in client.get(reverse("onestop:worklist")).content.decode()
    client.force_login(desk.mai)
    assert intake in client.get(reverse("onestop:worklist")).content.decode()
