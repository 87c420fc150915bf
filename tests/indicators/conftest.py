"""Small builders for indicator tests: a unit, a procedure, dossiers with chosen facts."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from motcua.dossiers.models import Dossier
from motcua.procedures.models import Procedure
from motcua.units.models import Level, Unit

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_seq = itertools.count(1)


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), TZ)


def make_unit(code: str, level: str = Level.AGENCY) -> Unit:
    unit = Unit(code=code, name=f"Đơn vị {code}", level=level)
    unit.save()
    return unit


def make_dossier(unit: Unit, procedure: Procedure, **fields: Any) -> Dossier:
    values: dict[str, Any] = {
        "code": f"{unit.code}-240101-{next(_seq):04d}",
        "channel": 1,
        "status": 4,
        "content_hash": "x",
    }
    values.update(fields)
    return Dossier.objects.create(unit=unit, procedure=procedure, **values)


@pytest.fixture
def procedure() -> Procedure:
    return Procedure.objects.create(code="1.000001", name="Chứng thực bản sao", time_limit=1)


def aggregate_totals() -> list[tuple]:
    """The aggregate table summed by its main key: comparable across a rebuild, which may
    split or merge rows with the same key."""
    from motcua.indicators.models import DailyFact

    totals: dict[tuple, int] = {}
    for *key, n in DailyFact.objects.values_list(
        "unit_id", "procedure_id", "received_day", "finished_day", "status", "channel", "n"
    ):
        totals[tuple(key)] = totals.get(tuple(key), 0) + n
    return sorted(totals.items(), key=repr)


def figures_for(formula_set: Any, members: dict[int, set[int]], period: Any) -> dict:
    """Rebuild the aggregates, compute, and key the figures by (unit id, indicator code)."""
    from motcua.indicators.engine import compute
    from motcua.indicators.facts import rebuild

    rebuild()
    return {(f.unit_id, f.indicator.code): f for f in compute(formula_set, members, period)}
