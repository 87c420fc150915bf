"""Campaigns: creation from a file, bad input, snapshots, status."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core.management import call_command

from motcua.campaigns.evaluation import evaluate
from motcua.campaigns.models import Campaign, ImmutableError, Snapshot, SnapshotFigure
from motcua.campaigns.services import CampaignError, create_campaign, snapshot_due
from motcua.campaigns.spec import SpecError, parse_campaign
from motcua.campaigns.status import Status
from motcua.campaigns.tasks import snapshot_due_checkpoints
from motcua.indicators.facts import rebuild
from tests.campaigns.conftest import SPEC, dossiers

pytestmark = pytest.mark.django_db


def run_failing(capsys, *args) -> str:
    with pytest.raises(SystemExit) as exc:
        call_command(*args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    return err


def test_create_from_a_file_with_weekly_checkpoints(province, spec_file, capsys) -> None:
    call_command("campaigns_create", str(spec_file()))
    campaign = Campaign.objects.get()
    assert [c.due for c in campaign.checkpoints.all()] == [
        dt.date(2024, 9, d) for d in (7, 14, 21, 28, 30)
    ]
    assert campaign.targets.count() == 3
    assert "campaign #" in capsys.readouterr().out


def test_yaml_files_work_too(province, tmp_path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "name: Y\nperiod: {from: 2024-09-01, to: 2024-09-30}\nindicators: [online_received]\n"
        "checkpoints: {every_days: 10}\n"
    )
    call_command("campaigns_create", str(path))
    assert Campaign.objects.get().checkpoints.count() == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": None}, "name"),
        ({"indicators": ["nope"]}, "indicators[0]"),
        ({"checkpoints": ["2024-10-05"]}, "checkpoints[0]"),
        ({"period": {"from": "2024-09-30", "to": "2024-09-01"}}, "period.to"),
        (
            {"targets": [{"indicator": "online_received", "level": "agency", "increase": "x"}]},
            "targets[0].increase",
        ),
        (
            {"targets": [{"indicator": "online_received", "unit": "H99.99", "absolute": 5}]},
            "targets[0].units[0]",
        ),
    ],
)
def test_bad_files_fail_with_one_line_naming_file_and_field(
    province, spec_file, capsys, change, field
) -> None:
    spec = copy.deepcopy(SPEC) | change
    path = spec_file({k: v for k, v in spec.items() if v is not None})
    err = run_failing(capsys, "campaigns_create", str(path))
    assert str(path) in err and field in err
    assert not Campaign.objects.exists()


def test_unreadable_syntax_is_one_line(province, tmp_path, capsys) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: [unclosed\n")
    assert "bad.yaml" in run_failing(capsys, "campaigns_create", str(path))


def test_overlapping_campaigns_on_the_same_indicator_and_unit_are_refused(province) -> None:
    create_campaign(parse_campaign(SPEC, "a"), actor="t", schedule=False)
    with pytest.raises(CampaignError, match="trùng"):
        create_campaign(parse_campaign(SPEC, "b"), actor="t", schedule=False)
    assert Campaign.objects.count() == 1


def test_a_baseline_without_data_is_refused(province) -> None:
    spec = SPEC | {"baseline": {"from": "2023-01-01", "to": "2023-01-31"}}
    with pytest.raises(CampaignError, match="kỳ gốc"):
        create_campaign(parse_campaign(spec, "x"), actor="t", schedule=False)
    assert not Campaign.objects.exists()


def test_increase_targets_need_a_baseline(province) -> None:
    spec = {k: v for k, v in SPEC.items() if k != "baseline"}
    with pytest.raises(SpecError, match=r"targets\[0\]\.increase"):
        parse_campaign(spec, "x")


def test_snapshots_are_frozen_and_shown_next_to_todays_figures(province) -> None:
    campaign = create_campaign(parse_campaign(SPEC, "x"), actor="t", schedule=False)
    results = snapshot_due(dt.date(2024, 9, 7))
    assert [r.created for r in results] == [True]
    assert snapshot_due(dt.date(2024, 9, 7)) == []  # idempotent
    figure = SnapshotFigure.objects.get(unit=province["a2"], kind="current")
    assert (figure.numerator, figure.denominator) == (3, 10)
    # a late correction: more online dossiers filed in week 1 are imported afterwards
    dossiers(province["a2"], province["procedure"], "2024-09-04", 10, 10)
    rebuild()
    ev = evaluate(campaign, dt.date(2024, 9, 8))
    row = next(r for r in ev.rows if r.unit.id == province["a2"].pk)
    assert (row.points[0].numerator, row.points[0].denominator) == (3, 10)  # as reported
    assert row.points[0].corrected == (13, 20)  # today's figure for the same checkpoint
    figure.numerator = 99
    with pytest.raises(ImmutableError):
        figure.save()
    with pytest.raises(ImmutableError):
        Snapshot.objects.get().delete()
    with pytest.raises(ImmutableError):
        SnapshotFigure.objects.filter(pk=figure.pk).update(numerator=99)
    with pytest.raises(ImmutableError):
        SnapshotFigure.objects.all().delete()
    figure.refresh_from_db()
    assert figure.numerator == 3


def test_the_background_task_snapshots_due_checkpoints_once(province) -> None:
    create_campaign(parse_campaign(SPEC, "x"), actor="t", schedule=False)
    assert snapshot_due_checkpoints.call() == 5  # every checkpoint of 2024 is over
    assert snapshot_due_checkpoints.call() == 0
    assert Snapshot.objects.count() == 5


def test_status_uses_the_most_specific_target(province) -> None:
    campaign = create_campaign(parse_campaign(SPEC, "x"), actor="t", schedule=False)
    snapshot_due(dt.date(2024, 9, 30))
    ev = evaluate(campaign, dt.date(2024, 9, 30))
    by_code = {r.unit.code: r for r in ev.rows}
    assert by_code["H67.01"].required == pytest.approx(0.70)  # 50% + 20 points
    assert by_code["H67.01"].status == Status.MET  # 80%
    assert by_code["H67.02"].required == pytest.approx(0.25)  # its own absolute target
    assert by_code["H67.02"].status == Status.MET  # 30%
    assert by_code["H67.30"].required == pytest.approx(0.20)  # 10% + 10 points
    assert by_code["H67.30"].status == Status.MET
    assert {u.code for u in ev.commendation()} == {"H67.01", "H67.02", "H67.30"}


def test_snapshot_command_and_bad_dates(province, capsys) -> None:
    create_campaign(parse_campaign(SPEC, "x"), actor="t", schedule=False)
    call_command("campaigns_snapshot", "--at", "2024-09-15")
    assert "2 snapshots taken" in capsys.readouterr().out
    assert "--at" in run_failing(capsys, "campaigns_snapshot", "--at", "15/09/2024")
    assert "#999" in run_failing(capsys, "campaigns_snapshot", "--campaign", "999")
    call_command("campaigns_list")
    call_command("campaigns_show", str(Campaign.objects.get().pk), "--at", "2024-09-30")
    out = capsys.readouterr().out
    assert "H67.01" in out and "Đạt" in out


def test_standing_yearly_targets(province, tmp_path, capsys) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "targets:\n  - {year: 2024, indicator: online_received, level: agency, absolute: 50}\n"
    )
    call_command("campaigns_targets", str(path))
    call_command("campaigns_list")
    assert "standing 2024" in capsys.readouterr().out
    path.write_text("targets:\n  - {indicator: online_received, level: agency, absolute: 50}\n")
    assert "targets[0].year" in run_failing(capsys, "campaigns_targets", str(path))


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_creating_a_campaign_enqueues_the_snapshot_task_and_the_worker_runs_it(
    province,
) -> None:
    from django_tasks_db.models import DBTaskResult

    create_campaign(parse_campaign(SPEC, "x"), actor="t")  # enqueues on commit
    assert DBTaskResult.objects.count() == 5  # one per checkpoint
    call_command("db_worker", "--batch", "--no-startup-delay", "-v", "0")
    assert Snapshot.objects.count() == 5
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
