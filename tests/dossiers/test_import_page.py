"""The import page: upload, check (nothing written), confirm (all or nothing, once)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.roles import Role
from motcua.accounts.services import grant
from motcua.audit.models import AuditEvent
from motcua.dossiers import uploads
from motcua.dossiers.models import Dossier, ImportUpload
from tests.dossiers.conftest import HUYEN, SO_TU_PHAP, hoso

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor(catalogue: dict[str, Any], settings, tmp_path) -> User:
    """A province monitor whose scope is Sở Tư pháp only."""
    settings.VAR_DIR = tmp_path
    user = User.objects.create(username="minh")
    grant(user, Role.PROVINCE_MONITOR, [catalogue["units"][SO_TU_PHAP]])
    return user


def logged_in(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def json_file(records: list[dict[str, Any]], name: str = "hoso.json") -> SimpleUploadedFile:
    body = json.dumps(records, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, body, content_type="application/json")


def upload(c: Client, file: SimpleUploadedFile):
    return c.post(reverse("dossiers:import"), {"file": file})


def test_checking_a_file_writes_nothing_and_says_what_would_happen(monitor) -> None:
    c = logged_in(monitor)
    records = [hoso(), hoso("000.00.07.H44-240801-0002", MaBienNhanRieng="BN-2")]
    records[1]["ThanhToan"][0]["MaGiaoDich"] = "PAY-2"
    response = upload(c, json_file(records))
    assert response.status_code == 302
    assert Dossier.objects.count() == 0
    staged = ImportUpload.objects.get()
    assert staged.state == ImportUpload.State.CHECKED
    assert (uploads.directory(staged.token) / "hoso.json").is_file()
    page = c.get(response["Location"])
    text = page.content.decode()
    assert 'id="would-create">2<' in text and 'id="confirm-import"' in text
    assert AuditEvent.objects.filter(action="dossier.import_check").count() == 1


def test_confirming_applies_once(monitor) -> None:
    c = logged_in(monitor)
    location = upload(c, json_file([hoso()]))["Location"]
    staged = ImportUpload.objects.get()
    confirm = reverse("dossiers:import_confirm", args=[staged.token])
    assert c.post(confirm).status_code == 302
    assert Dossier.objects.get().applicant_key == "nguyen van an"  # the importer fills it
    staged.refresh_from_db()
    assert staged.state == ImportUpload.State.APPLIED and staged.result["created"] == 1
    assert c.post(confirm).status_code == 302  # twice: nothing more happens
    assert Dossier.objects.get().version == 1
    assert AuditEvent.objects.filter(action="dossier.import").count() == 1
    assert 'id="import-applied"' in c.get(location).content.decode()


def test_a_second_upload_of_the_same_file_reports_it_unchanged(monitor) -> None:
    c = logged_in(monitor)
    upload(c, json_file([hoso()]))
    uploads.confirm(ImportUpload.objects.get().pk, monitor)
    response = c.get(upload(c, json_file([hoso()]))["Location"])
    assert 'id="unchanged">1<' in response.content.decode()


def test_records_of_units_outside_the_scope_are_rejected(monitor) -> None:
    c = logged_in(monitor)
    other = hoso("H44.40-240801-0001", DonViXuLy="UBND huyện Lệ Thủy", MaBienNhanRieng="X")
    other["ThanhToan"][0]["MaGiaoDich"] = "PAY-X"
    response = c.get(upload(c, json_file([hoso(), other]))["Location"])
    text = response.content.decode()
    assert 'id="import-rejected"' in text and "unit outside your scope" in text
    assert "record 2" in text and 'id="confirm-import"' not in text
    staged = ImportUpload.objects.get()
    assert c.post(reverse("dossiers:import_confirm", args=[staged.token])).status_code == 302
    assert Dossier.objects.count() == 0  # all or nothing
    staged.refresh_from_db()
    assert staged.state == ImportUpload.State.CHECKED


def test_bad_records_are_listed_with_line_field_value_and_reason(monitor) -> None:
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["MaHoSo", "MaTTHC", "KenhThucHien", "TrangThaiHoSo", "DonViXuLy"])
    writer.writerow(["000.00.07.H44-240801-0009", "1.001757", "9", "4", "Sở Tư pháp"])
    file = SimpleUploadedFile("hoso.csv", rows.getvalue().encode(), content_type="text/csv")
    c = logged_in(monitor)
    text = c.get(upload(c, file)["Location"]).content.decode()
    assert "line 2" in text and "KenhThucHien" in text and "<td>9</td>" in text
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("hoso.txt", b"{}", "không được hỗ trợ"),
        ("hoso.json", b"", "Tập tin được gửi là rỗng."),
    ],
)
def test_unsupported_files_are_refused_with_a_clear_error(monitor, name, body, message) -> None:
    c = logged_in(monitor)
    response = upload(c, SimpleUploadedFile(name, body))
    assert response.status_code == 400
    assert ImportUpload.objects.count() == 0
    text = response.content.decode()
    assert message in text


def test_a_broken_xlsx_is_reported_not_imported(monitor) -> None:
    c = logged_in(monitor)
    response = c.get(upload(c, SimpleUploadedFile("hoso.xlsx", b"not a zip"))["Location"])
    assert "cannot be read" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_a_file_over_the_limit_is_refused(monitor, monkeypatch) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 10)
    response = upload(logged_in(monitor), json_file([hoso()]))
    assert response.status_code == 400
    assert "lớn hơn" in response.content.decode()
    assert ImportUpload.objects.count() == 0


def test_the_page_needs_the_capability_and_uploads_are_private(monitor, catalogue) -> None:
    leader = User.objects.create(username="lan")
    grant(leader, Role.UNIT_LEADER, [catalogue["units"][SO_TU_PHAP]])
    assert logged_in(leader).get(reverse("dossiers:import")).status_code == 403
    c = logged_in(monitor)
    upload(c, json_file([hoso()]))
    token = ImportUpload.objects.get().token
    other = User.objects.create(username="nam")
    grant(other, Role.PROVINCE_MONITOR, [catalogue["units"][HUYEN]])
    them = logged_in(other)
    assert them.get(reverse("dossiers:import_upload", args=[token])).status_code == 404
    assert them.post(reverse("dossiers:import_confirm", args=[token])).status_code == 404
    assert Dossier.objects.count() == 0


def _age(staged: ImportUpload, hours: float) -> None:
    """Pretend the upload was checked ``hours`` ago (created_at is auto_now_add)."""
    then = timezone.now() - dt.timedelta(hours=hours)
    ImportUpload.objects.filter(pk=staged.pk).update(created_at=then)
    staged.refresh_from_db()


def test_an_unconfirmed_upload_expires_and_its_file_goes(
    monitor, settings, django_capture_on_commit_callbacks
) -> None:
    settings.IMPORT_UPLOAD_HOURS = 24
    c = logged_in(monitor)
    upload(c, json_file([hoso()]))
    upload(c, json_file([hoso("000.00.07.H44-240801-0002", MaBienNhanRieng="BN-2")], "b.json"))
    old, recent = ImportUpload.objects.order_by("pk")
    _age(old, 25)
    _age(recent, 23)
    with django_capture_on_commit_callbacks(execute=True):
        result = uploads.expire()
    assert (result.uploads, result.orphans) == (1, 0)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == ImportUpload.State.EXPIRED and old.preview["created"] == 1
    assert not uploads.directory(old.token).exists()
    assert recent.state == ImportUpload.State.CHECKED
    assert (uploads.directory(recent.token) / "b.json").is_file()
    assert uploads.expire().uploads == 0  # idempotent
    event = AuditEvent.objects.get(action="dossier.import_expired")
    assert event.object_id == str(old.pk)
    page = c.get(reverse("dossiers:import_upload", args=[old.token])).content.decode()
    assert 'id="import-expired"' in page and 'id="confirm-import"' not in page
    # Confirming an expired upload imports nothing.
    c.post(reverse("dossiers:import_confirm", args=[old.token]))
    assert Dossier.objects.count() == 0


def test_a_confirmation_after_the_expiry_expires_instead_of_applying(
    monitor, settings, django_capture_on_commit_callbacks
) -> None:
    settings.IMPORT_UPLOAD_HOURS = 2
    c = logged_in(monitor)
    upload(c, json_file([hoso()]))
    staged = ImportUpload.objects.get()
    _age(staged, 3)  # the background task has not run yet
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("dossiers:import_confirm", args=[staged.token]))
    assert response.status_code == 302
    staged.refresh_from_db()
    assert staged.state == ImportUpload.State.EXPIRED
    assert Dossier.objects.count() == 0
    assert not uploads.directory(staged.token).exists()
    assert not AuditEvent.objects.filter(action="dossier.import").exists()


def test_leftover_folders_without_an_upload_are_removed_once_old(monitor, settings) -> None:
    settings.IMPORT_UPLOAD_HOURS = 1
    stale = uploads.directory("f" * 32)
    fresh = uploads.directory("e" * 32)
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
        (folder / "x.json").write_text("[]")
    two_hours_ago = (timezone.now() - dt.timedelta(hours=2)).timestamp()
    os.utime(stale, (two_hours_ago, two_hours_ago))
    assert uploads.expire().orphans == 1
    assert not stale.exists() and fresh.is_dir()


def test_a_check_that_crashes_leaves_no_file(monitor, monkeypatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(uploads, "import_files", boom)
    with pytest.raises(RuntimeError):
        upload(logged_in(monitor), json_file([hoso()]))
    root = uploads.directory("x").parent
    assert not any(root.iterdir()) and not ImportUpload.objects.exists()


def test_checking_a_file_schedules_its_expiry(
    monitor, settings, django_capture_on_commit_callbacks
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.IMPORT_UPLOAD_HOURS = 24
    with django_capture_on_commit_callbacks(execute=True):
        upload(logged_in(monitor), json_file([hoso()]))
    staged = ImportUpload.objects.get()
    task = DBTaskResult.objects.get(task_path="motcua.dossiers.tasks.expire_import_uploads")
    assert task.run_after == uploads.expires_at(staged) + dt.timedelta(seconds=1)


def test_the_purge_command_reports(monitor, settings) -> None:
    from django.core.management import call_command

    c = logged_in(monitor)
    upload(c, json_file([hoso()]))
    _age(ImportUpload.objects.get(), settings.IMPORT_UPLOAD_HOURS + 1)
    out = io.StringIO()
    call_command("dossiers_purge", stdout=out)
    assert "expired 1 upload(s)" in out.getvalue()
    assert ImportUpload.objects.get().state == ImportUpload.State.EXPIRED
