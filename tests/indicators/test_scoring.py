"""Scoring rules as pure functions: bounds, thresholds, and re-scoring official counts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.indicators.engine import Figure
from motcua.indicators.official import OfficialRow
from motcua.indicators.reconcile import indicator_score, rescore
from motcua.indicators.registry import FORMULA_SETS

QD766 = FORMULA_SETS["qd766-2025"]
SCORED = [i for i in QD766.indicators if i.scoring.max > 0]
rates = st.floats(min_value=0, max_value=1, allow_nan=False)


@given(st.sampled_from(SCORED), rates, rates)
def test_scores_stay_within_bounds_and_grow_with_the_rate(indicator, r1, r2) -> None:
    scoring = indicator.scoring
    low, high = sorted((r1, r2))
    assert 0 <= scoring.score(low) <= scoring.score(high) <= scoring.max


@given(st.sampled_from(SCORED), st.floats(min_value=0, max_value=1))
def test_full_marks_from_the_threshold_on(indicator, extra) -> None:
    scoring = indicator.scoring
    rate = scoring.full_at + (1 - scoring.full_at) * extra
    assert scoring.score(rate) == pytest.approx(scoring.max)


counts = st.integers(min_value=0, max_value=10_000)


@given(st.sampled_from(SCORED), counts, counts, counts)
def test_official_counts_rescore_to_the_engines_score(indicator, b, extra, b2) -> None:
    a = b + extra
    # 3.3's factors share their denominator (dossiers received): a sync rate b2 / a.
    factors = ((min(b2, a), a),) if indicator.times else ()
    figure = Figure(1, indicator, b, a, factors)
    row = OfficialRow("x", "H67", 1, indicator.code, b, a, figure.rate, figure.score, None)
    assert indicator_score(indicator, row) == (figure.score, "")


def rows_3b(ratios, group_score=None) -> list[OfficialRow]:
    group = next(g for g in QD766.groups if g.code == "3b")
    rows = [
        OfficialRow("x", "H67", 1, code, None, None, r, None, None)
        for code, r in zip(group.indicators, ratios, strict=True)
    ]
    return [*rows, OfficialRow("x", "H67", 1, "group:3b", None, None, None, group_score, None)]


@pytest.mark.parametrize(
    ("ratios", "expected"),
    [
        ((0.5, 0.2, 1.0), 6 * 0.5 + min(2, 2.5 * 0.2) + 2.5 * 1.0),
        ((1.0, 1.0, 1.0), 10),  # 10.5 before the cap
        ((0.0, 0.0, 0.0), 0),
    ],
)
def test_a_group_is_the_capped_sum_of_its_rescored_indicators(ratios, expected) -> None:
    computed = {c.indicator: c.computed_score for c in rescore(rows_3b(ratios), QD766)}
    assert computed["group:3b"] == pytest.approx(expected)


def test_a_group_whose_indicators_cannot_be_rescored_is_not_comparable() -> None:
    rows = rows_3b((None, 0.2, 1.0), group_score=5.0)
    result = {c.indicator: c for c in rescore(rows, QD766)}
    assert result["group:3b"].computed_score is None
    assert result["group:3b"].note == "the file lacks ONLINE_PAYMENT_DOSSIER"
