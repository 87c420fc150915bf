"""Template filters for values kept in DVCQG's own spelling (the JSON collections)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from motcua.dossiers.formats import parse_datetime
from motcua.dossiers.models import Channel, Dossier, Status

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


@register.simple_tag
def options(field: BoundField) -> str:
    """The ``<option>`` list of a choice field, built here rather than through the widget
    templates (ten times faster for the list page's 150-unit select)."""
    value = field.value()
    current = "" if value is None else str(value)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (key, mark_safe(" selected") if str(key) == current else "", label)
            for key, label in field.field.choices  # type: ignore[attr-defined]
        ),
    )


ROW = (
    '<tr><td><a href="{}{}/">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
    "<td>{}</td><td>{}</td><td>{}</td></tr>\n"
)


def _local(value: dt.datetime | None, pattern: str) -> str:
    """``value|date:…|default:"—"`` for the numeric patterns of the list (local time)."""
    return timezone.localtime(value).strftime(pattern) if value else "—"


@register.simple_tag
def dossier_rows(rows: Iterable[Dossier], detail_base: str) -> str:
    """The dossier list's table rows (code linked to the dossier, procedure, applicant,
    unit, channel, status, received, due), built here rather than through template
    variables and filters: a 200-row page made 1,800 variable lookups, 400
    ``get_…_display`` calls (each hashing the lazily translated choices) and 400 date
    filters, about 0.4 s under load. The choice labels are translated once per call."""
    channels = {value: str(label) for value, label in Channel.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    return format_html_join(
        "",
        ROW,
        (
            (
                detail_base,
                quote(d.code),
                d.code,
                d.procedure.name,
                d.applicant_name,
                d.unit.name,
                channels.get(d.channel, d.channel),
                statuses.get(d.status, d.status),
                _local(d.received_at, "%d/%m/%Y %H:%M"),
                _local(d.due_at, "%d/%m/%Y"),
            )
            for d in rows
        ),
    )
