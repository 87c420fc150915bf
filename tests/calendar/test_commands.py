"""The `motcua calendar ...` commands, through call_command with captured output."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.audit.models import AuditEvent
from motcua.calendar.models import CalendarOverride

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_workdays_skips_tet() -> None:
    assert run("calendar_workdays", "--from", "2025-01-20", "--to", "2025-02-07") == "10"


def test_workdays_counts_the_swapped_saturday() -> None:
    assert run("calendar_workdays", "--from", "2025-04-21", "--to", "2025-05-02") == "8"


def test_a_worked_saturday_counts_after_set() -> None:
    run("calendar_set", "--date", "2025-02-08", "--work", "--note", "Làm bù Tết")
    assert run("calendar_workdays", "--from", "2025-01-20", "--to", "2025-02-08") == "11"


def test_set_is_audited_and_clear_removes_it() -> None:
    run("calendar_set", "--date", "2025-03-10", "--off")
    assert CalendarOverride.objects.get().kind == "off"
    assert run("calendar_workdays", "--from", "2025-03-10", "--to", "2025-03-10") == "0"
    run("calendar_set", "--date", "2025-03-10", "--clear")
    assert not CalendarOverride.objects.exists()
    assert run("calendar_workdays", "--from", "2025-03-10", "--to", "2025-03-10") == "1"
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_label"))
    assert actions == [("calendar.override.set", "cli"), ("calendar.override.clear", "cli")]


def test_due_prints_iso_8601_in_local_time() -> None:
    assert run("calendar_due", "--start", "2025-03-06 17:30", "--days", "1") == (
        "2025-03-07T17:00:00+07:00"
    )
    assert run("calendar_due", "--start", "2025-03-06 09:00", "--days", "0.5") == (
        "2025-03-06T14:30:00+07:00"
    )


def test_due_in_other_units() -> None:
    start = ("--start", "2025-03-06 16:00")
    assert run("calendar_due", *start, "--days", "2", "--unit", "hours") == (
        "2025-03-07T08:30:00+07:00"
    )
    assert run("calendar_due", *start, "--days", "2", "--unit", "calendar_days") == (
        "2025-03-10T17:00:00+07:00"
    )


def test_show_lists_holidays_and_swaps() -> None:
    run("calendar_set", "--date", "2025-12-24", "--off", "--note", "Nghỉ địa phương")
    shown = run("calendar_show", "--year", "2025")
    assert "2025-04-26 Sat work" in shown
    assert "2025-01-29 Wed off" in shown
    assert "2025-12-24 Wed off  Nghỉ địa phương" in shown


@pytest.mark.parametrize(
    ("args", "argument"),
    [
        (("calendar_workdays", "--from", "2025-02-30", "--to", "2025-03-01"), "--from"),
        (("calendar_workdays", "--from", "2025-02-01", "--to", "soon"), "--to"),
        (("calendar_due", "--start", "tomorrow", "--days", "1"), "--start"),
        (("calendar_due", "--start", "2025-03-06 09:00", "--days", "-1"), "--days"),
        (("calendar_due", "--start", "2025-03-06 09:00", "--days", "x"), "--days"),
        (("calendar_set", "--date", "06/13/2025", "--off"), "--date"),
        (("calendar_show", "--year", "20x5"), "--year"),
    ],
)
def test_bad_input_names_the_argument(args: tuple[str, ...], argument: str) -> None:
    with pytest.raises(CommandError, match=argument):
        run(*args)
