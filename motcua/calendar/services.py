"""The working-day calendar and the deadline rules (ngày làm việc, thời hạn giải quyết).

A day is a working day when it is Monday–Friday and not a public holiday, or when it is a
weekend day the government swapped for a bridge day off (both from the ``holidays``
package, see :mod:`motcua.calendar.holiday_source`). An administrator's override
(:class:`~motcua.calendar.models.CalendarOverride`) beats both.

Deadlines run on an **office clock**: only the office hours (``settings.OFFICE_HOURS``,
by default 07:30–11:30 and 13:00–17:00, 8 hours) of working days count.

* A limit of N working days is N × (office hours per day) of office time, counted from the
  moment of receipt. A receipt outside office hours (evening, lunch break, weekend,
  holiday) starts the clock at the next office opening. The due moment is the earliest
  moment at which that much office time has run, so it always lies inside office hours
  (an interval's closing time included): received Thursday 09:00 with 1 day → due Friday
  09:00; received Thursday 17:30 with 1 day → due Friday 17:00. Fractions work the same
  way (0.5 day = 4 office hours).
* A limit in hours is that many office hours, with the same rule.
* A limit in calendar days ends on the receipt date + N days at the same clock time; when
  that day is not a working day the deadline moves to the closing time of the next
  working day (Civil Code 2015, art. 148).
* Pauses (a supplement request until the applicant supplies, *yêu cầu bổ sung*) stop the
  clock: the due moment moves later by the office time inside every pause that starts
  before the (already extended) due moment.

All datetimes must be timezone-aware; they are read, and answers are given, in
``settings.TIME_ZONE``. :class:`WorkCalendar` is immutable and its methods are pure (it
only memoises the year tables it builds); :func:`current_calendar` is the process-wide
calendar with the administrators' overrides.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from motcua.calendar.holiday_source import public_holidays, substituted_working_days

if TYPE_CHECKING:
    from motcua.calendar.models import CalendarOverride

DEFAULT_OFFICE_HOURS: Final = "07:30-11:30,13:00-17:00"
UNITS: Final = ("working_days", "hours", "calendar_days")

OfficeHours = tuple[tuple[dt.time, dt.time], ...]
_EMPTY: Mapping[dt.date, Any] = MappingProxyType({})
_SECOND: Final = dt.timedelta(seconds=1)
_TICK: Final = dt.timedelta(microseconds=1)


def parse_office_hours(text: str) -> OfficeHours:
    """``"07:30-11:30,13:00-17:00"`` → ordered, non-overlapping (open, close) pairs.

    >>> parse_office_hours("07:30-11:30, 13:00-17:00")[1]
    (datetime.time(13, 0), datetime.time(17, 0))
    """
    pairs: list[tuple[dt.time, dt.time]] = []
    for chunk in text.split(","):
        try:
            opens, closes = (dt.time.fromisoformat(p.strip()) for p in chunk.split("-"))
        except ValueError:
            raise ValueError(f"OFFICE_HOURS: {chunk.strip()!r} is not HH:MM-HH:MM") from None
        if opens >= closes or (pairs and opens < pairs[-1][1]):
            raise ValueError(f"OFFICE_HOURS: {text!r} must list increasing, disjoint ranges")
        pairs.append((opens, closes))
    return tuple(pairs)


def _duration(opens: dt.time, closes: dt.time) -> dt.timedelta:
    day = dt.date(2000, 1, 1)
    return dt.datetime.combine(day, closes) - dt.datetime.combine(day, opens)


@dataclass(frozen=True)
class DayInfo:
    """A day whose status is not the plain Monday–Friday rule, for listings."""

    day: dt.date
    working: bool
    name: str


class _Year:
    """The working days of one year as sorted ordinals, plus a set for membership."""

    __slots__ = ("members", "ordinals")

    def __init__(self, ordinals: Iterable[int]) -> None:
        self.ordinals = tuple(sorted(ordinals))
        self.members = frozenset(self.ordinals)


class WorkCalendar:
    """Working days and the office clock (see the module docstring for the rules).

    Build it with :func:`build_calendar` (tests) or :func:`current_calendar` (the
    application). ``overrides`` maps a date to True (worked) or False (day off).
    """

    def __init__(
        self,
        overrides: Mapping[dt.date, bool] = _EMPTY,
        *,
        office_hours: OfficeHours,
        time_zone: dt.tzinfo,
        use_public_holidays: bool = True,
        notes: Mapping[dt.date, str] = _EMPTY,
    ) -> None:
        if not office_hours:
            raise ValueError("a calendar needs at least one office-hours range")
        self._overrides = MappingProxyType(dict(overrides))
        self._notes = MappingProxyType(dict(notes))
        self._hours = office_hours
        self._tz = time_zone
        self._public = use_public_holidays
        self._years: dict[int, _Year] = {}
        self._per_day = sum((_duration(o, c) for o, c in office_hours), dt.timedelta())

    # -- configuration -------------------------------------------------------------------

    @property
    def time_zone(self) -> dt.tzinfo:
        return self._tz

    @property
    def office_hours(self) -> OfficeHours:
        return self._hours

    @property
    def office_seconds_per_day(self) -> int:
        """Office time of one working day (28 800 s with the default hours)."""
        return self._per_day // _SECOND

    # -- days ----------------------------------------------------------------------------

    def _base_rule(self, day: dt.date) -> bool:
        """Working by weekday and public holidays, before administrators' overrides."""
        if self._public:
            if day in substituted_working_days(day.year):
                return True
            if day in public_holidays(day.year):
                return False
        return day.weekday() < 5

    def _rule(self, day: dt.date) -> bool:
        """The override when there is one, else the base rule."""
        override = self._overrides.get(day)
        return self._base_rule(day) if override is None else override

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
            days = (dt.date.fromordinal(o) for o in range(first, last + 1))
            table = _Year(day.toordinal() for day in days if self._rule(day))
            self._years[year] = table  # memo only: same input, same table
        return table

    def is_working_day(self, day: dt.date) -> bool:
        """True for a working day (overrides first, then swaps, holidays, weekends)."""
        return day.toordinal() in self._year(day.year).members

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day``.

        ``n = 0`` gives ``day`` itself when it is a working day, else the next working day.
        For ``n >= 1`` the days are counted strictly after ``day``: Friday + 1 = Monday,
        Saturday + 1 = Monday. Always a working day; ``n`` must not be negative.
        """
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        year = day.year
        # Position of the first candidate: day itself when n == 0, else the day after.
        index = (bisect_left if n == 0 else bisect_right)(
            self._year(year).ordinals, day.toordinal()
        )
        needed = max(n, 1)
        while True:
            ordinals = self._year(year).ordinals
            if index + needed - 1 < len(ordinals):
                return dt.date.fromordinal(ordinals[index + needed - 1])
            needed -= len(ordinals) - index
            year, index = year + 1, 0
            if year > dt.MAXYEAR:
                raise OverflowError("no working day before the end of the supported dates")

    def count_working_days(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``[start, end]`` (both included); 0 when ``end < start``."""
        if end < start:
            return 0
        total = 0
        for year in range(start.year, end.year + 1):
            ordinals = self._year(year).ordinals
            lo = bisect_left(ordinals, start.toordinal()) if year == start.year else 0
            hi = bisect_right(ordinals, end.toordinal()) if year == end.year else len(ordinals)
            total += hi - lo
        return total

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the first working day after it."""
        return self.add_working_days(day, 0)

    def exceptions(self, year: int) -> list[DayInfo]:
        """Named days of ``year`` that break the weekday rule or are holidays, in order.

        Public holidays (even on a weekend), swapped weekend days worked, and every
        administrator override, each with its final status and a Vietnamese name.
        """
        names: dict[dt.date, str] = {}
        if self._public:
            english = public_holidays(year)
            vietnamese = public_holidays(year, "vi")
            names.update({d: vietnamese.get(d, n) for d, n in english.items()})
            for worked, day_off in substituted_working_days(year).items():
                names[worked] = _("Làm bù cho ngày nghỉ %(day)s") % {"day": f"{day_off:%d/%m/%Y}"}
        for day in self._overrides:
            if day.year == year:
                names[day] = self._notes.get(day) or _("Điều chỉnh của quản trị viên")
        return [DayInfo(d, self.is_working_day(d), names[d]) for d in sorted(names)]

    # -- the office clock ----------------------------------------------------------------

    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{moment!r} must be timezone-aware")
        return moment.astimezone(self._tz)

    def _intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """Office-hour intervals of ``day`` as aware datetimes; none on a day off."""
        if not self.is_working_day(day):
            return []
        tz = self._tz
        return [
            (dt.datetime.combine(day, o, tzinfo=tz), dt.datetime.combine(day, c, tzinfo=tz))
            for o, c in self._hours
        ]

    def _office_time(
        self, day: dt.date, lo: dt.datetime | None, hi: dt.datetime | None
    ) -> dt.timedelta:
        """Office time of ``day`` inside ``[lo, hi]`` (None: unbounded on that side)."""
        total = dt.timedelta()
        for opens, closes in self._intervals(day):
            start = opens if lo is None else max(opens, lo)
            end = closes if hi is None else min(closes, hi)
            if end > start:
                total += end - start
        return total

    def is_office_time(self, moment: dt.datetime) -> bool:
        """True inside office hours of a working day (opening and closing included)."""
        local = self._local(moment)
        return any(o <= local <= c for o, c in self._intervals(local.date()))

    def next_office_moment(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` when it is office time, else the next office opening."""
        local = self._local(moment)
        for opens, closes in self._intervals(local.date()):
            if local <= closes:
                return max(opens, local)
        day = self.add_working_days(local.date(), 1)
        return dt.datetime.combine(day, self._hours[0][0], tzinfo=self._tz)

    def office_seconds_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole seconds of office time in ``[start, end]``; 0 when ``end <= start``."""
        lo, hi = self._local(start), self._local(end)
        if hi <= lo:
            return 0
        if lo.date() == hi.date():
            total = self._office_time(lo.date(), lo, hi)
        else:
            between = self.count_working_days(
                lo.date() + dt.timedelta(days=1), hi.date() - dt.timedelta(days=1)
            )
            total = (
                self._office_time(lo.date(), lo, None)
                + self._office_time(hi.date(), None, hi)
                + between * self._per_day
            )
        return total // _SECOND

    def _consume(
        self, day: dt.date, lo: dt.datetime | None, remaining: dt.timedelta
    ) -> dt.datetime | dt.timedelta:
        """Run ``remaining`` office time on ``day`` from ``lo``: the moment it runs out,
        or what is left at the day's close."""
        for opens, closes in self._intervals(day):
            start = opens if lo is None else max(opens, lo)
            if start >= closes:
                continue
            if remaining <= closes - start:
                return start + remaining
            remaining -= closes - start
        return remaining

    def add_office_seconds(self, start: dt.datetime, seconds: int) -> dt.datetime:
        """The earliest moment at which ``seconds`` of office time have run since ``start``.

        ``seconds = 0`` gives ``start`` itself (in the calendar's zone). A positive amount
        always ends inside office hours, possibly exactly at a closing time.
        """
        if seconds < 0:
            raise ValueError(f"seconds must not be negative, got {seconds}")
        local = self._local(start)
        remaining = dt.timedelta(seconds=seconds)
        if not remaining:
            return local
        left = self._consume(local.date(), local, remaining)
        if isinstance(left, dt.datetime):
            return left
        # Skip whole working days, keeping a remainder in (0, one day] for the last one.
        skip = (left - _TICK) // self._per_day
        day = self.add_working_days(local.date(), 1 + skip)
        last = self._consume(day, None, left - skip * self._per_day)
        assert isinstance(last, dt.datetime)
        return last

    def due_at(
        self, received_at: dt.datetime, limit: Decimal | int, unit: str = "working_days"
    ) -> dt.datetime:
        """The due moment (ngày hẹn trả) of a dossier received at ``received_at``.

        ``unit`` is ``working_days`` (N × office hours per day on the office clock),
        ``hours`` (N office hours) or ``calendar_days`` (same clock time N days later,
        moved to the next working day's closing time when that day is off). See the module
        docstring for the full rule.
        """
        amount = _as_limit(limit)
        if unit == "calendar_days":
            return self._calendar_days_due(received_at, amount)
        if unit == "working_days":
            per_unit = Decimal(self.office_seconds_per_day)
        elif unit == "hours":
            per_unit = Decimal(3600)
        else:
            raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
        seconds = int((amount * per_unit).to_integral_value(ROUND_HALF_UP))
        return self.add_office_seconds(self.next_office_moment(received_at), seconds)

    def _calendar_days_due(self, received_at: dt.datetime, days: Decimal) -> dt.datetime:
        """Receipt + N calendar days; a day off pushes it to the next working day's close."""
        seconds = int((days * 86400).to_integral_value(ROUND_HALF_UP))
        target = self._local(received_at) + dt.timedelta(seconds=seconds)
        if self.is_working_day(target.date()):
            return target
        day = self.next_working_day(target.date())
        return dt.datetime.combine(day, self._hours[-1][1], tzinfo=self._tz)

    def extend_for_pauses(
        self, due: dt.datetime, pauses: Sequence[tuple[dt.datetime, dt.datetime]]
    ) -> dt.datetime:
        """``due`` moved later by the office time of each pause that starts before it.

        The clock stops from a supplement request until the applicant supplies. Pauses
        are merged where they overlap and taken in order; a pause counts when it starts
        before the due moment as already extended by the earlier ones. Never earlier than
        ``due``; a pause outside office time changes nothing.
        """
        running = self._local(due)
        for start, end in _merge([(self._local(s), self._local(e)) for s, e in pauses]):
            if start >= running:
                break
            running = self.add_office_seconds(running, self.office_seconds_between(start, end))
        return running


