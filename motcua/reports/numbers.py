"""Vietnamese number formats for documents: 18.775; 2.614.507.177; 32%; 32,4%.

Rates are rounded half up (the plans print 32% for 31.5%), never banker's rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def integer(value: int | None) -> str:
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", ".")


def _round(value: float, digits: int) -> Decimal:
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def pct(rate: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: 0.3245 → ``32,5%`` (digits=1) or ``32%`` (digits=0)."""
    if rate is None:
        return "—"
    return f"{_round(rate * 100, digits)}".replace(".", ",") + "%"


def points(delta: float | None, digits: int = 1) -> str:
    """A change in percentage points, signed: 0.052 → ``+5,2``."""
    if delta is None:
        return "—"
    value = _round(delta * 100, digits)
    if value == 0:
        value = abs(value)
    sign = "+" if value > 0 else ""
    return f"{sign}{value}".replace(".", ",")
