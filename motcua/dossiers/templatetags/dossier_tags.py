"""Template filters for values kept in DVCQG's own spelling (the JSON collections)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from motcua.dossiers.formats import parse_datetime

register = template.Library()


@register.filter
def dvcqg_datetime(value: Any) -> dt.datetime | Any:
    """``"20240801083000"`` (or any spelling the importer accepts) as a local datetime, for
    the ``date`` filter; a value that cannot be read is returned as it is."""
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return value
    return timezone.localtime(parsed) if parsed else value
