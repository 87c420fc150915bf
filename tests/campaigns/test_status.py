"""Projection, status and ranking: pure functions, property tests."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from motcua.campaigns.ranking import Entry, competition_ranks, rank_best, rank_improved
from motcua.campaigns.status import AT_RISK_MARGIN, Status, project, required_rate, status

rates = st.floats(min_value=0, max_value=1, allow_nan=False)
days = st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=9, unique=True)


def test_never_projects_from_fewer_than_two_points() -> None:
    assert project([], 60) is None
    assert project([(6.0, 0.4)], 60) is None
    assert project([(6.0, 0.4), (6.0, 0.5)], 60) is None  # one day only


@given(days, st.floats(-0.01, 0.01), rates)
def test_points_on_a_line_project_onto_that_line(xs, slope, intercept) -> None:
    points = [(float(x), intercept + slope * x) for x in xs]
    expected = max(0.0, min(1.0, intercept + slope * 60))
    assert abs(project(points, 60) - expected) < 1e-9


@given(days, st.lists(rates, min_size=9, max_size=9), st.floats(0, 0.5))
def test_raising_the_latest_point_never_lowers_the_projection(xs, ys, bump) -> None:
    xs = sorted(xs)
    points = [(float(x), y) for x, y in zip(xs, ys, strict=False)]
    raised = [*points[:-1], (points[-1][0], points[-1][1] + bump)]
    assert project(raised, 60) >= project(points, 60) - 1e-12


@given(rates, rates, st.one_of(st.none(), rates), st.booleans())
def test_met_exactly_when_the_current_rate_reaches_the_required_one(cur, req, proj, ended):
    result = status(cur, req, proj, ended=ended)
    assert (result == Status.MET) == (cur >= req)
    if ended:
        assert result in (Status.MET, Status.OFF_TRACK)


@given(rates, rates)
def test_without_a_projection_a_unit_below_target_is_at_risk_not_on_track(cur, req) -> None:
    if cur < req:
        assert status(cur, req, None, ended=False) == Status.AT_RISK


def test_status_thresholds() -> None:
    assert status(0.30, 0.40, 0.41, ended=False) == Status.ON_TRACK
    assert status(0.30, 0.40, 0.40 - AT_RISK_MARGIN / 2, ended=False) == Status.AT_RISK
    assert status(0.30, 0.40, 0.40 - 2 * AT_RISK_MARGIN, ended=False) == Status.OFF_TRACK
    assert status(None, 0.40, 0.5, ended=False) == Status.NOT_EVALUABLE


def test_target_kinds() -> None:
    assert required_rate("absolute", 80, None) == 0.8
    assert abs(required_rate("increase", 20, 0.35) - 0.55) < 1e-12
    assert required_rate("increase", 20, 0.95) == 1.0  # capped at 100%
    assert required_rate("increase", 10, None) is None  # no baseline: not evaluable


def e(name: str, b: int, a: int, level: str = "agency", base: Fraction | None = None) -> Entry:
    return Entry(name, name, level, b, a, base)


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    entries = [e("A", 50, 100), e("B", 1, 2), e("C", 30, 100), e("D", 90, 100)]
    ranked = competition_ranks(entries, lambda x: x.rate)
    assert [(r.entry.name, r.rank) for r in ranked] == [("D", 1), ("A", 2), ("B", 2), ("C", 4)]


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 50)), min_size=1, max_size=12))
def test_ranks_are_competition_ranks(pairs) -> None:
    entries = [e(f"U{i:02d}", min(b, a), a) for i, (b, a) in enumerate(pairs)]
    ranked = competition_ranks(entries, lambda x: x.rate)
    for position, r in enumerate(ranked, start=1):
        better = sum(1 for o in ranked if o.value > r.value)
        assert r.rank == better + 1 <= position


def test_small_units_are_listed_apart_and_most_improved_uses_the_baseline() -> None:
    entries = [
        e("Big", 60, 100, base=Fraction(1, 2)),
        e("Better", 80, 100, base=Fraction(79, 100)),
        e("Tiny", 5, 5, base=Fraction(0)),
        e("Commune", 10, 100, level="district"),
    ]
    best = {r.level: r for r in rank_best(entries, 30)}
    assert [x.entry.name for x in best["agency"].ranked] == ["Better", "Big"]
    assert [x.name for x in best["agency"].too_small] == ["Tiny"]
    improved = {r.level: r for r in rank_improved(entries, 30)}
    assert [x.entry.name for x in improved["agency"].ranked] == ["Big", "Better"]
    assert improved["district"].ranked == []  # no baseline: not in "most improved"
