"""Each dossier indicator of both formula sets on hand-built dossiers (factory traits)."""

import datetime as dt

import pytest

from motcua.dossiers.models import SyncState
from motcua.indicators.engine import group_scores
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS
from motcua.procedures.models import ProcedureFee, ServiceLevel
from tests.factories import (
    BASE,
    AgencyFactory,
    CommuneFactory,
    DistrictFactory,
    DossierFactory,
    ProcedureFactory,
)
from tests.indicators.conftest import figures_for

PLAN = FORMULA_SETS["plan"]
QD766 = FORMULA_SETS["qd766-2025"]
AUGUST = Period(dt.date(2024, 8, 1), dt.date(2024, 8, 31))
JULY = Period(dt.date(2024, 7, 1), dt.date(2024, 7, 31))


@pytest.fixture
def unit():
    return AgencyFactory()


def figure(unit, code, fs=QD766, period=AUGUST):
    return figures_for(fs, {unit.pk: {unit.pk}}, period)[(unit.pk, code)]


def counts(unit, code, fs=QD766, period=AUGUST) -> tuple[int, int]:
    f = figure(unit, code, fs, period)
    return f.numerator, f.denominator


@pytest.mark.django_db
def test_online_share_of_resolved_counts_dossiers_finished_in_the_period(unit) -> None:
    DossierFactory(finished_on_time=True, online=True, unit=unit)
    DossierFactory(returned=True, counter=True, unit=unit)
    DossierFactory(processing=True, online=True, unit=unit)  # not finished
    DossierFactory(
        finished_on_time=True, online=True, unit=unit, submitted_at=BASE - dt.timedelta(days=40)
    )  # finished in June
    assert counts(unit, "online_share_of_resolved", PLAN) == (1, 2)


@pytest.mark.django_db
def test_full_online_share_counts_only_full_online_procedures(unit) -> None:
    partial = ProcedureFactory(service_levels=[(dt.date(2023, 1, 1), ServiceLevel.PARTIAL)])
    DossierFactory(received=True, online=True, unit=unit)  # full online by default
    DossierFactory(received=True, counter=True, unit=unit)
    DossierFactory(received=True, online=True, unit=unit, procedure=partial)
    assert counts(unit, "full_online_share", PLAN) == (1, 2)


@pytest.mark.django_db
def test_online_paid_dossiers_are_finished_dossiers_with_fees(unit) -> None:
    DossierFactory(finished_on_time=True, paid_online=True, unit=unit)
    DossierFactory(
        finished_on_time=True,
        unit=unit,
        fees=[{"TenPhiLePhi": "Lệ phí", "Gia": "30000"}],
    )  # fee, paid at the counter
    DossierFactory(finished_on_time=True, unit=unit, fees=[{"TenPhiLePhi": "Phí", "Gia": "0"}])
    DossierFactory(received=True, paid_online=True, unit=unit)  # not finished
    assert counts(unit, "online_paid_dossiers", PLAN) == (1, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "fs"),
    [("digitized", PLAN), ("SO_HOA_GIAY_TO_GIAI_QUYET", QD766)],
)
def test_digitized_needs_every_component_filed_and_the_result_file(unit, code, fs) -> None:
    DossierFactory(received=True, digitized=True, unit=unit)
    DossierFactory(
        received=True, unit=unit, components=[{"TenTepDinhKem": "a", "DuongDanTaiTepTin": "x"}]
    )  # components filed, no result file although the procedure issues one
    no_result = ProcedureFactory(requires_result=False)
    DossierFactory(
        received=True,
        unit=unit,
        procedure=no_result,
        components=[{"TenTepDinhKem": "a", "DuongDanTaiTepTin": "x"}],
    )
    DossierFactory(received=True, unit=unit)  # component without file
    assert counts(unit, code, fs) == (2, 4)


