"""Campaign pages: capability and scope, figures equal to the campaigns app's, task progress
reports, report downloads."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.roles import Role
from motcua.accounts.services import grant
from motcua.audit.models import AuditEvent
from motcua.campaigns.evaluation import evaluate
from motcua.campaigns.models import Campaign, Plan, PlanTask, TaskReport
from motcua.campaigns.services import create_campaign, snapshot_due
from motcua.campaigns.spec import parse_campaign
from motcua.units.models import Level
from tests.campaigns.conftest import SPEC
from tests.indicators.conftest import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(province) -> Campaign:
    c = create_campaign(parse_campaign(SPEC, "c.json"), actor="test", schedule=False)
    snapshot_due(dt.date(2024, 9, 14), c.pk)
    plan = Plan.objects.create(number="1/KH-TEST", campaign=c)
    task = PlanTask.objects.create(
        plan=plan,
        number=1,
        content="Rà soát thủ tục trực tuyến",
        lead_text="Đơn vị H67.01",
        deadline_text="30/09/2024",
        deadline_kind=PlanTask.Deadline.DATE,
        due=dt.date(2024, 9, 30),
    )
    task.lead_units.add(province["a1"])
    return c


def person(name: str, role: Role, *units) -> Client:
    user = User.objects.create(username=name)
    grant(user, role, list(units))
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def monitor(province) -> Client:
    return person("giam-sat", Role.PROVINCE_MONITOR, province["a1"], province["a2"], province["d1"])


def test_the_list_shows_campaigns_with_units_in_scope(campaign, monitor, province) -> None:
    assert campaign.name in monitor.get(reverse("campaigns:list")).content.decode()
    stranger = person("xa-khac", Role.UNIT_LEADER, make_unit("H99.01", Level.COMMUNE))
    assert campaign.name not in stranger.get(reverse("campaigns:list")).content.decode()
    assert stranger.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 404
    nobody = person("khong-quyen", Role.ONE_STOP_OFFICER, province["a1"])
    nobody.get(reverse("campaigns:list"))  # officers may read indicators
    no_role = User.objects.create(username="no-role")
    c = Client()
    c.force_login(no_role)
    assert c.get(reverse("campaigns:list")).status_code == 403


def test_progress_figures_equal_the_campaigns_app(campaign, monitor) -> None:
    response = monitor.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert response.status_code == 200
    ev = evaluate(campaign, timezone.localdate())
    [table] = response.context["tables"]
    shown = {(r.unit.id, r.numerator, r.denominator, r.status) for r in table["rows"]}
    expected = {(r.unit.id, *r.current, str(r.status)) for r in ev.rows}
    assert shown == expected and len(shown) == 3
    assert response.context["checkpoints"] == [dt.date(2024, 9, 7), dt.date(2024, 9, 14)]
    row = next(r for r in table["rows"] if r.unit.code == "H67.01")
    assert row.current == pytest.approx(80.0) and row.baseline == pytest.approx(50.0)
    assert row.required == pytest.approx(70.0)  # +20 points over 50%
    text = response.content.decode()
    assert "80,0%" in text  # Vietnamese decimal comma
    assert 'id="downloads"' in text


def test_a_leader_sees_only_its_unit_and_cannot_download(campaign, province) -> None:
    leader = person("lanh-dao", Role.UNIT_LEADER, province["a2"])
    response = leader.get(reverse("campaigns:detail", args=[campaign.pk]))
    [table] = response.context["tables"]
    assert [r.unit.code for r in table["rows"]] == ["H67.02"]
    assert 'id="downloads"' not in response.content.decode()
    url = reverse("campaigns:download", args=[campaign.pk, "campaign", "xlsx"])
    assert leader.get(url).status_code == 404


def test_a_lead_unit_reports_progress_on_its_task(campaign, province) -> None:
    task = PlanTask.objects.get()
    url = reverse("campaigns:task_report", args=[campaign.pk, task.pk])
    leader = person("lanh-dao-1", Role.UNIT_LEADER, province["a1"])
    page = leader.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert url in page
    response = leader.post(url, {"unit": province["a1"].pk, "status": "done", "note": "Xong"})
    assert response.status_code == 302
    report = TaskReport.objects.get()
    assert (report.unit, report.status, report.note) == (province["a1"], "done", "Xong")
    assert AuditEvent.objects.filter(action="plan_task.report", object_id=str(task.pk)).exists()
    other = person("lanh-dao-2", Role.UNIT_LEADER, province["a2"])
    assert other.post(url, {"unit": province["a1"].pk, "status": "done"}).status_code == 404
    assert TaskReport.objects.count() == 1


def test_a_report_for_a_unit_that_does_not_lead_is_refused(campaign, province, monitor) -> None:
    task = PlanTask.objects.get()
    url = reverse("campaigns:task_report", args=[campaign.pk, task.pk])
    monitor.post(url, {"unit": province["a2"].pk, "status": "done"})
    assert TaskReport.objects.count() == 0


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_the_campaign_report_downloads(campaign, monitor, fmt) -> None:
    url = reverse("campaigns:download", args=[campaign.pk, "campaign", fmt])
    response = monitor.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content[:2] == b"PK"
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [str(c) for s in book for row in s.iter_rows(values_only=True) for c in row if c]
        assert any("Đơn vị H67.01" in c for c in cells)


def test_unknown_report_kinds_are_404(campaign, monitor) -> None:
    url = reverse("campaigns:download", args=[campaign.pk, "nope", "xlsx"])
    assert monitor.get(url).status_code == 404


def test_snapshots_need_manage_campaigns(campaign, province, monitor) -> None:
    url = reverse("campaigns:snapshot", args=[campaign.pk])
    leader = person("ld", Role.UNIT_LEADER, province["a1"])
    assert leader.post(url).status_code == 403
    assert monitor.post(url).status_code == 302
    assert campaign.snapshots.count() == 5  # every checkpoint is past now
