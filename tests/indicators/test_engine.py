import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers.models import Dossier, Payment
from motcua.indicators.engine import compute, explain, group_scores
from motcua.indicators.facts import bucket_of, rebuild, refresh_buckets
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS, Scoring, formula_set
from tests.indicators.conftest import aggregate_totals, at, make_dossier, make_unit

PLAN = FORMULA_SETS["plan"]
QD766 = FORMULA_SETS["qd766-2025"]
JULY = Period(dt.date(2024, 7, 1), dt.date(2024, 7, 31))


def figures_of(members: dict[int, set[int]], period: Period = JULY, fs=PLAN) -> dict:
    rebuild()
    return {
        (f.unit_id, f.indicator.code): (f.numerator, f.denominator)
        for f in compute(fs, members, period)
    }


@pytest.mark.django_db
def test_online_rates_count_only_dossiers_received_in_the_period(procedure) -> None:
    unit = make_unit("H67.01")
    make_dossier(unit, procedure, channel=2, received_at=at("2024-07-02"))
    make_dossier(
        unit,
        procedure,
        channel=2,
        received_at=at("2024-07-03"),
        status=10,
        finished_at=at("2024-07-05"),
    )
    make_dossier(unit, procedure, channel=1, received_at=at("2024-07-31", 23))
    make_dossier(unit, procedure, channel=2, received_at=at("2024-08-01", 0))  # after
    result = figures_of({unit.pk: {unit.pk}})
    assert result[(unit.pk, "online_received")] == (2, 3)
    assert result[(unit.pk, "online_resolved")] == (1, 3)


@pytest.mark.django_db
def test_a_dossier_finished_after_the_period_end_is_not_yet_resolved(procedure) -> None:
    unit = make_unit("H67.01")
    make_dossier(
        unit,
        procedure,
        channel=2,
        received_at=at("2024-07-30"),
        status=9,
        finished_at=at("2024-08-02"),
    )
    assert figures_of({unit.pk: {unit.pk}})[(unit.pk, "online_resolved")] == (0, 1)
    july_august = Period(dt.date(2024, 7, 1), dt.date(2024, 8, 31))
    assert figures_of({unit.pk: {unit.pk}}, july_august)[(unit.pk, "online_resolved")] == (1, 1)


@pytest.mark.django_db
def test_a_parent_sums_numerators_and_denominators_instead_of_averaging(procedure) -> None:
    big, small = make_unit("H67.01"), make_unit("H67.02")
    for _ in range(9):
        make_dossier(big, procedure, channel=1, received_at=at("2024-07-10"))
    make_dossier(big, procedure, channel=2, received_at=at("2024-07-10"))
    make_dossier(small, procedure, channel=2, received_at=at("2024-07-10"))
    result = figures_of({0: {big.pk, small.pk}})
    assert result[(0, "online_received")] == (2, 11)  # 18%, not the 55% mean of 10% and 100%


@pytest.mark.django_db
def test_online_payment_share_counts_successful_transactions(procedure) -> None:
    unit = make_unit("H67.01")
    dossier = make_dossier(unit, procedure, received_at=at("2024-07-01"))
    for ref, channel, state in [
        ("A", "online", "success"),
        ("B", "counter", "success"),
        ("C", "online", "failed"),
    ]:
        Payment.objects.create(
            dossier=dossier,
            reference=ref,
            amount=20_000,
            channel=channel,
            state=state,
            at=at("2024-07-02"),
        )
    result = figures_of({unit.pk: {unit.pk}})
    assert result[(unit.pk, "online_payment_transactions")] == (1, 2)


@pytest.mark.django_db
def test_explain_lists_the_dossiers_in_b_and_in_a_minus_b_with_reasons(procedure) -> None:
    unit = make_unit("H67.01")
    online = make_dossier(unit, procedure, channel=2, received_at=at("2024-07-02"))
    counter = make_dossier(unit, procedure, channel=1, received_at=at("2024-07-02"))
    make_dossier(unit, procedure, channel=2, received_at=at("2024-06-02"))  # not in a
    rebuild()
    in_b, not_b, n_b, n_not_b = explain(PLAN.get("online_received"), {unit.pk}, JULY)
    assert [e.code for e in in_b] == [online.code]
    assert [e.code for e in not_b] == [counter.code]
    assert not_b[0].reason == "không: nộp trực tuyến"
    assert (n_b, n_not_b) == (1, 1)


@pytest.mark.django_db
def test_explain_says_how_late_a_dossier_finished(procedure) -> None:
    unit = make_unit("H67.01")
    late = make_dossier(
        unit,
        procedure,
        received_at=at("2024-07-01"),
        status=10,
        due_at=at("2024-07-03"),
        finished_at=at("2024-07-06"),
    )
    rebuild()
    _, not_b, _, _ = explain(QD766.get("PROGRESS_ON_TIME"), {unit.pk}, JULY)
    assert [(e.code, e.reason) for e in not_b] == [
        (late.code, "kết thúc xử lý 3 ngày sau hạn 03/07/2024")
    ]


