import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers.models import Dossier, Payment
from motcua.indicators.engine import compute, explain
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS
from tests.indicators.conftest import at, make_dossier, make_unit

PLAN = FORMULA_SETS["plan"]
JULY = Period(dt.date(2024, 7, 1), dt.date(2024, 7, 31))


def figures_of(unit_ids: dict[int, set[int]], period: Period = JULY) -> dict[str, tuple]:
    return {
        (f.unit_id, f.indicator.code): (f.numerator, f.denominator)
        for f in compute(PLAN, unit_ids, period)
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
    august = Period(dt.date(2024, 7, 1), dt.date(2024, 8, 31))
    assert figures_of({unit.pk: {unit.pk}}, august)[(unit.pk, "online_resolved")] == (1, 1)


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
def test_explain_lists_the_dossiers_in_b_and_in_a_minus_b(procedure) -> None:
    unit = make_unit("H67.01")
    online = make_dossier(unit, procedure, channel=2, received_at=at("2024-07-02"))
    counter = make_dossier(unit, procedure, channel=1, received_at=at("2024-07-02"))
    in_b, in_a_not_b = explain(PLAN.get("online_received"), {unit.pk}, JULY)
    assert list(in_b) == [online]
    assert list(in_a_not_b) == [counter]


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
