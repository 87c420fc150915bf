"""PAKN deadlines on the working-day calendar, and the on-time rule."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar.services import build_calendar
from motcua.feedback import deadlines
from motcua.feedback.deadlines import Times, on_time, open_deadlines

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = build_calendar()


def at(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=VN)


def test_deadlines_skip_the_tet_holiday() -> None:
    # Thursday 23/01/2025; Tết 2025 is off from Mon 27/01 to Sat 01/02.
    due = deadlines.at_receipt(at(2025, 1, 23), CAL)
    assert due.refuse == at(2025, 2, 3)  # Fri 24/01, then Mon 03/02
    assert due.supplement == at(2025, 2, 6)
    assert due.answer == at(2025, 2, 20)
    assert deadlines.publish_due(at(2025, 1, 24, 10), CAL) == at(2025, 2, 4, 10)


def test_a_supplement_pause_moves_the_answer_deadline() -> None:
    received = at(2024, 8, 1)
    pause = (at(2024, 8, 2), at(2024, 8, 6))  # Fri 09:00 → Tue 09:00: 2 working days
    assert deadlines.answer_due(received, [pause], CAL) == CAL.due_at(received, 17)


moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31), timezones=st.just(VN)
)


@settings(max_examples=60, deadline=None)
@given(moments)
def test_deadlines_are_ordered_and_in_office_time(received: dt.datetime) -> None:
    due = deadlines.at_receipt(received, CAL)
    assert received < due.refuse < due.supplement < due.answer
    for moment in (due.refuse, due.supplement, due.answer):
        assert CAL.is_working_day(moment.astimezone(VN).date())
    assert CAL.office_seconds_between(received, due.answer) == 15 * CAL.office_seconds_per_day


@settings(max_examples=60, deadline=None)
@given(moments, st.integers(min_value=0, max_value=400))
def test_a_later_receipt_never_has_an_earlier_deadline(received: dt.datetime, hours: int) -> None:
    later = received + dt.timedelta(hours=hours)
    assert deadlines.at_receipt(later, CAL).answer >= deadlines.at_receipt(received, CAL).answer


def times(**kw: dt.datetime | None) -> Times:
    due = deadlines.at_receipt(at(2024, 8, 1), CAL)
    return Times(refuse_due=due.refuse, supplement_due=due.supplement, answer_due=due.answer, **kw)


def test_on_time_rules() -> None:
    t = times()
    assert on_time(t, at(2024, 8, 5))  # in progress, answer not yet due
    assert not on_time(t, at(2024, 9, 1))  # in progress past the answer deadline
    answered = times(answered_at=at(2024, 8, 10), publish_due=at(2024, 8, 13))
    assert on_time(answered, at(2024, 8, 12))
    assert not on_time(answered, at(2024, 8, 20))  # not published within 2 days
    published = times(
        answered_at=at(2024, 8, 10), publish_due=at(2024, 8, 13), published_at=at(2024, 8, 12)
    )
    assert on_time(published, at(2024, 12, 1))
    assert not on_time(times(refused_at=at(2024, 8, 8)), at(2024, 9, 1))  # refused too late
    assert on_time(times(refused_at=at(2024, 8, 2)), at(2024, 12, 1))
    assert not on_time(times(first_supplement_at=at(2024, 8, 20)), at(2024, 8, 21))


def test_a_step_after_the_period_does_not_count_yet() -> None:
    late_answer = times(answered_at=at(2024, 9, 10))
    assert on_time(late_answer, at(2024, 8, 5))  # as of 05/08 it was still in time
    assert not on_time(late_answer, at(2024, 10, 1))


def test_open_deadlines_show_windows_then_overdue() -> None:
    t = times()
    steps = [d.step for d in open_deadlines(t, "received", at(2024, 8, 1, 10))]
    assert steps == ["refuse", "supplement", "answer"]
    late = open_deadlines(t, "processing", at(2024, 9, 1))
    assert [(d.step, d.overdue) for d in late] == [("answer", True)]