@pytest.mark.django_db
def test_explain_is_paginated(procedure) -> None:
    unit = make_unit("H67.01")
    for day in range(1, 8):
        make_dossier(unit, procedure, channel=1, received_at=at(f"2024-07-0{day}"))
    rebuild()
    _, page2, _, total = explain(PLAN.get("online_received"), {unit.pk}, JULY, offset=5, limit=5)
    assert total == 7
    assert len(page2) == 2


# --- Decision 766 group 2 rules -----------------------------------------------------------


def on_time_of(unit, period: Period = JULY) -> tuple[int, int]:
    return figures_of({unit.pk: {unit.pk}}, period, QD766)[(unit.pk, "PROGRESS_ON_TIME")]


@pytest.mark.django_db
def test_finishing_on_or_before_the_due_date_is_on_time(procedure) -> None:
    unit = make_unit("H67.01")
    make_dossier(
        unit,
        procedure,
        received_at=at("2024-07-01"),
        status=10,
        due_at=at("2024-07-03", 17),
        finished_at=at("2024-07-03", 17),
    )
    make_dossier(
        unit,
        procedure,
        received_at=at("2024-07-01"),
        status=9,
        due_at=at("2024-07-03", 17),
        finished_at=at("2024-07-03", 18),
    )
    assert on_time_of(unit) == (1, 2)


@pytest.mark.django_db
def test_supplement_time_is_not_counted(procedure) -> None:
    unit = make_unit("H67.01")
    supplement = [{"NgayBoSung": "20240702090000", "NgayTiepNhanBoSung": "20240709090000"}]
    make_dossier(
        unit,
        procedure,
        received_at=at("2024-07-01"),
        status=10,
        due_at=at("2024-07-03", 17),
        finished_at=at("2024-07-09", 17),
        supplements=supplement,
    )
    assert on_time_of(unit) == (1, 1)


@pytest.mark.django_db
def test_more_than_one_supplement_request_is_late(procedure) -> None:
    unit = make_unit("H67.01")
    two = [
        {"NgayBoSung": "20240702090000", "NgayTiepNhanBoSung": "20240702100000"},
        {"NgayBoSung": "20240702110000", "NgayTiepNhanBoSung": "20240702120000"},
    ]
    make_dossier(
        unit,
        procedure,
        received_at=at("2024-07-01"),
        status=10,
        due_at=at("2024-07-30"),
        finished_at=at("2024-07-03"),
        supplements=two,
    )
    assert on_time_of(unit) == (0, 1)


@pytest.mark.django_db
def test_without_a_due_date_the_legal_limit_decides(procedure) -> None:
    unit = make_unit("H67.01")  # procedure limit: 1 working day
    make_dossier(
        unit, procedure, received_at=at("2024-07-01", 9), status=10, finished_at=at("2024-07-02", 8)
    )
    make_dossier(
        unit, procedure, received_at=at("2024-07-01", 9), status=10, finished_at=at("2024-07-04", 9)
    )
    assert on_time_of(unit) == (1, 2)


@pytest.mark.django_db
def test_unfinished_dossiers_are_judged_against_the_period_end(procedure) -> None:
    unit = make_unit("H67.01")
    make_dossier(
        unit, procedure, received_at=at("2024-07-20"), status=4, due_at=at("2024-08-05")
    )  # not yet due on 31/07
    make_dossier(
        unit, procedure, received_at=at("2024-07-20"), status=4, due_at=at("2024-07-25")
    )  # overdue on 31/07
    make_dossier(
        unit,
        procedure,
        received_at=at("2024-07-20"),
        status=9,
        due_at=at("2024-08-05"),
        finished_at=at("2024-08-02"),
    )  # finished after
    assert on_time_of(unit) == (2, 3)


@pytest.mark.django_db
def test_dossiers_carried_over_from_earlier_periods_count_while_in_progress(procedure) -> None:
    unit = make_unit("H67.01")
    make_dossier(
        unit, procedure, received_at=at("2024-06-20"), status=4, due_at=at("2024-08-20")
    )  # carried over, still on time
    make_dossier(
        unit,
        procedure,
        received_at=at("2024-06-20"),
        status=10,
        due_at=at("2024-06-25"),
        finished_at=at("2024-06-24"),
    )  # done before July
    assert on_time_of(unit) == (1, 1)


