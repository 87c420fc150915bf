"""Periods the way people say them: this week, last week, this month, this quarter, this
year, a campaign, or a custom range (``from``/``to``), each with its previous period for
"change since last period".

The request's ``period`` parameter is one of :data:`CHOICES` (``week``, ``last_week``,
``month``, ``quarter``, ``year``), ``campaign:<id>``, or any text
:meth:`motcua.indicators.period.Period.parse` reads (``2024-W36``, ``2024-07``,
``2024-Q3``, ``2024``, ``2024-01-01..2024-03-31``); ``from`` and ``to`` (YYYY-MM-DD or
dd/mm/yyyy) give a custom range when ``period`` is ``custom`` or absent.

"This week" is relative to the *reference day*: today, or the last day with dossiers when
there is none after it (a database loaded with last year's data still opens on a week
with figures; the page says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.indicators.period import Period

DEFAULT = "week"
CHOICES: dict[str, object] = {
    "week": gettext_lazy("Tuần này"),
    "last_week": gettext_lazy("Tuần trước"),
    "month": gettext_lazy("Tháng này"),
    "quarter": gettext_lazy("Quý này"),
    "year": gettext_lazy("Năm nay"),
}
MAX_DAYS = 3 * 366  # a custom range longer than this is refused (figures as of one end)


class PeriodError(ValueError):
    """A period parameter that names no period; the message names the parameter."""


@dataclass(frozen=True)
class CampaignRef:
    id: int
    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class ChosenPeriod:
    key: str  # what the picker shows selected: a CHOICES key, "campaign:<id>", "custom"
    period: Period
    previous: Period
    label: str
    campaign: CampaignRef | None = None

    @property
    def relative(self) -> bool:
        """This week, last week…: relative to the reference day."""
        return self.key in CHOICES

    def query(self) -> dict[str, str]:
        """The query parameters that choose this period again."""
        if self.key == "custom":
            return {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        return {"period": self.key}


def week_of(day: dt.date) -> Period:
    monday = day - dt.timedelta(days=day.weekday())
    return Period(monday, monday + dt.timedelta(days=6))


def month_of(day: dt.date) -> Period:
    return Period.parse(f"{day:%Y-%m}")


def quarter_of(day: dt.date) -> Period:
    return Period.parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def year_of(day: dt.date) -> Period:
    return Period.parse(str(day.year))


def previous_of(period: Period) -> Period:
    """The period before: the previous week, month, quarter or year when ``period`` is one,
    otherwise the range of the same length that ends the day before it starts."""
    start, end = period.start, period.end
    before = start - dt.timedelta(days=1)
    if week_of(start) == period:
        return week_of(before)
    if month_of(start) == period:
        return month_of(before)
    if quarter_of(start) == period:
        return quarter_of(before)
    if year_of(start) == period:
        return year_of(before)
    length = (end - start).days
    return Period(before - dt.timedelta(days=length), before)


def parse_day(text: str, name: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise PeriodError(
        _("%(name)s: “%(value)s” không phải ngày (dd/mm/yyyy)") % {"name": name, "value": text}
    )


def choose(
    params: Mapping[str, str],
    reference: dt.date,
    campaigns: Mapping[int, CampaignRef] | None = None,
) -> ChosenPeriod:
    """The period a request asks for (``params``: its GET), relative to ``reference``.

    ``campaigns`` are those the caller may choose (id → reference); another id is an error.
    Raises :class:`PeriodError` naming the parameter for anything unreadable.
    """
    first, last = params.get("from", "").strip(), params.get("to", "").strip()
    asked = params.get("period", "").strip()
    if (first or last) and asked in ("", "custom"):
        if not (first and last):
            raise PeriodError(_("from/to: cần cả ngày bắt đầu và ngày kết thúc"))
        start, end = parse_day(first, "from"), parse_day(last, "to")
        if end < start:
            raise PeriodError(_("from/to: ngày kết thúc trước ngày bắt đầu"))
        if (end - start).days > MAX_DAYS:
            raise PeriodError(_("from/to: khoảng thời gian dài quá 3 năm"))
        period = Period(start, end)
        return ChosenPeriod("custom", period, previous_of(period), str(period))
    key = asked or DEFAULT
    if key == "custom":
        raise PeriodError(_("from/to: chọn ngày bắt đầu và ngày kết thúc"))
    if key.startswith("campaign:"):
        return _campaign(key, campaigns or {})
    if key in CHOICES:
        return _relative(key, reference)
    try:
        period = Period.parse(key)
    except ValueError:
        raise PeriodError(_("period: không hiểu “%(value)s”") % {"value": key}) from None
    return ChosenPeriod(key, period, previous_of(period), str(period))


def _relative(key: str, reference: dt.date) -> ChosenPeriod:
    if key == "week":
        period = week_of(reference)
    elif key == "last_week":
        period = week_of(reference - dt.timedelta(days=7))
    elif key == "month":
        period = month_of(reference)
    elif key == "quarter":
        period = quarter_of(reference)
    else:
        period = year_of(reference)
    return ChosenPeriod(key, period, previous_of(period), f"{CHOICES[key]} ({period})")


def _campaign(key: str, campaigns: Mapping[int, CampaignRef]) -> ChosenPeriod:
    try:
        ref = campaigns[int(key.split(":", 1)[1])]
    except (ValueError, KeyError):
        raise PeriodError(_("period: không có chiến dịch “%(value)s”") % {"value": key}) from None
    period = Period(ref.start, ref.end)
    return ChosenPeriod(key, period, previous_of(period), ref.name, campaign=ref)


def options(
    chosen: ChosenPeriod, campaigns: Mapping[int, CampaignRef]
) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the picker's list."""
    items = [(key, str(label), key == chosen.key) for key, label in CHOICES.items()]
    for ref in campaigns.values():
        value = f"campaign:{ref.id}"
        items.append((value, _("Chiến dịch: %(name)s") % {"name": ref.name}, value == chosen.key))
    if chosen.key not in {value for value, _label, _sel in items} and chosen.key != "custom":
        items.append((chosen.key, chosen.label, True))
    items.append(("custom", _("Khoảng tùy chọn (từ ngày – đến ngày)"), chosen.key == "custom"))
    return items


@dataclass(frozen=True)
class Picker:
    """What the picker include needs: the choice, the options, the parameters to keep."""

    chosen: ChosenPeriod
    options: list[tuple[str, str, bool]]
    keep: list[tuple[str, str]]
    reference: dt.date
    shifted: bool  # the reference day is the last day with data, not today


def picker(
    chosen: ChosenPeriod,
    campaigns: Mapping[int, CampaignRef],
    params: Mapping[str, str],
    reference: dt.date,
    today: dt.date,
) -> Picker:
    keep = [(k, v) for k, v in params.items() if k not in {"period", "from", "to", "page"}]
    return Picker(chosen, options(chosen, campaigns), keep, reference, reference != today)
