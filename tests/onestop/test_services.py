"""The desk's actions: intake, supplement, refusal, apology rule, finish, refusals logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Channel, Dossier, DossierEvent, Status
from motcua.dossiers.services import create_dossier
from motcua.dossiers.workflow import TransitionNotAllowed
from motcua.onestop import access, services
from motcua.onestop.models import Notification
from motcua.onestop.results import ResultNotIssued
from tests.onestop.conftest import pdf_text

pytestmark = pytest.mark.django_db

APPLICANT = {
    "applicant_name": "Trần Thị Bình",
    "applicant_id": "044190005678",
    "phone": "0987654321",
    "email": "binh@example.vn",
    "address": "Thôn 3, xã Ea T'Ling",
}


def counter(desk, key="k-1", **kwargs):
    return services.receive_at_counter(
        key=key,
        officer=desk.mai,
        unit=desk.commune,
        procedure=desk.procedure,
        channel=kwargs.pop("channel", Channel.COUNTER),
        applicant=APPLICANT,
        components=[{"TenThanhPhanHoSo": "Tờ khai", "DuocSoHoa": "0"}],
        **kwargs,
    )


def processing(desk):
    dossier, _ = counter(desk)
    return services.start_processing(dossier.pk, actor=desk.nam)


def test_counter_intake_receives_the_dossier_and_emails_the_applicant(
    desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier, created = counter(desk)
    assert created and dossier.status == Status.RECEIVED
    assert dossier.code.startswith("000.01.30.H67-") and dossier.due_at > dossier.received_at
    assert dossier.phone_masked == "*******321" and "0987654321" not in dossier.pii
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["binh@example.vn"]
    assert f"Đã tiếp nhận hồ sơ {dossier.code}" in message.subject
    assert "Trần Thị Bình" in message.body and f"/tra-cuu/{dossier.code}/" in message.body
    assert Notification.objects.get().sent_at is not None


def test_a_double_submitted_intake_creates_one_dossier(desk):
    first, created = counter(desk, key="same")
    again, created_again = counter(desk, key="same")
    assert created and not created_again and again.pk == first.pk
    assert Dossier.objects.count() == 1


def test_no_email_is_sent_when_the_intake_rolls_back(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError):
        services.receive_at_counter(
            key="k",
            officer=desk.mai,
            unit=desk.commune,
            procedure=desk.procedure,
            channel=99,  # not a channel
            applicant=APPLICANT,
        )
    assert mail.outbox == [] and Dossier.objects.count() == 0


def test_a_supplement_request_stops_the_clock_prints_form_02_and_tells_the_applicant(
    desk, tmp_path, django_capture_on_commit_callbacks
):
    dossier = processing(desk)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.request_supplement(
            dossier.pk, "Bổ sung bản sao giấy chứng sinh", actor=desk.nam
        )
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.supplement_count == 1
    text = pdf_text(access.form_pdf(dossier, 2, base_url="http://x/", actor=desk.nam), tmp_path)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bổ sung bản sao giấy chứng sinh" in text and dossier.code in text
    assert "Yêu cầu bổ sung hồ sơ" in mail.outbox[-1].subject
    assert "Bổ sung bản sao giấy chứng sinh" in mail.outbox[-1].body


def test_the_supplied_dossier_resumes_with_its_due_date_extended(desk):
    dossier = processing(desk)
    due = dossier.due_at
    services.request_supplement(dossier.pk, "Bổ sung", actor=desk.nam)
    dossier = services.receive_supplement(dossier.pk, actor=desk.mai)
    assert dossier.status == Status.PROCESSING
    assert dossier.due_at >= due and dossier.supplements[-1]["TrangThaiBoSung"] == "1"


def test_a_submitted_dossier_is_refused_with_form_03(
    desk, tmp_path, django_capture_on_commit_callbacks
):
    online = create_dossier(
        procedure=desk.procedure,
        unit=desk.commune,
        channel=Channel.ONLINE,
        actor="portal",
        applicant_name="Lê Văn Cường",
        email="cuong@example.vn",
    )
    with django_capture_on_commit_callbacks(execute=True):
        refused = services.refuse(online.pk, "Thủ tục không thuộc thẩm quyền", actor=desk.mai)
    assert refused.status == Status.REFUSED
    text = pdf_text(access.form_pdf(refused, 3, base_url="http://x/", actor=desk.mai), tmp_path)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Thủ tục không thuộc thẩm quyền" in text and "Lê Văn Cường" in text
    assert "Từ chối tiếp nhận" in mail.outbox[-1].subject


def test_a_late_finish_without_an_apology_is_refused_and_logged(desk):
    dossier, _ = counter(desk, at=timezone.now() - dt.timedelta(days=30))
    services.start_processing(dossier.pk, actor=desk.nam)
    with pytest.raises(services.LateWithoutApology, match="phiếu xin lỗi"):
        services.finish(dossier.pk, actor=desk.nam)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    refusal = AuditEvent.objects.get(action="onestop.refused")
    assert refusal.data["step"] == "finish" and "mẫu 04" in refusal.data["message"]


def test_an_apology_moves_the_date_prints_form_04_and_then_the_dossier_can_finish(
    desk, tmp_path, django_capture_on_commit_callbacks
):
    dossier, _ = counter(desk, at=timezone.now() - dt.timedelta(days=30))
    services.start_processing(dossier.pk, actor=desk.nam)
    new_due = timezone.now() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        apology = services.apologize(dossier.pk, new_due, "Chờ xác minh hộ tịch", actor=desk.nam)
    dossier.refresh_from_db()
    assert dossier.due_at == new_due and apology.number == 1
    text = pdf_text(access.form_pdf(dossier, 4, base_url="http://x/", actor=desk.nam), tmp_path)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Chờ xác minh hộ tịch" in text
    assert f"{timezone.localtime(new_due):%d/%m/%Y}" in text
    assert "Xin lỗi và hẹn lại ngày trả kết quả" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        finished = services.finish(dossier.pk, actor=desk.nam)
    assert finished.status == Status.PROCESSED
    assert finished.has_result_file and finished.results[0]["DuongDanTepTinKetQua"]
    assert "đã có kết quả" in mail.outbox[-1].subject
    assert finished.results[0]["DuongDanTepTinKetQua"] in mail.outbox[-1].body


def test_an_apology_needs_a_later_date(desk):
    dossier = processing(desk)
    with pytest.raises(services.DeskError, match="Ngày hẹn trả mới"):
        services.apologize(dossier.pk, dossier.due_at, "Lý do", actor=desk.nam)


def test_a_transition_the_table_forbids_is_refused_and_logged(desk):
    dossier = processing(desk)
    with pytest.raises(TransitionNotAllowed, match="không thể chuyển"):
        services.return_result(dossier.pk, actor=desk.nam)
    assert AuditEvent.objects.filter(action="onestop.refused", data__step="return").exists()


def test_an_action_on_a_version_the_officer_did_not_see_is_refused(desk):
    dossier = processing(desk)
    seen = dossier.version
    services.request_supplement(dossier.pk, "Bổ sung", actor=desk.nam)
    with pytest.raises(services.StaleAction, match="vừa được người khác cập nhật"):
        services.stop(dossier.pk, "Lý do", actor=desk.nam, expected_version=seen)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT_REQUESTED


def test_assigning_an_officer_appends_an_event(desk, tmp_path):
    dossier = processing(desk)
    services.assign(dossier.pk, desk.nam, actor=desk.mai)
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert event.source == "assign" and event.changes == {"assignee": [None, "nam"]}
    assert AuditEvent.objects.filter(action="dossier.assign").count() == 1
    text = pdf_text(access.form_pdf(dossier, 5, base_url="http://x/", actor=desk.nam), tmp_path)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and "Đang xử lý" in text


def test_an_officer_of_another_unit_cannot_be_assigned(desk):
    dossier = processing(desk)
    with pytest.raises(services.DeskError, match="không phải cán bộ xử lý"):
        services.assign(dossier.pk, desk.lan, actor=desk.mai)


def test_the_register_lists_a_units_dossiers_of_the_period(desk, tmp_path):
    from motcua.onestop import documents

    first = desk.receive()
    second = desk.receive(applicant_name="Phạm Thị Dung")
    data = documents.register(desk.commune, dt.date(2024, 8, 1), dt.date(2024, 8, 31))
    text = pdf_text(data, tmp_path)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "01/08/2024" in text
    assert first.code in text and second.code in text and "Phạm Thị Dung" in text
    empty = pdf_text(
        documents.register(desk.commune, dt.date(2024, 9, 1), dt.date(2024, 9, 2)), tmp_path
    )
    assert first.code not in empty


def test_a_unit_without_a_certificate_cannot_finish_and_is_told_why(desk):
    from motcua.signing.models import SigningCredential

    dossier = processing(desk)
    SigningCredential.objects.all().delete()
    with pytest.raises(ResultNotIssued, match="chứng thư ký số"):
        services.finish(dossier.pk, actor=desk.nam)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    assert AuditEvent.objects.filter(action="onestop.refused", data__step="finish").exists()
