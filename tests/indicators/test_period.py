import datetime as dt

import pytest

from motcua.indicators.period import Period

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", D(2024, 1, 1), D(2024, 12, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2024-12", D(2024, 12, 1), D(2024, 12, 31)),
        ("2024-Q3", D(2024, 7, 1), D(2024, 9, 30)),
        ("2024-Q4", D(2024, 10, 1), D(2024, 12, 31)),
        ("2024-W36", D(2024, 9, 2), D(2024, 9, 8)),
        ("2024-01-01..2024-07-16", D(2024, 1, 1), D(2024, 7, 16)),
    ],
)
def test_periods_are_read_the_way_people_write_them(text: str, start: D, end: D) -> None:
    assert Period.parse(text) == Period(start, end)


def test_period_bounds_are_local_midnights() -> None:
    period = Period(D(2024, 7, 16), D(2024, 7, 16))
    assert period.start_at.isoformat() == "2024-07-16T00:00:00+07:00"
    assert period.end_at.isoformat() == "2024-07-17T00:00:00+07:00"


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Period(D(2024, 2, 1), D(2024, 1, 1))


def test_an_unknown_period_spelling_says_what_is_accepted() -> None:
    with pytest.raises(ValueError, match="2024-Q3"):
        Period.parse("last tuesday")
