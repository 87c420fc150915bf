import json

import pytest
from django.core.management import call_command

from motcua.units.models import Level, UnitParent
from tests.indicators.conftest import at, make_dossier, make_unit


def show(capsys, *args: str) -> list[dict]:
    call_command("indicators_rebuild")
    capsys.readouterr()
    call_command("indicators_show", *args, "--format", "json")
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def province(procedure):
    root = make_unit("H67", Level.PROVINCE)
    for code, channel in [("H67.01", 2), ("H67.02", 1)]:
        agency = make_unit(code)
        UnitParent.objects.create(unit=agency, parent=root)
        make_dossier(agency, procedure, channel=channel, received_at=at("2024-07-02"))
    return root


@pytest.mark.django_db
def test_show_prints_one_row_per_unit_in_scope_and_indicator(capsys, province) -> None:
    rows = show(capsys, "--from", "2024-07-01", "--to", "2024-07-31", "--unit", "H67")
    online = {r["unit_code"]: r for r in rows if r["indicator"] == "online_received"}
    assert set(online) == {"H67", "H67.01", "H67.02"}
    assert (online["H67"]["numerator"], online["H67"]["denominator"]) == (1, 2)
    assert online["H67"]["rate"] == 0.5
    assert online["H67.02"]["rate"] == 0
    assert set(rows[0]) >= {
        "unit_code",
        "unit_name",
        "level",
        "indicator",
        "numerator",
        "denominator",
        "rate",
        "score",
        "max_score",
        "provisional",
    }


@pytest.mark.django_db
def test_show_filters_by_level(capsys, province) -> None:
    rows = show(capsys, "--from", "2024-07-01", "--to", "2024-07-31", "--level", "agency")
    assert {r["unit_code"] for r in rows} == {"H67.01", "H67.02"}


@pytest.mark.django_db
def test_the_766_set_adds_group_and_total_rows(capsys, province) -> None:
    rows = show(
        capsys, "--from", "2024-07-01", "--to", "2024-07-31", "--unit", "H67", "--set", "qd766-2025"
    )
    h67 = {r["indicator"]: r for r in rows if r["unit_code"] == "H67"}
    assert {"group:2", "total"} <= set(h67)
    assert h67["total"]["max_score"] == sum(
        h67[k]["max_score"] for k in h67 if k.startswith("group:")
    )
    # Group 3's formula is not DVCQG's exactly: it, and so the total, are provisional;
    # 3b's formula is exact; group 5 is scored from petitions and ratings (none here: the
    # two petition indicators give their full 6 points, as the rule says).
    assert h67["group:3"]["provisional"] is True
    assert h67["group:5"]["provisional"] is False
    assert h67["group:5"]["score"] >= 12
    assert h67["group:3b"]["provisional"] is False
    assert h67["total"]["provisional"] is True
    assert h67["total"]["max_score"] == 100


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2024-07-31", "--to", "2024-07-01"], "before it starts"),
        (["--from", "2024-07-01", "--to", "2024-07-31", "--unit", "H99"], "H99"),
        (["--from", "2024-07-01", "--to", "2024-07-31", "--set", "nope"], "unknown formula"),
        (["--from", "yesterday", "--to", "2024-07-31"], "bad date"),
        (["--from", "", "--to", "2024-07-31"], "bad date"),
        (["--from", "2024-07-01", "--to", "2024-07-31", "--indicator", "nope"], "'nope'"),
        (["--from", "2024-07-01", "--to", "2024-07-31", "--indicator", ","], "is empty"),
    ],
)
def test_bad_input_is_a_one_line_error_with_exit_status_2(capsys, province, args, message):
    with pytest.raises(SystemExit) as exit_info:
        call_command("indicators_show", *args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


@pytest.mark.django_db
def test_show_keeps_only_the_indicators_asked_for(capsys, province) -> None:
    rows = show(
        capsys,
        "--from",
        "2024-07-01",
        "--to",
        "2024-07-31",
        "--set",
        "qd766-2025",
        "--indicator",
        "PROGRESS_ON_TIME,group:2",
    )
    assert {r["indicator"] for r in rows} == {"PROGRESS_ON_TIME", "group:2"}


@pytest.mark.django_db
def test_rebuild_reports_what_it_wrote(capsys, province) -> None:
    call_command("indicators_rebuild")
    assert capsys.readouterr().out.startswith("2 aggregate rows")


@pytest.mark.django_db
def test_rebuild_totals_only_restores_the_running_totals(capsys, province) -> None:
    from motcua.indicators.models import MeasureBuilt, RunningTotal

    call_command("indicators_rebuild")
    before = sorted(RunningTotal.objects.values_list("unit_id", "anchor", "measure", "total"))
    RunningTotal.objects.all().delete()
    MeasureBuilt.objects.all().delete()
    call_command("indicators_rebuild", "--totals-only")
    assert "running totals rebuilt" in capsys.readouterr().out
    after = sorted(RunningTotal.objects.values_list("unit_id", "anchor", "measure", "total"))
    assert before and after == before
    assert MeasureBuilt.objects.exists()
