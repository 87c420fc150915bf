"""The working-day calendar and the office clock, on fixed examples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from motcua.calendar.holiday_source import substituted_working_days, substitution_source
from motcua.calendar.services import build_calendar, parse_office_hours

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
CAL = build_calendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def test_tet_2025_is_off() -> None:
    assert CAL.count_working_days(D(2025, 1, 20), D(2025, 2, 7)) == 10
    assert not CAL.is_working_day(D(2025, 1, 27))
    assert CAL.is_working_day(D(2025, 2, 3))


def test_the_swapped_saturday_is_worked() -> None:
    assert substitution_source("Day off (substituted from 04/26/2025)") == D(2025, 4, 26)
    assert CAL.is_working_day(D(2025, 4, 26))
    assert not CAL.is_working_day(D(2025, 5, 2))
    assert CAL.count_working_days(D(2025, 4, 21), D(2025, 5, 2)) == 8


def test_a_swap_across_the_new_year_is_read_from_the_neighbouring_year() -> None:
    assert substituted_working_days(2024)[D(2024, 5, 4)] == D(2024, 4, 29)


def test_weekends_are_off() -> None:
    assert not CAL.is_working_day(D(2025, 3, 8))
    assert not CAL.is_working_day(D(2025, 3, 9))


def test_overrides_beat_holidays_and_weekends() -> None:
    cal = build_calendar({D(2025, 2, 8): True, D(2025, 3, 10): False})
    assert cal.is_working_day(D(2025, 2, 8))
    assert not cal.is_working_day(D(2025, 3, 10))
    assert cal.count_working_days(D(2025, 1, 20), D(2025, 2, 8)) == 11


def test_any_year_has_a_calendar() -> None:
    assert CAL.count_working_days(D(1990, 1, 1), D(1990, 12, 31)) > 240
    assert CAL.is_working_day(D(2100, 1, 4))
    assert not CAL.is_working_day(D(2100, 1, 1))
    assert CAL.count_working_days(D(1, 1, 1), D(1, 1, 7)) == 5


def test_add_working_days_counts_after_the_day() -> None:
    assert CAL.add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 10)  # Fri + 1 = Mon
    assert CAL.add_working_days(D(2025, 3, 8), 1) == D(2025, 3, 10)  # Sat + 1 = Mon
    assert CAL.add_working_days(D(2025, 3, 8), 0) == D(2025, 3, 10)
    assert CAL.add_working_days(D(2025, 3, 7), 0) == D(2025, 3, 7)
    assert CAL.add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)
    assert CAL.add_working_days(D(2025, 12, 31), 2) == D(2026, 1, 5)


def test_add_working_days_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2025, 3, 7), -1)


def test_count_is_zero_for_a_reversed_range() -> None:
    assert CAL.count_working_days(D(2025, 3, 7), D(2025, 3, 6)) == 0


def test_one_day_from_thursday_morning_is_friday_same_time() -> None:
    assert CAL.due_at(at(2025, 3, 6, 9), 1) == at(2025, 3, 7, 9)


def test_one_day_from_thursday_evening_is_friday_close() -> None:
    assert CAL.due_at(at(2025, 3, 6, 17, 30), 1) == at(2025, 3, 7, 17)


def test_a_receipt_at_lunch_starts_the_clock_at_13h() -> None:
    assert CAL.due_at(at(2025, 3, 6, 12), Decimal("0.5")) == at(2025, 3, 6, 17)


def test_a_weekend_receipt_starts_monday_morning() -> None:
    assert CAL.due_at(at(2025, 3, 8, 10), 1) == at(2025, 3, 10, 17)
    assert CAL.due_at(at(2025, 3, 8, 10), 0) == at(2025, 3, 10, 7, 30)


def test_the_clock_skips_tet() -> None:
    assert CAL.due_at(at(2025, 1, 24, 9), 3) == at(2025, 2, 5, 9)


def test_hours_run_on_the_office_clock() -> None:
    assert CAL.due_at(at(2025, 3, 6, 16), 2, "hours") == at(2025, 3, 7, 8, 30)


def test_calendar_days_land_on_a_working_day_close() -> None:
    assert CAL.due_at(at(2025, 3, 3, 9), 3, "calendar_days") == at(2025, 3, 6, 9)
    assert CAL.due_at(at(2025, 1, 24, 9), 3, "calendar_days") == at(2025, 2, 3, 17)


def test_due_at_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        CAL.due_at(at(2025, 3, 6), -1)
    with pytest.raises(ValueError):
        CAL.due_at(at(2025, 3, 6), 1, "weeks")
    with pytest.raises(ValueError):
        CAL.due_at(dt.datetime(2025, 3, 6, 9), 1)


def test_answers_are_in_the_local_zone() -> None:
    utc = dt.datetime(2025, 3, 6, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
    due = CAL.due_at(utc, 1)
    assert due == at(2025, 3, 7, 9)
    assert due.utcoffset() == dt.timedelta(hours=7)


def test_office_seconds_between_counts_only_office_time() -> None:
    assert CAL.office_seconds_between(at(2025, 3, 6, 9), at(2025, 3, 7, 9)) == 8 * 3600
    assert CAL.office_seconds_between(at(2025, 3, 7, 17), at(2025, 3, 10, 7, 30)) == 0
    assert CAL.office_seconds_between(at(2025, 3, 7, 9), at(2025, 3, 6, 9)) == 0
    assert CAL.office_seconds_per_day == 8 * 3600


def test_a_pause_stops_the_clock() -> None:
    due = at(2025, 3, 10, 17)
    pause = (at(2025, 3, 6, 9), at(2025, 3, 7, 9))  # one office day
    assert CAL.extend_for_pauses(due, [pause]) == at(2025, 3, 11, 17)


def test_overlapping_pauses_count_once() -> None:
    due = at(2025, 3, 10, 17)
    pauses = [(at(2025, 3, 6, 9), at(2025, 3, 7, 9)), (at(2025, 3, 6, 10), at(2025, 3, 6, 11))]
    assert CAL.extend_for_pauses(due, pauses) == at(2025, 3, 11, 17)


def test_a_pause_after_the_due_moment_changes_nothing() -> None:
    due = at(2025, 3, 10, 17)
    assert CAL.extend_for_pauses(due, [(at(2025, 3, 12, 9), at(2025, 3, 13, 9))]) == due


def test_a_pause_that_starts_inside_an_extension_counts() -> None:
    due = at(2025, 3, 10, 17)
    first = (at(2025, 3, 10, 7, 30), at(2025, 3, 10, 17))  # pushes due to Tue 17:00
    second = (at(2025, 3, 11, 13), at(2025, 3, 11, 17))  # starts before Tue 17:00
    assert CAL.extend_for_pauses(due, [first, second]) == at(2025, 3, 12, 11, 30)


def test_custom_office_hours() -> None:
    cal = build_calendar(office_hours="08:00-12:00")
    assert cal.office_seconds_per_day == 4 * 3600
    assert cal.due_at(at(2025, 3, 6, 13), 1) == at(2025, 3, 7, 12)


def test_office_hours_must_be_well_formed() -> None:
    for bad in ("7-11", "11:30-07:30", "07:30-11:30,11:00-17:00"):
        with pytest.raises(ValueError):
            parse_office_hours(bad)


def test_exceptions_name_the_days() -> None:
    named = {info.day: info for info in CAL.exceptions(2025)}
    assert named[D(2025, 4, 26)].working
    assert "02/05/2025" in named[D(2025, 4, 26)].name
    assert not named[D(2025, 1, 29)].working


def test_office_hours_come_from_settings(settings) -> None:
    settings.OFFICE_HOURS = "08:00-12:00,13:30-17:30"
    cal = build_calendar()
    assert cal.office_seconds_per_day == 8 * 3600
    assert cal.due_at(at(2025, 3, 6, 7), 1) == at(2025, 3, 6, 17, 30)
