"""The process-wide calendar follows the overrides table, and forgets rolled-back changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from motcua.calendar.services import current_calendar, set_override

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2025, 3, 10)


class Rollback(Exception):
    pass


def test_it_is_cached_until_an_override_changes() -> None:
    first = current_calendar()
    assert current_calendar() is first
    set_override(MONDAY, False, actor="test")
    assert current_calendar() is not first
    assert not current_calendar().is_working_day(MONDAY)


def test_a_rolled_back_override_is_forgotten() -> None:
    assert current_calendar().is_working_day(MONDAY)
    with pytest.raises(Rollback), transaction.atomic():
        set_override(MONDAY, False, actor="test")
        assert not current_calendar().is_working_day(MONDAY)
        raise Rollback
    assert current_calendar().is_working_day(MONDAY)


def test_after_commit_the_calendar_is_cached_again(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        set_override(MONDAY, False, actor="test")
    assert not current_calendar().is_working_day(MONDAY)


def test_clearing_an_absent_override_does_nothing() -> None:
    assert set_override(MONDAY, None, actor="test") is None
