"""Catalogue indicators: the procedures each unit applies, as of the period's last day."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.calendar.services import current_calendar
from motcua.indicators.catalogue import is_certified_copy, working_days_before
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS
from motcua.procedures.models import (
    PUBLICATION_COMPONENTS,
    PaymentDeploymentVersion,
    ProcedureFee,
    ServiceLevel,
)
from tests.factories import (
    AgencyFactory,
    CommuneFactory,
    DistrictFactory,
    DossierFactory,
    ProcedureFactory,
    UnitFactory,
)
from tests.indicators.conftest import figures_for

PLAN = FORMULA_SETS["plan"]
QD766 = FORMULA_SETS["qd766-2025"]
AUGUST = Period(dt.date(2024, 8, 1), dt.date(2024, 8, 31))
SEPTEMBER = Period(dt.date(2024, 9, 1), dt.date(2024, 9, 30))
FULL = [(dt.date(2023, 1, 1), ServiceLevel.FULL)]
PARTIAL = [(dt.date(2023, 1, 1), ServiceLevel.PARTIAL)]
PAPER = [(dt.date(2023, 1, 1), ServiceLevel.NONE)]


def agency_procedure(**fields):
    """A procedure applied by provincial agencies only."""
    defaults = {"applies_agency": True, "applies_district": False, "applies_commune": False}
    return ProcedureFactory(**(defaults | fields))


def counts(figures, unit, code) -> tuple[int, int]:
    figure = figures[(unit.pk, code)]
    return figure.numerator, figure.denominator


@pytest.fixture
def tree():
    province = UnitFactory()
    district = DistrictFactory(parent=province)
    return {
        "province": province,
        "a1": AgencyFactory(parent=province),
        "a2": AgencyFactory(parent=province),
        "district": district,
        "commune": CommuneFactory(parent=district),
    }


def members_of(tree) -> dict[int, set[int]]:
    everyone = {u.pk for u in tree.values()}
    return {
        tree["province"].pk: everyone,
        tree["district"].pk: {tree["district"].pk, tree["commune"].pk},
    } | {u.pk: {u.pk} for k, u in tree.items() if k not in ("province", "district")}


@pytest.mark.django_db
def test_a_unit_applies_the_procedures_of_its_level_or_those_listing_it(tree) -> None:
    agency_procedure()  # every agency
    listed = agency_procedure()
    listed.agencies.add(tree["a1"])  # only a1
    ProcedureFactory(applies_agency=False, applies_district=True, applies_commune=False)
    ProcedureFactory(applies_agency=False, applies_district=False, applies_commune=True)
    result = figures_for(QD766, members_of(tree), AUGUST)
    applied = {k: counts(result, u, "ONLINE_SERVICE_OFFERED")[1] for k, u in tree.items()}
    # The province applies nothing itself: its figure sums its members' pairs.
    assert applied == {"a1": 2, "a2": 1, "district": 2, "commune": 1, "province": 5}


@pytest.mark.django_db
def test_units_that_no_longer_exist_at_the_period_end_apply_nothing(tree) -> None:
    ended = CommuneFactory(parent=tree["district"], valid_to=dt.date(2024, 8, 15))
    ProcedureFactory(applies_agency=False, applies_district=False, applies_commune=True)
    members = {tree["district"].pk: {tree["district"].pk, tree["commune"].pk, ended.pk}}
    result = figures_for(QD766, members, AUGUST)
    assert counts(result, tree["district"], "ONLINE_SERVICE_OFFERED") == (1, 1)


@pytest.mark.django_db
def test_full_online_provision_uses_the_service_level_at_the_period_end(tree) -> None:
    agency_procedure(
        service_levels=[
            (dt.date(2023, 1, 1), ServiceLevel.PARTIAL),
            (dt.date(2024, 9, 1), ServiceLevel.FULL),
        ]
    )
    agency_procedure(service_levels=PAPER)  # not eligible: not offered online at all
    agency_procedure(service_levels=FULL)
    a1 = {tree["a1"].pk: {tree["a1"].pk}}
    assert counts(figures_for(PLAN, a1, AUGUST), tree["a1"], "full_online_provision") == (1, 2)
    assert counts(figures_for(PLAN, a1, SEPTEMBER), tree["a1"], "full_online_provision") == (2, 2)


@pytest.mark.django_db
def test_procedures_with_dossiers_counts_online_procedures_with_a_dossier_received(tree) -> None:
    used = agency_procedure(service_levels=FULL)
    agency_procedure(service_levels=PARTIAL)  # applied, offered online, no dossier
    paper = agency_procedure(service_levels=PAPER)  # has dossiers, but not offered online
    elsewhere = agency_procedure(service_levels=FULL)
    elsewhere.agencies.add(tree["a2"])  # a1 does not apply it
    for procedure in (used, used, paper, elsewhere):
        DossierFactory(received=True, unit=tree["a1"], procedure=procedure)
    DossierFactory(unit=tree["a1"], procedure=agency_procedure())  # submitted, not received
    result = figures_for(PLAN, {tree["a1"].pk: {tree["a1"].pk}}, AUGUST)
    assert counts(result, tree["a1"], "procedures_with_dossiers") == (1, 3)


@pytest.mark.django_db
def test_payment_enabled_procedures_follows_the_deployment_history(tree) -> None:
    priced = agency_procedure()
    ProcedureFee.objects.create(procedure=priced, name="Lệ phí", amount=50_000)
    PaymentDeploymentVersion.objects.create(
        procedure=priced, deployed=True, valid_from=dt.date(2024, 9, 1)
    )
    agency_procedure(has_financial_obligation=True)  # obligation, no online payment
    free = agency_procedure()
    ProcedureFee.objects.create(procedure=free, name="Phí", amount=0)  # all fees 0: none
    a1 = {tree["a1"].pk: {tree["a1"].pk}}
    code = "payment_enabled_procedures"
    assert counts(figures_for(PLAN, a1, AUGUST), tree["a1"], code) == (0, 2)
    assert counts(figures_for(PLAN, a1, SEPTEMBER), tree["a1"], code) == (1, 2)


def test_certified_copy_procedures_are_recognised_by_name() -> None:
    assert is_certified_copy("Chứng thực bản sao từ bản chính giấy tờ, văn bản")
    assert is_certified_copy("CHỨNG THỰC BẢN SAO điện tử từ bản chính")
    assert is_certified_copy("Chu\u031bng thu\u031bc ba\u0309n sao")  # decomposed accents
    assert not is_certified_copy("Chứng thực chữ ký")
    assert not is_certified_copy("Đăng ký khai sinh")


# --- 766 group 1: publication -------------------------------------------------------------


@pytest.mark.django_db
def test_the_publication_deadline_is_five_working_days_before_the_legal_basis() -> None:
    calendar = current_calendar()
    # Thursday 15/08/2024: back over the weekend to Thursday 08/08.
    assert working_days_before(calendar, dt.date(2024, 8, 15), 5) == dt.date(2024, 8, 8)
    assert working_days_before(calendar, dt.date(2024, 8, 19), 1) == dt.date(2024, 8, 16)


@pytest.mark.django_db
def test_publish_on_time_compares_the_decision_with_the_legal_basis(tree) -> None:
    effective = dt.date(2024, 8, 15)  # decision due by 08/08/2024
    agency_procedure(legal_basis_effective_date=effective, decision_date=dt.date(2024, 8, 8))
    agency_procedure(legal_basis_effective_date=effective, decision_date=dt.date(2024, 8, 9))
    agency_procedure(legal_basis_effective_date=effective)  # never decided: late
    agency_procedure(  # due in October: not this period's
        legal_basis_effective_date=dt.date(2024, 10, 15), decision_date=dt.date(2024, 8, 1)
    )
    agency_procedure(decision_date=dt.date(2024, 8, 1))  # no legal basis date: no deadline
    result = figures_for(QD766, {tree["a1"].pk: {tree["a1"].pk}}, AUGUST)
    figure = result[(tree["a1"].pk, "PUBLISH_ON_TIME")]
    assert (figure.numerator, figure.denominator) == (1, 3)
    assert figure.score == pytest.approx(2.0)


@pytest.mark.django_db
def test_public_update_must_follow_the_decision_within_five_working_days(tree) -> None:
    decided = dt.date(2024, 8, 1)  # Thursday: public by Thursday 08/08/2024
    agency_procedure(decision_date=decided, published_date=dt.date(2024, 8, 8))
    agency_procedure(decision_date=decided, published_date=dt.date(2024, 8, 9))
    agency_procedure(decision_date=decided)  # due in the period, not public
    agency_procedure(decision_date=dt.date(2024, 7, 1), published_date=dt.date(2024, 7, 3))
    result = figures_for(QD766, {tree["a1"].pk: {tree["a1"].pk}}, AUGUST)
    figure = result[(tree["a1"].pk, "PUBLIC_UPDATE_ON_TIME")]
    assert (figure.numerator, figure.denominator) == (1, 3)
    assert figure.score == pytest.approx(4 / 3)


@pytest.mark.django_db
def test_public_content_full_needs_all_seven_components(tree) -> None:
    all_seven = list(PUBLICATION_COMPONENTS)
    agency_procedure(published_date=dt.date(2024, 1, 5), published_components=all_seven)
    agency_procedure(published_date=dt.date(2024, 1, 5), published_components=all_seven[:6])
    agency_procedure(published_components=all_seven)  # not published
    agency_procedure(published_date=dt.date(2024, 9, 5), published_components=all_seven)
    result = figures_for(QD766, {tree["a1"].pk: {tree["a1"].pk}}, AUGUST)
    assert counts(result, tree["a1"], "PUBLIC_CONTENT_FULL") == (1, 2)


# --- 766 group 3: online services (provisional) -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("online", "paper", "score"),
    [(3, 1, 2 * 0.75 / 0.8), (4, 1, 2.0), (5, 0, 2.0), (1, 3, 2 * 0.25 / 0.8), (0, 0, 0.0)],
)
def test_offering_earns_full_marks_at_80_percent(tree, online, paper, score) -> None:
    for _ in range(online):
        agency_procedure(service_levels=PARTIAL)
    for _ in range(paper):
        agency_procedure(service_levels=PAPER)
    result = figures_for(QD766, {tree["a1"].pk: {tree["a1"].pk}}, AUGUST)
    figure = result[(tree["a1"].pk, "ONLINE_SERVICE_OFFERED")]
    assert (figure.numerator, figure.denominator) == (online, online + paper)
    assert figure.score == pytest.approx(score)
    assert figure.indicator.provisional


@pytest.mark.django_db
def test_services_used_need_an_online_dossier_received_in_the_period(tree) -> None:
    used, counter_only, _ = (agency_procedure(service_levels=FULL) for _ in range(3))
    DossierFactory(received=True, online=True, unit=tree["a1"], procedure=used)
    DossierFactory(received=True, counter=True, unit=tree["a1"], procedure=counter_only)
    result = figures_for(QD766, {tree["a1"].pk: {tree["a1"].pk}}, AUGUST)
    figure = result[(tree["a1"].pk, "ONLINE_SERVICE_USED")]
    assert (figure.numerator, figure.denominator) == (1, 3)
    assert figure.score == pytest.approx(4 / 3)


# --- explaining catalogue figures -----------------------------------------------------------


@pytest.mark.django_db
def test_explain_lists_unit_procedure_pairs_with_reasons(tree) -> None:
    from motcua.indicators.engine import explain

    used = agency_procedure(service_levels=FULL)
    idle = agency_procedure(service_levels=PARTIAL)
    agency_procedure(service_levels=PAPER)  # not in a
    DossierFactory(received=True, unit=tree["a1"], procedure=used)
    figures_for(PLAN, {}, AUGUST)  # rebuild the aggregates
    in_b, not_b, n_b, n_not_b = explain(
        PLAN.get("procedures_with_dossiers"), {tree["a1"].pk}, AUGUST
    )
    assert [(e.kind, e.unit_id, e.code) for e in in_b] == [("procedure", tree["a1"].pk, used.code)]
    assert [(e.code, e.reason) for e in not_b] == [
        (idle.code, "không có hồ sơ: tiếp nhận trong kỳ")
    ]
    assert (n_b, n_not_b) == (1, 1)
    _, not_full, _, _ = explain(PLAN.get("full_online_provision"), {tree["a1"].pk}, AUGUST)
    assert [e.reason for e in not_full] == ["không: thủ tục cung cấp DVCTT toàn trình"]


@pytest.mark.django_db
def test_explain_lists_communes_for_electronic_certified_copies(tree) -> None:
    from motcua.indicators.engine import explain

    members = {tree["district"].pk, tree["commune"].pk}
    in_b, not_b, _, _ = explain(QD766.get("ELECTRONIC_CERTIFIED_COPY"), members, AUGUST)
    assert in_b == []
    assert [(e.kind, e.code) for e in not_b] == [("unit", tree["commune"].code)]
    assert not_b[0].reason.startswith("không có hồ sơ: tiếp nhận trong kỳ")


@pytest.mark.django_db
def test_payment_transactions_cannot_be_listed(tree) -> None:
    from motcua.indicators.engine import explain

    with pytest.raises(ValueError, match="payments"):
        explain(PLAN.get("online_payment_transactions"), {tree["a1"].pk}, AUGUST)


# --- the catalogue source agrees with a direct reading of the catalogue ------------------------

procedure_specs = st.lists(
    st.fixed_dictionaries(
        {
            "levels": st.sets(st.sampled_from(["agency", "district", "commune"])),
            "listed": st.sets(st.integers(min_value=0, max_value=4), max_size=2),
            "level": st.sampled_from(["none", "partial", "full"]),
            "dossier_at": st.sets(st.integers(min_value=0, max_value=4), max_size=2),
        }
    ),
    max_size=8,
)


def direct_applies(unit, procedure) -> bool:
    listed = set(procedure.agencies.values_list("pk", flat=True))
    if unit.pk in listed:
        return True
    if unit.level == "agency":
        return procedure.applies_agency and not listed
    return unit.level in procedure.levels and unit.level in ("district", "commune")


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(procedure_specs)
def test_catalogue_counts_equal_a_direct_reading(tree, specs) -> None:
    from motcua.procedures.models import Procedure

    units = [tree[k] for k in ("province", "a1", "a2", "district", "commune")]
    created = []
    for spec in specs:
        procedure = ProcedureFactory(
            applies_agency="agency" in spec["levels"],
            applies_district="district" in spec["levels"],
            applies_commune="commune" in spec["levels"],
            service_levels=[(dt.date(2023, 1, 1), spec["level"])],
        )
        procedure.agencies.add(*(units[i] for i in spec["listed"]))
        for i in spec["dossier_at"]:
            DossierFactory(received=True, online=True, unit=units[i], procedure=procedure)
        created.append(procedure)
    result = figures_for(QD766, {u.pk: {u.pk} for u in units}, AUGUST)
    for unit in units:
        applied = [p for p in created if direct_applies(unit, p)]
        online = [p for p in applied if p.service_level_on(AUGUST.end) != "none"]
        used = [p for p in online if p.dossier_set.filter(unit=unit).exists()]
        assert counts(result, unit, "ONLINE_SERVICE_OFFERED") == (len(online), len(applied))
        assert counts(result, unit, "ONLINE_SERVICE_USED") == (len(used), len(online))
    for procedure in created:
        procedure.dossier_set.all().delete()
    Procedure.objects.filter(pk__in=[p.pk for p in created]).delete()


@pytest.mark.django_db
def test_a_merged_communes_dossiers_count_for_its_successor(tree) -> None:
    from motcua.units.services import merge

    old = CommuneFactory(parent=tree["district"])
    procedure = ProcedureFactory(applies_agency=False, applies_district=False)
    DossierFactory(received=True, online=True, unit=old, procedure=procedure)  # 01/08/2024
    merge([old], tree["commune"], dt.date(2024, 8, 15))
    members = {
        tree["commune"].pk: {tree["commune"].pk, old.pk},
        tree["district"].pk: {tree["district"].pk, tree["commune"].pk, old.pk},
    }
    result = figures_for(QD766, members, AUGUST)
    assert counts(result, tree["commune"], "ONLINE_SERVICE_USED") == (1, 1)
    assert counts(result, tree["district"], "ONLINE_SERVICE_USED") == (1, 1)
    # Before the merger, the old commune counts on its own.
    early = Period(dt.date(2024, 8, 1), dt.date(2024, 8, 10))
    before = figures_for(QD766, {old.pk: {old.pk}, tree["commune"].pk: {tree["commune"].pk}}, early)
    assert counts(before, old, "ONLINE_SERVICE_USED") == (1, 1)
    assert counts(before, tree["commune"], "ONLINE_SERVICE_USED") == (0, 1)
