from django import template

from motcua.reports.numbers import integer

register = template.Library()


@register.filter
def vnd(value: int | None) -> str:
    """Vietnamese money: 1.250.000 đ."""
    return f"{integer(value)} đ" if value is not None else "—"
