"""Vietnamese number formats in reports."""

from hypothesis import given
from hypothesis import strategies as st

from motcua.reports.numbers import integer, pct, points


def test_examples_from_the_plans() -> None:
    assert integer(18775) == "18.775"
    assert integer(2614507177) == "2.614.507.177"
    assert integer(77) == "77"
    assert pct(37051 / 114251, 0) == "32%"
    assert pct(0.324, 1) == "32,4%"
    assert pct(0.315, 0) == "32%"  # half up, not to even
    assert pct(None) == "—"
    assert points(0.052) == "+5,2"
    assert points(-0.0001) == "0,0"  # no "-0,0"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integers_round_trip(n: int) -> None:
    assert int(integer(n).replace(".", "")) == n
