"""Periods as people say them, and the period before each."""

import datetime as dt

import pytest

from motcua.indicators.period import Period
from motcua.web.periods import CampaignRef, PeriodError, choose, options, previous_of

D = dt.date
THURSDAY = D(2024, 7, 11)


def test_this_week_runs_monday_to_sunday_and_its_previous_is_the_week_before() -> None:
    chosen = choose({}, THURSDAY)
    assert chosen.key == "week"
    assert chosen.period == Period(D(2024, 7, 8), D(2024, 7, 14))
    assert chosen.previous == Period(D(2024, 7, 1), D(2024, 7, 7))


def test_last_week_is_the_week_before_the_reference_day() -> None:
    assert choose({"period": "last_week"}, THURSDAY).period == Period(D(2024, 7, 1), D(2024, 7, 7))


def test_this_month_quarter_and_year_and_their_previous() -> None:
    month = choose({"period": "month"}, D(2024, 3, 15))
    assert month.period == Period(D(2024, 3, 1), D(2024, 3, 31))
    assert month.previous == Period(D(2024, 2, 1), D(2024, 2, 29))  # a leap year
    quarter = choose({"period": "quarter"}, D(2024, 1, 2))
    assert quarter.period == Period(D(2024, 1, 1), D(2024, 3, 31))
    assert quarter.previous == Period(D(2023, 10, 1), D(2023, 12, 31))  # across a year
    year = choose({"period": "year"}, THURSDAY)
    assert year.previous == Period(D(2023, 1, 1), D(2023, 12, 31))


def test_a_week_across_new_year_keeps_its_days() -> None:
    chosen = choose({"period": "week"}, D(2025, 1, 1))
    assert chosen.period == Period(D(2024, 12, 30), D(2025, 1, 5))
    assert choose({"period": "2025-W01"}, THURSDAY).period == chosen.period


def test_a_custom_range_in_either_date_format_and_the_same_length_before() -> None:
    chosen = choose({"from": "2024-07-10", "to": "16/07/2024"}, THURSDAY)
    assert chosen.key == "custom"
    assert chosen.period == Period(D(2024, 7, 10), D(2024, 7, 16))
    assert chosen.previous == Period(D(2024, 7, 3), D(2024, 7, 9))
    assert chosen.query() == {"from": "2024-07-10", "to": "2024-07-16"}


def test_a_chosen_period_wins_over_leftover_dates() -> None:
    chosen = choose({"period": "month", "from": "2024-07-10", "to": "2024-07-16"}, THURSDAY)
    assert chosen.key == "month"


def test_a_campaign_period_and_its_previous_of_the_same_length() -> None:
    ref = CampaignRef(3, "Chiến dịch 60 ngày", D(2024, 9, 1), D(2024, 10, 31))
    chosen = choose({"period": "campaign:3"}, THURSDAY, {3: ref})
    assert chosen.period == Period(D(2024, 9, 1), D(2024, 10, 31))
    assert chosen.campaign == ref
    assert chosen.previous == Period(D(2024, 7, 2), D(2024, 8, 31))
    labels = [label for value, label, selected in options(chosen, {3: ref}) if selected]
    assert labels == ["Chiến dịch: Chiến dịch 60 ngày"]


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"period": "fortnight"}, "period"),
        ({"period": "campaign:99"}, "period"),
        ({"period": "campaign:x"}, "period"),
        ({"from": "2024-07-10"}, "from/to"),
        ({"from": "2024-07-10", "to": "10/13/2024"}, "to"),
        ({"from": "2024-07-10", "to": "2024-07-01"}, "from/to"),
        ({"from": "2020-01-01", "to": "2024-07-01"}, "from/to"),
        ({"period": "custom"}, "from/to"),
    ],
)
def test_unreadable_periods_are_errors_naming_the_parameter(params, names) -> None:
    with pytest.raises(PeriodError, match=f"^{names}:"):
        choose(params, THURSDAY, {})


def test_previous_of_recognises_calendar_periods() -> None:
    assert previous_of(Period.parse("2024-03")) == Period.parse("2024-02")
    assert previous_of(Period.parse("2024-W01")) == Period.parse("2023-W52")
    assert previous_of(Period(D(2024, 1, 1), D(2024, 1, 1))) == Period(
        D(2023, 12, 31), D(2023, 12, 31)
    )
