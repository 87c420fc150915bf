"""Small filters for figure pages: percentages and points in the active language's format."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from motcua.web import charts

register = template.Library()


@register.filter
def pct(rate: float | None, digits: int = 1) -> str:
    """A rate (fraction) as a percentage: 0.3241 → "32,4%" in Vietnamese; None → "—"."""
    if rate is None:
        return "—"
    return f"{floatformat(rate * 100, digits)}%"


@register.filter
def points(change: float | None) -> float | None:
    """A change of rate (fraction) in percentage points."""
    return None if change is None else change * 100


@register.filter
def rank_change(row: Any) -> float | None:
    return None if row.previous is None else row.total - row.previous


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def urlencode_dict(params: dict[str, str]) -> str:
    return urlencode(params)


@register.simple_tag
def bar(value: float | None, target: float | None, label: str) -> SafeString:
    return charts.progress_bar(value, target, label=f"{label}: {pct(value)}")


@register.simple_tag
def change(value: float | None, digits: int = 2) -> SafeString:
    """A change with its direction (▲/▼, and in words for screen readers)."""
    if value is None:
        return mark_safe('<span class="change muted">—</span>')
    if abs(value) < 0.00005:
        return mark_safe('<span class="change muted">= 0</span>')
    text = floatformat(value, digits)
    if value > 0:
        return format_html(
            '<span class="change up">▲ +{}<span class="visually-hidden"> {}</span></span>',
            text,
            _("tăng"),
        )
    return format_html(
        '<span class="change down">▼ {}<span class="visually-hidden"> {}</span></span>',
        text,
        _("giảm"),
    )
