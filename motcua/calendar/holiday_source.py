"""Vietnam's public holidays, from the ``holidays`` package, one year at a time.

The package publishes each decreed swap as a named day off, "Day off (substituted from
MM/DD/YYYY)" in its ``en_US`` translation: the date in brackets is the Saturday worked in
exchange. We force that language so the name, and therefore the parsing, is stable. Years
the package does not cover simply have no public holidays (weekends still apply).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from types import MappingProxyType
from typing import Final

import holidays

# The language whose names this module parses; do not change without the regex below.
PARSE_LANGUAGE: Final = "en_US"
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@lru_cache(maxsize=512)
def public_holidays(year: int, language: str = PARSE_LANGUAGE) -> MappingProxyType[dt.date, str]:
    """Public days off of ``year`` with their names (read-only), in ``language``."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return MappingProxyType({})
    table = holidays.country_holidays("VN", years=year, language=language)
    return MappingProxyType({day: name for day, name in sorted(table.items())})


def substitution_source(name: str) -> dt.date | None:
    """The worked day named in a swapped day off's name, or None.

    >>> substitution_source("Day off (substituted from 04/26/2025)")
    datetime.date(2025, 4, 26)
    >>> substitution_source("National Day") is None
    True
    """
    match = _SUBSTITUTED.search(name)
    if match is None:
        return None
    month, day, year = (int(part) for part in match.groups())
    return dt.date(year, month, day)


@lru_cache(maxsize=512)
def substituted_working_days(year: int) -> MappingProxyType[dt.date, dt.date]:
    """Weekend days of ``year`` worked in exchange for a day off: {worked day: day off}.

    The day off may fall in the neighbouring year (a December Saturday worked for a
    January bridge day), so both neighbours are read too.
    """
    found: dict[dt.date, dt.date] = {}
    for source_year in (year - 1, year, year + 1):
        for day_off, name in public_holidays(source_year).items():
            worked = substitution_source(name)
            if worked is not None and worked.year == year:
                found[worked] = day_off
    return MappingProxyType(dict(sorted(found.items())))