def _as_limit(limit: Decimal | int | float | str) -> Decimal:
    try:
        amount = Decimal(str(limit))
    except InvalidOperation:
        raise ValueError(f"limit must be a number, got {limit!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"limit must be a non-negative number, got {limit!r}")
    return amount


def _merge(
    pauses: list[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Pauses sorted and merged where they overlap or touch."""
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(pauses):
        if end < start:
            raise ValueError(f"a pause ends before it starts: {start} → {end}")
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def build_calendar(
    overrides: Mapping[dt.date, bool] = _EMPTY,
    *,
    notes: Mapping[dt.date, str] = _EMPTY,
    office_hours: str | None = None,
    time_zone: str | None = None,
    use_public_holidays: bool = True,
) -> WorkCalendar:
    """A calendar from explicit overrides (True = working), without the database.

    Office hours and time zone default to ``settings.OFFICE_HOURS`` and
    ``settings.TIME_ZONE``.
    """
    hours = office_hours or getattr(settings, "OFFICE_HOURS", "") or DEFAULT_OFFICE_HOURS
    return WorkCalendar(
        overrides,
        notes=notes,
        office_hours=parse_office_hours(hours),
        time_zone=ZoneInfo(time_zone or settings.TIME_ZONE),
        use_public_holidays=use_public_holidays,
    )


# -- the process-wide calendar ---------------------------------------------------------

# Other processes learn of an override within this many seconds (their signal handlers
# do not run); this process learns at once.
RECHECK_SECONDS: Final = 60.0

_lock = threading.Lock()
_cached: WorkCalendar | None = None
_cached_fingerprint: tuple[int, str] | None = None
_checked_at = 0.0
# Set when an override changed inside a transaction that may still roll back: until a
# call happens outside any transaction, calendars are built fresh and not cached.
_uncommitted_change = False


def _fingerprint() -> tuple[int, str]:
    from django.db.models import Count, Max

    from motcua.calendar.models import CalendarOverride

    row = CalendarOverride.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return row["n"], str(row["last"])


def _from_database() -> WorkCalendar:
    from motcua.calendar.models import CalendarOverride

    rows = list(CalendarOverride.objects.values_list("date", "kind", "note"))
    return build_calendar(
        {day: kind == CalendarOverride.Kind.WORK for day, kind, _note in rows},
        notes={day: note for day, _kind, note in rows if note},
    )


def current_calendar() -> WorkCalendar:
    """The calendar with the administrators' overrides, cached for this process.

    Saving or deleting an override clears the cache (see :func:`clear_calendar_cache`);
    other processes re-check the overrides table at most every ``RECHECK_SECONDS``.
    """
    global _cached, _cached_fingerprint, _checked_at, _uncommitted_change
    with _lock:
        if _uncommitted_change:
            if connection.in_atomic_block:
                return _from_database()
            _uncommitted_change = False
            _cached = None
        now = time.monotonic()
        if _cached is not None and now - _checked_at < RECHECK_SECONDS:
            return _cached
        fingerprint = _fingerprint()
        if _cached is None or fingerprint != _cached_fingerprint:
            _cached, _cached_fingerprint = _from_database(), fingerprint
        _checked_at = now
        return _cached


def clear_calendar_cache(**_signal_kwargs: object) -> None:
    """Forget the cached calendar (connected to CalendarOverride's save and delete)."""
    global _cached, _cached_fingerprint, _uncommitted_change
    with _lock:
        _cached, _cached_fingerprint = None, None
        if connection.in_atomic_block:
            _uncommitted_change = True
            transaction.on_commit(_forget_pending_change)


def reset_calendar_cache() -> None:
    """Forget the cached calendar and any pending change, e.g. after a test's rollback."""
    global _cached, _cached_fingerprint, _uncommitted_change
    with _lock:
        _cached, _cached_fingerprint, _uncommitted_change = None, None, False


def _forget_pending_change() -> None:
    global _cached, _uncommitted_change
    with _lock:
        _cached, _uncommitted_change = None, False


def set_override(
    day: dt.date, working: bool | None, *, note: str = "", actor: Any = "system"
) -> CalendarOverride | None:
    """Record that ``day`` is worked (True) or off (False), or remove its override (None).

    Audited in the same transaction (``calendar.override.set`` / ``calendar.override.clear``).
    Returns the override, or None when it was removed (or there was none).
    """
    from motcua.calendar.models import CalendarOverride

    with transaction.atomic():
        existing = CalendarOverride.objects.select_for_update().filter(date=day).first()
        before = _override_state(existing)
        if working is None:
            if existing is None:
                return None
            existing.delete()
            record_override("calendar.override.clear", day, actor, before, None)
            return None
        override = existing or CalendarOverride(date=day)
        override.kind = CalendarOverride.Kind.WORK if working else CalendarOverride.Kind.OFF
        override.note = note
        override.save()
        after = _override_state(override)
        record_override("calendar.override.set", day, actor, before, after)
        return override


def _override_state(override: CalendarOverride | None) -> dict[str, str] | None:
    return None if override is None else {"kind": override.kind, "note": override.note}


def record_override(
    action: str,
    day: dt.date,
    actor: Any,
    before: dict[str, str] | None,
    after: dict[str, str] | None,
) -> None:
    """One audit event for an override change, with the old and new state."""
    from motcua.audit.log import record

    record(
        action,
        actor=actor,
        object_type="CalendarOverride",
        object_id=day.isoformat(),
        before=before,
        after=after,
    )
