"""Issue 4's check on the demo province: the plan indicators reproduce appendix 2."""

from __future__ import annotations

import pytest

from motcua.demo import appendix
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS
from motcua.indicators.report import figure_rows, units_in_scope

PERIOD = Period(appendix.PERIOD_START, appendix.PERIOD_END)


_computed: dict[int, dict[tuple[str, str], dict]] = {}


@pytest.fixture
def figures(demo, db) -> dict[tuple[str, str], dict]:
    """Computed once per demo build (which maintains the aggregates itself): the rows are
    plain data, valid after the rollback."""
    if id(demo) not in _computed:
        rows = figure_rows(FORMULA_SETS["plan"], PERIOD, units_in_scope(PERIOD, None, None))
        _computed[id(demo)] = {(r["unit_code"], r["indicator"]): r for r in rows}
    return _computed[id(demo)]


@pytest.mark.parametrize("row", appendix.ROWS, ids=lambda r: r.code)
def test_online_rates_reproduce_appendix_2(figures, row) -> None:
    received = figures[(row.code, "online_received")]
    resolved = figures[(row.code, "online_resolved")]
    assert (received["numerator"], received["denominator"]) == (
        row.received_online,
        row.received,
    )
    assert (resolved["numerator"], resolved["denominator"]) == (
        row.resolved_online,
        row.received,
    )


@pytest.mark.parametrize(
    ("code", "received_pct", "resolved_pct"),
    [
        ("H67.11", 22, 22),  # Sở Tư pháp
        ("H67.15", 37, 33),  # Sở Y tế
        ("H67.08", 17, 17),  # Sở Nội vụ (corrected row: 40 received online)
        ("H67.30", 14, 2),  # UBND huyện Cư Jút
        ("H67.35", 25, 10),  # UBND huyện Krông Nô
    ],
)
def test_rates_round_to_the_printed_percentages(figures, code, received_pct, resolved_pct):
    assert round(figures[(code, "online_received")]["rate"] * 100) == received_pct
    assert round(figures[(code, "online_resolved")]["rate"] * 100) == resolved_pct
