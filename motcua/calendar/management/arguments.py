"""Parsing the calendar commands' arguments; bad input is a CommandError naming it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError


def parse_date(value: str, argument: str) -> dt.date:
    """``YYYY-MM-DD`` (also ``DD/MM/YYYY``) or a CommandError naming ``argument``."""
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"{argument}: {value!r} is not a date (expected YYYY-MM-DD)")


def parse_moment(value: str, argument: str) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` (ISO 8601, offset optional: local time when absent)."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"{argument}: {value!r} is not a date and time (expected YYYY-MM-DD HH:MM)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return moment


def parse_amount(value: str, argument: str) -> Decimal:
    """A non-negative number; a decimal comma is accepted (``0,5``)."""
    try:
        amount = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise CommandError(f"{argument}: {value!r} is not a non-negative number")
    return amount


def parse_year(value: str, argument: str) -> int:
    try:
        year = int(value)
    except ValueError:
        year = 0
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise CommandError(f"{argument}: {value!r} is not a year (expected YYYY)")
    return year