@pytest.mark.django_db
def test_reused_counts_dossiers_with_a_reused_component(unit) -> None:
    DossierFactory(received=True, reused=True, unit=unit)
    DossierFactory(received=True, unit=unit)
    assert counts(unit, "reused", PLAN) == (1, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(("reused", "score"), [(4, 2.0), (5, 2.0), (2, 1.0), (0, 0.0)])
def test_reused_digitized_data_earns_full_marks_at_80_percent(unit, reused, score) -> None:
    for i in range(5):
        DossierFactory(received=True, reused=i < reused, unit=unit)
    f = figure(unit, "REUSED_DIGITIZED_DATA")
    assert (f.numerator, f.denominator) == (reused, 5)
    assert f.score == pytest.approx(score)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "fs", "finished_only"),
    [("e_result", PLAN, True), ("ORIGINAL_RESULT_AVAILABLE", QD766, False)],
)
def test_electronic_results_count_procedures_that_issue_results(
    unit, code, fs, finished_only
) -> None:
    DossierFactory(returned=True, unit=unit)  # result with a file
    DossierFactory(finished_on_time=True, unit=unit)  # finished, no result file
    DossierFactory(returned=True, unit=unit, procedure=ProcedureFactory(requires_result=False))
    DossierFactory(processing=True, unit=unit)  # not finished
    assert counts(unit, code, fs) == ((1, 2) if finished_only else (1, 3))


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "fs"), [("national_sync", PLAN), ("DOSSIER_SYNC", QD766)])
def test_sync_counts_dossiers_acknowledged_by_dvcqg(unit, code, fs) -> None:
    DossierFactory(received=True, unit=unit, sync_state=SyncState.ACKNOWLEDGED)
    DossierFactory(received=True, unit=unit, sync_state=SyncState.PENDING)
    DossierFactory(received=True, unit=unit, sync_state=SyncState.FAILED)
    DossierFactory(received=True, unit=unit)
    f = figure(unit, code, fs)
    assert (f.numerator, f.denominator) == (1, 4)
    assert f.score == (pytest.approx(1.5) if fs is QD766 else 0)