@pytest.mark.django_db
def test_zero_denominators_give_no_rate_and_the_empty_score(procedure) -> None:
    unit = make_unit("H67.01")
    rebuild()
    figures = compute(QD766, {unit.pk: {unit.pk}}, JULY)
    on_time = next(f for f in figures if f.indicator.code == "PROGRESS_ON_TIME")
    assert on_time.rate is None
    assert on_time.score == 0


def test_threshold_scores_are_capped_at_their_maximum() -> None:
    reuse = Scoring(2, full_at=0.8)
    assert reuse.score(0.4) == pytest.approx(1.0)
    assert reuse.score(0.8) == 2
    assert reuse.score(1.0) == 2
    assert Scoring(6, if_empty=6).score(None) == 6


@pytest.mark.django_db
def test_group_scores_add_their_indicators_and_respect_the_group_maximum(procedure) -> None:
    unit = make_unit("H67.01")
    make_dossier(
        unit,
        procedure,
        received_at=at("2024-07-01"),
        status=10,
        due_at=at("2024-07-03"),
        finished_at=at("2024-07-02"),
    )
    rebuild()
    figures = compute(QD766, {unit.pk: {unit.pk}}, JULY)
    groups = {g.group.code: g.score for g in group_scores(QD766, figures)}
    assert groups["2"] == 20
    # No petitions: 6 + 6; the dossier was received and handled on time: 6.
    assert groups["5"] == pytest.approx(18)
    assert all(
        0 <= score <= g.max for g in QD766.groups for score in [groups[g.code]] if score is not None
    )


def test_unknown_formula_sets_are_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="plan, qd766-2025"):
        formula_set("qd999")


# --- aggregates stay equal to a direct count ----------------------------------------------

dossier_facts = st.fixed_dictionaries(
    {
        "day": st.integers(min_value=25, max_value=40),  # June 25 .. August 9
        "channel": st.sampled_from([1, 2, 3]),
        "status": st.sampled_from([2, 4, 9, 10, 3]),
        "finish_after": st.integers(min_value=0, max_value=10),
        "unit": st.integers(min_value=0, max_value=1),
    }
)
_example = iter(range(10**6))


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(dossier_facts, max_size=25))
def test_engine_agrees_with_a_direct_count_on_random_dossiers(procedure, facts) -> None:
    n = next(_example)
    units = [make_unit(f"H67.{n}.1"), make_unit(f"H67.{n}.2")]
    start = dt.date(2024, 6, 1)
    expected_b = expected_a = 0
    for fact in facts:
        received = at((start + dt.timedelta(days=fact["day"])).isoformat())
        finished = received + dt.timedelta(days=fact["finish_after"])
        is_finished = fact["status"] in (3, 9, 10)
        make_dossier(
            units[fact["unit"]],
            procedure,
            channel=fact["channel"],
            status=fact["status"],
            received_at=received,
            finished_at=finished if is_finished else None,
        )
        if JULY.start_at <= received < JULY.end_at:
            expected_a += 1
            if fact["channel"] == 2 and fact["status"] in (9, 10) and finished < JULY.end_at:
                expected_b += 1
    result = figures_of({0: {u.pk for u in units}})
    assert result[(0, "online_resolved")] == (expected_b, expected_a)
    Dossier.objects.filter(unit__in=units).delete()


edits = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=9),  # which dossier
        st.sampled_from(["channel", "status", "received_at", "unit"]),
        st.integers(min_value=0, max_value=40),
    ),
    max_size=15,
)


@pytest.mark.django_db
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits)
def test_refreshing_changed_buckets_equals_a_full_rebuild(procedure, changes) -> None:
    n = next(_example)
    units = [make_unit(f"H68.{n}.1"), make_unit(f"H68.{n}.2")]
    dossiers = [
        make_dossier(
            units[i % 2],
            procedure,
            channel=1 + i % 3,
            status=4,
            received_at=at("2024-07-01") + dt.timedelta(days=i),
        )
        for i in range(10)
    ]
    rebuild()
    for index, field, value in changes:
        dossier = Dossier.objects.get(pk=dossiers[index].pk)
        before = bucket_of(dossier.unit_id, dossier.received_at)
        if field == "channel":
            dossier.channel = 1 + value % 3
        elif field == "status":
            dossier.status = [2, 4, 9, 10, 3][value % 5]
            dossier.finished_at = dossier.received_at if dossier.status in (3, 9, 10) else None
        elif field == "received_at":
            dossier.received_at = at("2024-06-20") + dt.timedelta(days=value)
        else:
            dossier.unit = units[value % 2]
        dossier.save()
        refresh_buckets([before, bucket_of(dossier.unit_id, dossier.received_at)])
    incremental = aggregate_totals()
    rebuild()
    assert incremental == aggregate_totals()
    Dossier.objects.filter(unit__in=units).delete()
