"""``motcua index reconcile``: official DVCQG figures stored as given and re-scored."""

import copy
import datetime as dt
import json

import pytest
from django.core.management import call_command

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import SyncState
from motcua.indicators.facts import rebuild
from motcua.indicators.models import OfficialEvaluation, OfficialFigure
from motcua.indicators.period import Period
from motcua.indicators.reconcile import (
    active_formula_set,
    build_response,
    build_tree_response,
)
from motcua.indicators.registry import FORMULA_SETS
from motcua.indicators.report import units_in_scope
from motcua.procedures.models import ProcedureFee
from tests.factories import AgencyFactory, DossierFactory, ProcedureFactory, UnitFactory

QD766 = FORMULA_SETS["qd766-2025"]
AUGUST = Period(dt.date(2024, 8, 1), dt.date(2024, 8, 31))


@pytest.fixture
def province():
    root = UnitFactory()
    agencies = [AgencyFactory(parent=root) for _ in range(2)]
    priced = ProcedureFactory(applies_district=False, applies_commune=False)
    ProcedureFee.objects.create(procedure=priced, name="Lệ phí", amount=20_000)
    DossierFactory(returned=True, online=True, paid_online=True, unit=agencies[0], procedure=priced)
    DossierFactory(finished_late=True, unit=agencies[0], sync_state=SyncState.ACKNOWLEDGED)
    DossierFactory(processing=True, online=True, unit=agencies[1], procedure=priced)
    DossierFactory(received=True, digitized=True, reused=True, unit=agencies[1])
    rebuild()
    return root


def response(province, *, tree: bool = False) -> dict:
    units = units_in_scope(AUGUST, province.pk, None)
    if tree:
        return build_tree_response(QD766, AUGUST, units)
    return build_response(QD766, AUGUST, units)


def reconcile(tmp_path, capsys, payload, *args: str) -> tuple[list[dict], str, int]:
    path = tmp_path / "evaluation.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), "utf-8")
    code = 0
    try:
        call_command("index_reconcile", str(path), "--format", "json", "--set", "qd766-2025", *args)
    except SystemExit as exit_info:
        code = int(exit_info.code or 0)
    out, err = capsys.readouterr()
    return (json.loads(out) if out.strip() else []), err, code


@pytest.mark.django_db
def test_the_engines_own_figures_round_trip_with_zero_difference(tmp_path, capsys, province):
    rows, err, code = reconcile(tmp_path, capsys, response(province))
    assert code == 0
    assert {r["unit_code"] for r in rows} == {u.code for u in [province, *province_children()]}
    comparable = [r for r in rows if r["computed_score"] is not None]
    assert {r["indicator"] for r in comparable} >= {
        "PROGRESS_ON_TIME",
        "ONLINE_DOSSIER_SHARE",  # a product of rates: re-scored from its ratio
        "ONLINE_PAYMENT_FORMALITY",
        "group:1",
        "group:3b",
        "total",
    }
    assert all(r["difference"] == 0 for r in comparable)
    assert "group:5" in {r["indicator"] for r in comparable}
    assert set(rows[0]) >= {"unit_code", "indicator", "official_score", "computed_score"}
    assert "stored as evaluation" in err


def province_children():
    from motcua.units.models import Unit

    return list(Unit.objects.filter(level="agency"))


@pytest.mark.django_db
def test_the_tree_shape_round_trips_group_2(tmp_path, capsys, province):
    rows, _, code = reconcile(tmp_path, capsys, response(province, tree=True))
    assert code == 0
    assert {r["indicator"] for r in rows} == {"group:2"}
    assert len(rows) == 3
    assert all(r["difference"] == 0 for r in rows)


@pytest.mark.django_db
def test_importing_the_same_file_twice_stores_it_once(tmp_path, capsys, province):
    payload = response(province)
    reconcile(tmp_path, capsys, payload)
    figures = OfficialFigure.objects.count()
    _, err, _ = reconcile(tmp_path, capsys, payload)
    assert "already stored" in err
    assert OfficialEvaluation.objects.count() == 1
    assert OfficialFigure.objects.count() == figures > 0
    assert AuditEvent.objects.filter(action="indicators.official_import").count() == 1


@pytest.mark.django_db
def test_official_figures_are_stored_as_given_and_null_stays_null(tmp_path, capsys, province):
    unit = province.code
    payload = {
        "data": {
            "overview": {
                "unitCode": unit,
                "metrics": [
                    {
                        "code": "PROGRESS_ON_TIME",
                        "numerator": None,
                        "denominator": 4,
                        "score": None,
                    },
                    {"code": "DOSSIER_SYNC", "numerator": "3", "denominator": "4", "score": 4.5},
                ],
            },
            "evaluation": [],
        }
    }
    rows, _, code = reconcile(tmp_path, capsys, payload)
    assert code == 0
    stored = {f.indicator: f for f in OfficialFigure.objects.all()}
    on_time = stored["PROGRESS_ON_TIME"]
    assert (on_time.numerator, on_time.denominator, on_time.score) == (None, 4, None)
    assert on_time.unit_id == province.pk
    assert stored["DOSSIER_SYNC"].numerator == 3
    assert OfficialEvaluation.objects.get().raw == payload
    by_code = {r["indicator"]: r for r in rows}
    assert by_code["PROGRESS_ON_TIME"]["computed_score"] is None
    assert by_code["PROGRESS_ON_TIME"]["note"] == "no raw counts or ratio"
    assert by_code["DOSSIER_SYNC"]["computed_score"] == pytest.approx(4.5)


