"""Properties of the calendar and the office clock, over random dates and moments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar.services import build_calendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = build_calendar({dt.date(2025, 2, 8): True, dt.date(2025, 3, 10): False})
# Year tables are built on first use, so the first example of a year may be slow.
relaxed = settings(deadline=None, max_examples=150)

days = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2060, 12, 31))
counts = st.integers(min_value=0, max_value=400)
moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2050, 12, 31), timezones=st.just(TZ)
)
limits = st.decimals(min_value=0, max_value=120, places=2)
office_seconds = st.integers(min_value=0, max_value=60 * 8 * 3600)
units = st.sampled_from(["working_days", "hours"])


@st.composite
def office_moments(draw: st.DrawFn) -> dt.datetime:
    """A moment inside office hours of a working day."""
    day = CAL.next_working_day(draw(days))
    opens, closes = draw(st.sampled_from(CAL.office_hours))
    start = dt.datetime.combine(day, opens, tzinfo=TZ)
    length = dt.datetime.combine(day, closes, tzinfo=TZ) - start
    return start + dt.timedelta(seconds=draw(st.integers(0, int(length.total_seconds()))))


@relaxed
@given(days, counts)
def test_add_working_days_lands_on_a_working_day(day: dt.date, n: int) -> None:
    assert CAL.is_working_day(CAL.add_working_days(day, n))


@relaxed
@given(days, st.integers(min_value=1, max_value=400))
def test_adding_n_days_passes_n_working_days(day: dt.date, n: int) -> None:
    later = CAL.add_working_days(day, n)
    assert CAL.count_working_days(day + dt.timedelta(days=1), later) == n
    assert CAL.count_working_days(day, later) == n + CAL.is_working_day(day)


@relaxed
@given(days, st.integers(0, 800), st.integers(0, 800))
def test_count_is_additive(start: dt.date, first: int, second: int) -> None:
    middle = start + dt.timedelta(days=first)
    end = middle + dt.timedelta(days=second)
    whole = CAL.count_working_days(start, end)
    parts = CAL.count_working_days(start, middle) + CAL.count_working_days(
        middle + dt.timedelta(days=1), end
    )
    assert whole == parts


@relaxed
@given(moments, moments, limits, units)
def test_due_at_is_monotonic_in_receipt(a: dt.datetime, b: dt.datetime, limit: Decimal, unit: str):
    early, late = sorted((a, b))
    assert CAL.due_at(early, limit, unit) <= CAL.due_at(late, limit, unit)


@relaxed
@given(moments, limits, limits, units)
def test_due_at_is_monotonic_in_limit(received: dt.datetime, a: Decimal, b: Decimal, unit: str):
    small, large = sorted((a, b))
    assert CAL.due_at(received, small, unit) <= CAL.due_at(received, large, unit)


@relaxed
@given(moments, limits, units)
def test_due_at_is_inside_office_hours(received: dt.datetime, limit: Decimal, unit: str) -> None:
    due = CAL.due_at(received, limit, unit)
    assert CAL.is_working_day(due.date())
    assert CAL.is_office_time(due)
    assert due >= received


@relaxed
@given(moments, limits)
def test_calendar_days_due_is_on_a_working_day(received: dt.datetime, limit: Decimal) -> None:
    due = CAL.due_at(received, limit, "calendar_days")
    assert CAL.is_working_day(due.date())
    assert due >= received


pauses = st.lists(st.tuples(moments, moments).map(lambda p: tuple(sorted(p))), max_size=4)


@relaxed
@given(moments, pauses)
def test_pauses_never_move_the_due_earlier(due: dt.datetime, spans: list) -> None:
    assert CAL.extend_for_pauses(due, spans) >= due


@relaxed
@given(moments, days)
def test_a_pause_outside_office_time_changes_nothing(due: dt.datetime, day: dt.date) -> None:
    evening = dt.datetime.combine(day, dt.time(17, 30), tzinfo=TZ)
    night = (evening, evening + dt.timedelta(hours=13))  # 17:30 → 06:30 next day
    lunch = (
        dt.datetime.combine(day, dt.time(11, 30), tzinfo=TZ),
        dt.datetime.combine(day, dt.time(13), tzinfo=TZ),
    )
    assert CAL.extend_for_pauses(due, [night, lunch]) == due


@relaxed
@given(office_moments(), office_seconds)
def test_office_seconds_undo_add_office_seconds(start: dt.datetime, seconds: int) -> None:
    assert CAL.office_seconds_between(start, CAL.add_office_seconds(start, seconds)) == seconds


@relaxed
@given(moments, moments)
def test_office_time_never_exceeds_elapsed_time(a: dt.datetime, b: dt.datetime) -> None:
    start, end = sorted((a, b))
    assert 0 <= CAL.office_seconds_between(start, end) <= (end - start).total_seconds()


whole_seconds = moments.map(lambda m: m.replace(microsecond=0))


@relaxed
@given(whole_seconds, whole_seconds, whole_seconds)
def test_office_time_is_additive(a: dt.datetime, b: dt.datetime, c: dt.datetime) -> None:
    first, middle, last = sorted((a, b, c))
    assert CAL.office_seconds_between(first, last) == CAL.office_seconds_between(
        first, middle
    ) + CAL.office_seconds_between(middle, last)


@relaxed
@given(moments, limits)
def test_a_working_day_limit_is_that_many_office_days(received: dt.datetime, limit: Decimal):
    start = CAL.next_office_moment(received)
    due = CAL.due_at(received, limit)
    expected = int((limit * CAL.office_seconds_per_day).to_integral_value())
    assert abs(CAL.office_seconds_between(start, due) - expected) <= 1
