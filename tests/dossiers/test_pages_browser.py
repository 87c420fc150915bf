"""In Chromium: a unit leader cannot reach another unit's dossier by URL; an officer unmasks;
the import flow from upload to confirmation; the campaign report download. Screenshots
under var/screenshots/."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from motcua.accounts.roles import Role
from motcua.accounts.services import grant
from motcua.dossiers.models import Dossier
from tests.accounts.cast import build_cast, password_hash
from tests.browser import screenshot as shot
from tests.browser import sign_in
from tests.factories import DossierFactory, ProcedureFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_leader_cannot_reach_another_units_dossier(live_server, page) -> None:
    cast = build_cast()
    procedure = ProcedureFactory(name="Chứng thực bản sao từ bản chính")
    mine = DossierFactory(
        unit=cast.d1, procedure=procedure, received=True, applicant_name="Trần Thị Bưởi"
    )
    theirs = DossierFactory(unit=cast.d2, procedure=procedure, received=True)
    sign_in(page, live_server.url, "bob")
    page.goto(live_server.url + "/ho-so/")
    page.get_by_label("Tìm kiếm", exact=True).fill("chung thuc")
    page.get_by_role("button", name="Tìm", exact=True).click()
    rows = page.locator("#dossiers tbody tr")
    expect(rows).to_have_count(1)  # waits for the search's page, unlike count()
    assert mine.code in rows.first.inner_text()
    shot(page, "dossier-list")
    page.get_by_role("link", name=mine.code).click()
    assert page.locator("#dossier-code").inner_text() == mine.code
    assert "*" in page.locator("#applicant-id").inner_text()
    shot(page, "dossier-detail")
    response = page.goto(live_server.url + f"/ho-so/{theirs.code}/")
    assert response.status == 404
    assert theirs.code not in page.content()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_unmasks_and_it_is_recorded(live_server, page) -> None:
    cast = build_cast()
    officer = User.objects.create(username="olga", password=password_hash())
    grant(officer, Role.ONE_STOP_OFFICER, [cast.d1])
    dossier = DossierFactory(unit=cast.d1, received=True, applicant_id="001099012345")
    sign_in(page, live_server.url, "olga")
    page.goto(live_server.url + f"/ho-so/{dossier.code}/")
    page.get_by_role("button", name="Xem thông tin cá nhân (được ghi nhật ký)").click()
    assert page.locator("#applicant-id").inner_text() == "001099012345"
    expect(page.locator("#unmasked-note")).to_be_visible()
    from motcua.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="dossier.unmask", actor=officer).count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_import_flow_from_upload_to_confirmation(live_server, page, tmp_path, settings) -> None:
    settings.VAR_DIR = tmp_path
    cast = build_cast()
    procedure = ProcedureFactory(code="1.001757", name="Chứng thực bản sao từ bản chính")
    records = [
        {
            "MaHoSo": f"{cast.d1.identifier}-240801-000{n}",
            "MaDonViXuLy": cast.d1.code,
            "MaTTHC": procedure.code,
            "KenhThucHien": "2",
            "TrangThaiHoSo": "4",
            "ChuHoSo": f"Nguyễn Văn {n}",
            "NgayNopHoSo": "20240801080000",
            "NgayTiepNhan": "20240801083000",
        }
        for n in (1, 2)
    ]
    path = tmp_path / "hoso.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    sign_in(page, live_server.url, "alice")
    page.get_by_role("link", name="Nhập hồ sơ").first.click()
    page.get_by_label("Tệp hồ sơ (JSON DVCQG, CSV hoặc XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    assert page.locator("#would-create").inner_text() == "2"
    assert Dossier.objects.count() == 0
    shot(page, "import-check")
    page.get_by_role("button", name="Xác nhận nhập").click()
    assert "tạo mới 2" in page.locator("#import-applied").inner_text()
    assert Dossier.objects.count() == 2
    shot(page, "import-applied")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_campaign_report_download(live_server, page) -> None:
    from motcua.campaigns.services import create_campaign, snapshot_due
    from motcua.campaigns.spec import parse_campaign
    from motcua.indicators.facts import rebuild
    from tests.campaigns.conftest import SPEC, dossiers
    from tests.indicators.conftest import make_unit

    proc = ProcedureFactory()
    units = {code: make_unit(code) for code in ("H67.01", "H67.02")}
    for unit in units.values():
        dossiers(unit, proc, "2024-07-10", 3, 10)
        dossiers(unit, proc, "2024-09-03", 6, 10)
    rebuild()
    spec = {**SPEC, "targets": SPEC["targets"][:1] + SPEC["targets"][2:]}
    campaign = create_campaign(parse_campaign(spec, "c.json"), actor="test", schedule=False)
    snapshot_due(dt.date(2024, 9, 14), campaign.pk)
    monitor = User.objects.create(username="minh", password=password_hash())
    grant(monitor, Role.PROVINCE_MONITOR, list(units.values()))
    sign_in(page, live_server.url, "minh")
    page.get_by_role("link", name="Chiến dịch").first.click()
    page.get_by_role("link", name=campaign.name).click()
    # expect() waits for the detail page; count() would read the list page still showing.
    expect(page.locator("#progress-online_received tbody tr")).to_have_count(2)
    shot(page, "campaign-detail")
    with page.expect_download() as info:
        page.locator("#downloads").get_by_role("link", name="XLSX").first.click()
    download = info.value
    assert download.suggested_filename.startswith(f"campaign-{campaign.pk}-")
    target = Path(download.path())
    assert target.read_bytes()[:2] == b"PK"
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "campaign-detail-phone")