@pytest.mark.django_db
def test_a_mismatch_exits_1_and_names_the_formula(tmp_path, capsys, province):
    payload = copy.deepcopy(response(province))
    metrics = payload["data"]["overview"]["metrics"]
    progress = next(m for m in metrics if m["code"] == "PROGRESS_ON_TIME")
    progress["score"] += 0.5
    rows, err, code = reconcile(tmp_path, capsys, payload)
    assert code == 1
    assert "PROGRESS_ON_TIME (1 unit)" in err
    assert "min(20, 20 × rate)" not in err and "20 × rate" in err
    wrong = [r for r in rows if r["difference"] not in (None, 0)]
    assert [(r["indicator"], r["difference"]) for r in wrong] == [
        ("PROGRESS_ON_TIME", pytest.approx(-0.5))
    ]
    _, _, code = reconcile(tmp_path, capsys, payload, "--no-fail")
    assert code == 0


@pytest.mark.django_db
def test_differences_within_0_015_are_not_mismatches(tmp_path, capsys, province):
    payload = {
        "data": {
            "overview": {
                "unitCode": province.code,
                "metrics": [
                    # min(2, 2.5 × 1/3) = 0.8333…: DVCQG prints 0.82
                    {
                        "code": "ONLINE_PAYMENT_FORMALITY",
                        "numerator": 1,
                        "denominator": 3,
                        "score": 0.82,
                    },
                ],
            }
        }
    }
    rows, _, code = reconcile(tmp_path, capsys, payload)
    assert code == 0
    assert rows[0]["difference"] == pytest.approx(0.01333, abs=1e-4)


@pytest.mark.django_db
def test_figures_without_a_formula_are_not_comparable(tmp_path, capsys, province):
    payload = {
        "data": {
            "overview": {
                "unitCode": province.code,
                "metrics": [
                    {"code": "CITIZEN_HOTLINE_ANSWERED", "numerator": 2, "denominator": 2},
                    {
                        "code": "PETITION_PROCESSING_ON_TIME",
                        "numerator": 1,
                        "denominator": 2,
                        "score": 3,
                    },
                    {"code": "ONLINE_DOSSIER_SHARE", "numerator": 5, "denominator": 10, "score": 3},
                    {"code": "REUSED_DIGITIZED_DATA", "ratio": 40, "score": 1},  # percent
                ],
            }
        }
    }
    rows, _, code = reconcile(tmp_path, capsys, payload)
    assert code == 0
    by_code = {r["indicator"]: r for r in rows}
    assert by_code["CITIZEN_HOTLINE_ANSWERED"]["computed_score"] is None
    assert "no formula" in by_code["CITIZEN_HOTLINE_ANSWERED"]["note"]
    assert by_code["PETITION_PROCESSING_ON_TIME"]["computed_score"] == pytest.approx(3.0)
    assert by_code["ONLINE_DOSSIER_SHARE"]["computed_score"] is None  # needs the sync factor
    assert by_code["REUSED_DIGITIZED_DATA"]["computed_score"] == pytest.approx(1.0)


def test_the_active_formula_set_is_the_scored_one_in_force() -> None:
    assert active_formula_set(dt.date(2026, 1, 1)).id == "qd766-2025"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "args", "message"),
    [
        ("{not json", [], "invalid JSON at line 1"),
        ({"data": {"items": []}}, [], "neither parent/children nor overview/evaluation"),
        ([1, 2], [], "no 'data' object"),
        ({"data": {"parent": {"departmentCode": "Z99.01", "totalOnTime": 1}}}, [], "Z99.01"),
        (
            {"data": {"fromDate": "2024-08-31", "toDate": "2024-08-01", "parent": {}}},
            [],
            "before data.fromDate",
        ),
        ({"data": {"fromDate": "2024-08-01", "parent": {}}}, [], "data.toDate is missing"),
        ({"data": {"overview": {"metrics": [{"code": "X", "score": "lots"}]}}}, [], "'lots'"),
        ({"data": {"overview": {"metrics": []}}}, [], "no figures"),
        ({"data": {"overview": {"metrics": [{"code": "X"}]}}}, ["--set", "qd1"], "qd1"),
        ({"data": {"overview": {"metrics": [{"code": "X"}]}}}, ["--set", "plan"], "no scores"),
    ],
)
def test_bad_files_are_a_one_line_error_with_exit_status_2_and_store_nothing(
    tmp_path, capsys, province, payload, args, message
):
    _, err, code = reconcile(tmp_path, capsys, payload, *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert OfficialEvaluation.objects.count() == 0
    assert OfficialFigure.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_file_is_a_one_line_error(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        call_command("index_reconcile", str(tmp_path / "nope.json"))
    assert exit_info.value.code == 2
    assert "cannot read" in capsys.readouterr().err