@pytest.mark.django_db
def test_personal_data_store_counts_dossiers_with_a_file_from_it(unit) -> None:
    from_store = [{"TenTepDinhKem": "cccd", "DuongDanTaiTepTin": "x", "DuocLayTuKhoDMQG": "1"}]
    DossierFactory(received=True, unit=unit, components=from_store)
    DossierFactory(received=True, reused=True, unit=unit)
    assert counts(unit, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE") == (1, 2)


@pytest.mark.django_db
def test_citizen_data_counts_citizens_using_vneid_or_the_population_database(unit) -> None:
    vneid, population, neither, business = (ProcedureFactory() for _ in range(4))
    DossierFactory(received=True, online=True, unit=unit, procedure=vneid)  # VNeID
    databases = [{"MaCSDL": "CSDLQGDC", "TenCSDL": "Dân cư"}]
    DossierFactory(received=True, unit=unit, procedure=population, national_databases=databases)
    DossierFactory(received=True, unit=unit, procedure=neither)
    DossierFactory(received=True, online=True, unit=unit, procedure=business, applicant_type=2)
    assert counts(unit, "CITIZEN_DATA_CONNECTED_DOSSIER") == (2, 3)
    assert counts(unit, "CITIZEN_DATA_CONNECTED_FORMALITY") == (2, 3)


@pytest.mark.django_db
def test_e_certified_copy_counts_copies_issued_as_files(unit) -> None:
    copies = ProcedureFactory(name="Chứng thực bản sao từ bản chính giấy tờ, văn bản")
    DossierFactory(returned=True, unit=unit, procedure=copies)
    DossierFactory(received=True, unit=unit, procedure=copies)
    DossierFactory(returned=True, unit=unit)  # another procedure
    assert counts(unit, "e_certified_copy", PLAN) == (1, 2)


@pytest.mark.django_db
def test_electronic_certified_copy_counts_communes_issuing_electronic_copies() -> None:
    district = DistrictFactory()
    communes = [CommuneFactory(parent=district) for _ in range(3)]
    copies = ProcedureFactory(name="Chứng thực bản sao từ bản chính")
    DossierFactory(returned=True, unit=communes[0], procedure=copies)
    DossierFactory(received=True, unit=communes[1], procedure=copies)  # no electronic copy
    DossierFactory(returned=True, unit=communes[2])  # not a certified copy
    members = {
        district.pk: {district.pk, *(c.pk for c in communes)},
        communes[0].pk: {communes[0].pk},
    }
    result = figures_for(QD766, members, AUGUST)
    f = result[(district.pk, "ELECTRONIC_CERTIFIED_COPY")]
    assert (f.numerator, f.denominator) == (1, 3)
    assert f.score == pytest.approx(2 / 3)
    own = result[(communes[0].pk, "ELECTRONIC_CERTIFIED_COPY")]
    assert (own.numerator, own.denominator, own.score) == (1, 1, 2)


@pytest.mark.django_db
def test_a_unit_without_communes_has_no_rate_and_scores_zero(unit) -> None:
    f = figure(unit, "ELECTRONIC_CERTIFIED_COPY")
    assert (f.numerator, f.denominator, f.rate, f.score) == (0, 0, None, 0)


# --- 3.3: online share × sync rate, full marks at 50% --------------------------------------


@pytest.mark.django_db
def test_online_share_needs_an_electronic_result_and_is_multiplied_by_the_sync_rate(
    unit,
) -> None:
    synced = SyncState.ACKNOWLEDGED
    DossierFactory(returned=True, online=True, unit=unit, sync_state=synced)
    DossierFactory(finished_on_time=True, online=True, unit=unit, sync_state=synced)  # no file
    DossierFactory(received=True, counter=True, unit=unit)
    DossierFactory(received=True, counter=True, unit=unit)
    f = figure(unit, "ONLINE_DOSSIER_SHARE")
    assert (f.numerator, f.denominator, f.factors) == (1, 4, ((2, 4),))
    assert f.rate == pytest.approx(0.125)
    assert f.score == pytest.approx(1.5)  # 6 × 0.125 / 0.5


@pytest.mark.django_db
def test_online_share_earns_full_marks_at_50_percent(unit) -> None:
    synced = SyncState.ACKNOWLEDGED
    no_result = ProcedureFactory(requires_result=False)
    for channel in ("online", "online", "counter"):
        DossierFactory(
            received=True, unit=unit, procedure=no_result, sync_state=synced, **{channel: True}
        )
    f = figure(unit, "ONLINE_DOSSIER_SHARE")
    assert f.rate == pytest.approx(2 / 3)
    assert f.score == 6


@pytest.mark.django_db
def test_online_share_with_no_dossiers_scores_zero(unit) -> None:
    f = figure(unit, "ONLINE_DOSSIER_SHARE")
    assert (f.rate, f.score) == (None, 0)


# --- 3b: Score = 6·A + min(2, 2.5·B) + 2.5·C, capped at 10 ----------------------------------


def priced(amount: int = 50_000, **fields):
    procedure = ProcedureFactory(**fields)
    ProcedureFee.objects.create(procedure=procedure, name="Lệ phí", amount=amount)
    return procedure


@pytest.mark.django_db
def test_group_3b_scores_a_b_and_c_exactly(unit) -> None:
    paid, unpaid, idle = priced(), ProcedureFactory(has_fee=True), priced()
    ProcedureFactory()  # no fee: in no denominator
    DossierFactory(received=True, paid_online=True, unit=unit, procedure=paid)
    DossierFactory(
        received=True, unit=unit, procedure=unpaid, fees=[{"TenPhiLePhi": "Phí", "Gia": "10000"}]
    )
    DossierFactory(received=True, unit=unit, procedure=idle)  # no fee data on the dossier
    result = figures_for(QD766, {unit.pk: {unit.pk}}, AUGUST)
    a, b, c = (result[(unit.pk, code)] for code in QD766.groups[3].indicators)
    assert (a.numerator, a.denominator) == (1, 2)
    assert (b.numerator, b.denominator) == (1, 3)
    assert (c.numerator, c.denominator) == (2, 3)
    expected = 6 * 0.5 + min(2, 2.5 / 3) + 2.5 * 2 / 3
    group = {g.group.code: g.score for g in group_scores(QD766, result.values())}["3b"]
    assert group == pytest.approx(expected)


@pytest.mark.django_db
def test_group_3b_is_capped_at_ten(unit) -> None:
    procedure = priced()
    DossierFactory(received=True, paid_online=True, unit=unit, procedure=procedure)
    result = figures_for(QD766, {unit.pk: {unit.pk}}, AUGUST)
    scores = [result[(unit.pk, code)].score for code in QD766.groups[3].indicators]
    assert scores == [6, 2, 2.5]  # 10.5 before the cap
    group = {g.group.code: g.score for g in group_scores(QD766, result.values())}["3b"]
    assert group == 10


@pytest.mark.parametrize(("b", "points"), [(0.4, 1.0), (0.8, 2.0), (1.0, 2.0), (0.0, 0.0)])
def test_b_scores_min_2_and_2_5_b(b, points) -> None:
    scoring = QD766.get("ONLINE_PAYMENT_FORMALITY").scoring
    assert scoring.score(b) == pytest.approx(min(2, 2.5 * b)) == pytest.approx(points)
    assert scoring.describe() == "min(2, 2.5 × rate)"


@pytest.mark.django_db
def test_every_group_is_capped_at_its_maximum(unit) -> None:
    procedure = priced(published_date=dt.date(2024, 1, 1), published_components=["all"])
    for _ in range(3):
        DossierFactory(
            returned=True,
            online=True,
            paid_online=True,
            digitized=True,
            unit=unit,
            procedure=procedure,
            sync_state=SyncState.ACKNOWLEDGED,
        )
    result = figures_for(QD766, {unit.pk: {unit.pk}}, AUGUST)
    groups = {g.group.code: g for g in group_scores(QD766, result.values())}
    for g in groups.values():
        raw = sum(result[(unit.pk, c)].score for c in g.group.indicators)
        assert g.score == pytest.approx(min(g.group.max, raw))
    # No petitions: both petition indicators give their full 6 points.
    assert groups["5"].score == pytest.approx(
        12 + result[(unit.pk, "DOSSIER_RECEIVING_SATISFACTION")].score
    )
    assert not QD766.group_provisional(groups["5"].group)
    assert QD766.total_provisional  # group 3 is


# --- 766 group 2 rules, on factory traits ----------------------------------------------------


def _finished(dossier, when):
    """Finish a factory dossier at ``when`` (a plain update: the aggregates are rebuilt)."""
    from motcua.dossiers.models import Dossier

    Dossier.objects.filter(pk=dossier.pk).update(status=9, finished_at=when)


@pytest.mark.django_db
def test_the_time_spent_on_a_supplement_request_is_not_counted(unit) -> None:
    # Supplement requested a day after receipt and answered two days later (factory trait).
    paused = DossierFactory(supplemented=True, unit=unit)
    _finished(paused, paused.due_at + dt.timedelta(days=1, hours=23))  # late by < 2 days
    too_late = DossierFactory(supplemented=True, unit=unit)
    _finished(too_late, too_late.due_at + dt.timedelta(days=2, hours=1))
    plain = DossierFactory(received=True, unit=unit)
    _finished(plain, plain.due_at + dt.timedelta(days=1))
    assert counts(unit, "PROGRESS_ON_TIME") == (1, 3)


@pytest.mark.django_db
def test_a_second_supplement_request_makes_a_dossier_late(unit) -> None:
    once = DossierFactory(supplemented=True, unit=unit)
    twice = DossierFactory(supplemented=True, unit=unit)
    twice.supplements = twice.supplements * 2
    twice.save()
    for dossier in (once, twice):
        _finished(dossier, dossier.received_at + dt.timedelta(days=4))
    not_yet_due = dt.datetime.fromisoformat("2024-09-30T17:00:00+07:00")
    still_open = DossierFactory(supplemented=True, unit=unit, due_at=not_yet_due)
    still_open.supplements = still_open.supplements * 2
    still_open.save()
    f = figure(unit, "PROGRESS_ON_TIME")
    assert (f.numerator, f.denominator) == (1, 3)
    assert f.score == pytest.approx(20 / 3)


@pytest.mark.django_db
def test_without_a_due_date_the_procedures_legal_limit_applies(unit) -> None:
    # 5 working days from Thursday 01/08/2024 09:00: Thursday 08/08/2024 09:00.
    in_time = DossierFactory(received=True, unit=unit, due_at=None)
    _finished(in_time, dt.datetime.fromisoformat("2024-08-08T08:00:00+07:00"))
    late = DossierFactory(received=True, unit=unit, due_at=None)
    _finished(late, dt.datetime.fromisoformat("2024-08-09T16:00:00+07:00"))
    no_limit = ProcedureFactory(time_limit=0)
    unlimited = DossierFactory(received=True, unit=unit, due_at=None, procedure=no_limit)
    _finished(unlimited, dt.datetime.fromisoformat("2024-08-30T16:00:00+07:00"))
    assert counts(unit, "PROGRESS_ON_TIME") == (2, 3)
