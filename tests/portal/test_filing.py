"""Filing online: uploads checked, reuse from the data store, one dossier per form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.roles import capabilities_of
from motcua.audit.models import AuditEvent
from motcua.dossiers import workflow
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.dossiers.services import CODE_PATTERN
from motcua.files import services, store
from motcua.files.models import StoreItem
from motcua.indicators.engine import compute
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS
from motcua.portal import citizens, filing
from motcua.portal.models import OnlineFiling
from motcua.units.codes import to_identifier
from tests.files.conftest import MINIMAL_PDF, image_bytes
from tests.files.test_uploads import EXE


def pdf(name: str = "to_khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def form_data(world, token: str = "tok-1", **extra):
    data = {
        "token": token,
        "unit": world.commune.pk,
        "summary": "Chứng thực 2 bản sao giấy khai sinh",
        "tp_TP1": pdf("don.pdf"),
        "tp_TP2": SimpleUploadedFile("cccd.png", image_bytes("PNG"), content_type="image/png"),
    }
    data.update(extra)
    return data


def post_filing(client, world, **extra):
    return client.post(reverse("portal:file", args=[world.full.code]), form_data(world, **extra))


def test_a_citizen_files_online_and_gets_the_code_at_once(client, world) -> None:
    client.force_login(world.an)
    response = post_filing(client, world)
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dossier", args=[dossier.code])
    assert CODE_PATTERN.match(dossier.code)
    assert dossier.code.startswith(to_identifier(world.commune.code) + "-")
    assert (dossier.channel, dossier.status) == (Channel.ONLINE, Status.SUBMITTED)
    assert dossier.applicant_name == "Nguyễn Thị An"
    assert dossier.applicant_id_masked == "*********345"
    assert dossier.portal_account_id == store.account_tag(world.an.pk)
    assert dossier.fee_total == 2000
    assert [c["MaThanhPhanHoSo"] for c in dossier.components] == ["TP1", "TP2"]
    assert dossier.all_components_filed and dossier.has_digitized_component
    assert not dossier.reused
    assert dossier.vneid_verified is False
    assert AuditEvent.objects.filter(action="portal.file", object_id=str(dossier.pk)).exists()
    assert AuditEvent.objects.filter(action="dossier.create", object_id=str(dossier.pk)).exists()
    # The uploads went into An's data store, for her next dossier.
    assert StoreItem.objects.filter(owner_account=world.an, source_dossier=dossier).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert dossier.code in page
    assert "Đã nộp hồ sơ" in page
    assert reverse("portal:status", args=[dossier.code]) in page


def test_a_double_submitted_form_creates_one_dossier(client, world) -> None:
    client.force_login(world.an)
    first = post_filing(client, world, token="same")
    second = post_filing(client, world, token="same")
    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]
    # The service itself, called again with the token (as a racing request would be).
    again, created = filing.file_online(
        account=world.an, procedure=world.full, unit=world.commune, token="same", pieces=[]
    )
    assert (again, created) == (Dossier.objects.get(), False)


def test_an_exe_renamed_pdf_is_refused_on_its_field_and_nothing_is_filed(client, world) -> None:
    client.force_login(world.an)
    fake = SimpleUploadedFile("don.pdf", EXE, content_type="application/pdf")
    response = post_filing(client, world, tp_TP1=fake)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tệp “don.pdf” không được chấp nhận" in page
    assert "chương trình chạy được" in page
    assert Dossier.objects.count() == 0
    assert OnlineFiling.objects.count() == 0
    assert AuditEvent.objects.filter(action="file.refused", actor=world.an).count() == 1


def test_an_upload_over_the_size_limit_is_refused(client, world, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(world.an)
    response = post_filing(client, world)
    assert response.status_code == 400
    assert "quá lớn" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_a_required_component_must_be_supplied(client, world) -> None:
    client.force_login(world.an)
    data = form_data(world)
    del data["tp_TP2"]
    response = client.post(reverse("portal:file", args=[world.full.code]), data)
    assert response.status_code == 400
    assert "là bắt buộc" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_paper_procedures_cannot_be_filed_online(client, world) -> None:
    client.force_login(world.an)
    assert client.get(reverse("portal:file", args=[world.paper.code])).status_code == 404
    with pytest.raises(filing.FilingError):
        filing.file_online(
            account=world.an, procedure=world.paper, unit=world.district, token="x", pieces=[]
        )


def test_a_unit_that_does_not_handle_the_procedure_is_refused(client, world) -> None:
    client.force_login(world.an)
    response = post_filing(client, world, unit=world.district.pk)
    assert response.status_code == 400
    assert Dossier.objects.count() == 0
    refusal = AuditEvent.objects.get(action="portal.refused")
    assert (refusal.data["step"], refusal.data["reason"]) == ("file", "invalid: unit")


def test_filing_requires_a_citizen_account(client, world, django_user_model) -> None:
    response = client.get(reverse("portal:file", args=[world.full.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:signin"))
    officer = django_user_model.objects.create_user("canbo", is_staff=True)
    client.force_login(officer)
    assert client.get(reverse("portal:file", args=[world.full.code])).status_code == 403


def test_citizens_have_no_staff_capability(world) -> None:
    assert capabilities_of(world.an) == frozenset()
    assert not world.an.is_staff and not world.an.groups.exists()


def _plan_figure(unit, code):
    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    figures = compute(FORMULA_SETS["plan"], {unit.pk: {unit.pk}}, period)
    found = next(f for f in figures if f.indicator.code == code)
    return found.numerator, found.denominator


def test_reusing_a_stored_document_sets_the_flags_and_the_indicators_count_it(
    client, world
) -> None:
    client.force_login(world.an)
    post_filing(client, world, token="first")
    item = StoreItem.objects.filter(owner_account=world.an, code="TP2").get()
    client.post(
        reverse("portal:file", args=[world.full.code]),
        form_data(world, token="second", tp_TP2="", kho_TP2=str(item.pk)),
    )
    first, second = Dossier.objects.order_by("pk")
    assert (first.reused, first.from_data_store) == (False, False)
    assert (second.reused, second.from_data_store, second.all_components_filed) == (
        True,
        True,
        True,
    )
    reused = next(c for c in second.components if c["MaThanhPhanHoSo"] == "TP2")
    assert reused["DuocLayTuKhoDMQG"] == "1"
    assert reused["DuongDanTaiTepTin"] == services.file_link(item.file)
    # Counted once received (the indicators count dossiers received in the period).
    for dossier in (first, second):
        workflow.change_status(dossier.pk, Status.RECEIVED, actor="officer", at=timezone.now())
    assert _plan_figure(world.commune, "reused") == (1, 2)


def test_another_citizens_store_item_cannot_be_reused(world) -> None:
    stored = services.store_bytes(MINIMAL_PDF, "x.pdf", actor="test")
    binh_item = store.store_component(store.owner(account=world.binh), stored, actor="t")
    with pytest.raises(filing.FilingError, match="kho dữ liệu"):
        filing.file_online(
            account=world.an,
            procedure=world.full,
            unit=world.commune,
            token="t",
            pieces=[filing.Supplied("TP1", "Đơn", item=binh_item)],
        )
    assert Dossier.objects.count() == 0


def test_an_unverified_account_does_not_open_the_store_kept_under_its_id_number(world) -> None:
    stored = services.store_bytes(MINIMAL_PDF, "kq.pdf", actor="test")
    store.store_result(store.owner(applicant_id=world_an_id()), stored, actor="counter")
    profile = citizens.profile_of(world.an)
    assert not store.items_for(citizens.store_owner(profile)).exists()
    profile.vneid_verified = True
    assert store.items_for(citizens.store_owner(profile)).count() == 1


def world_an_id() -> str:
    from tests.portal.conftest import AN_ID

    return AN_ID


def test_a_vneid_verified_account_files_dossiers_flagged_verified(client, world) -> None:
    profile = citizens.profile_of(world.an)
    citizens.mark_verified(profile, subject="sub-an")
    client.force_login(world.an)
    post_filing(client, world)
    assert Dossier.objects.get().vneid_verified is True


def test_a_request_too_large_for_the_uploads_is_refused_before_it_is_read(
    client, world, settings
) -> None:
    settings.UPLOAD_MAX_BYTES = 10
    client.force_login(world.an)
    url = reverse("portal:file", args=[world.full.code])
    huge = str(3 * 10 + 1024 * 1024 + 1)
    response = client.post(url, form_data(world), CONTENT_LENGTH=huge)
    assert response.status_code == 413
    assert "quá lớn" in response.content.decode()
    assert Dossier.objects.count() == 0
