"""Reporting periods: closed date ranges in the province's local time (INDICATORS.md).

"Received in the period" means received_at falls in ``[start_at, end_at)``, where
``start_at`` is local midnight of the first day and ``end_at`` local midnight after the last
day. Figures are as of the period's end, so a past period always gives the same numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=local_zone())

    @property
    def end_at(self) -> dt.datetime:
        """Exclusive upper bound: local midnight after the last day."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, local_zone())

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    @classmethod
    def parse(cls, text: str) -> Period:
        """A period from ``2024``, ``2024-07``, ``2024-Q3``, ``2024-W36`` or ``D..D``."""
        text = text.strip()
        if ".." in text:
            first, last = text.split("..", 1)
            return cls(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
        if m := _YEAR.match(text):
            year = int(m[1])
            return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))
        if m := _MONTH.match(text):
            first_day = dt.date(int(m[1]), int(m[2]), 1)
            next_month = (first_day + dt.timedelta(days=32)).replace(day=1)
            return cls(first_day, next_month - dt.timedelta(days=1))
        if m := _QUARTER.match(text):
            year, quarter = int(m[1]), int(m[2])
            first_day = dt.date(year, 3 * quarter - 2, 1)
            after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
            return cls(first_day, after - dt.timedelta(days=1))
        if m := _WEEK.match(text):
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return cls(monday, monday + dt.timedelta(days=6))
        raise ValueError(
            f"unrecognised period {text!r}: use 2024, 2024-07, 2024-Q3, 2024-W36 or "
            "2024-01-01..2024-07-16"
        )
