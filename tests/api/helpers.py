"""Dossiers for API tests: a procedure and dossiers in the cast's units, aggregated."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from motcua.dossiers.models import Dossier
from motcua.indicators.facts import rebuild
from motcua.procedures.models import Procedure
from motcua.units.models import Unit

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_seq = itertools.count(1)


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), TZ)


def dossiers(unit: Unit, online: int, counter: int, day: str = "2024-07-02") -> list[Dossier]:
    procedure, _ = Procedure.objects.get_or_create(
        code="1.000001", defaults={"name": "Chứng thực bản sao", "time_limit": 1}
    )
    made = []
    for channel, n in ((2, online), (1, counter)):
        for _ in range(n):
            made.append(
                Dossier.objects.create(
                    code=f"{unit.code}-240702-{next(_seq):04d}",
                    unit=unit,
                    procedure=procedure,
                    channel=channel,
                    status=4,
                    received_at=at(day),
                    content_hash="x",
                )
            )
    rebuild()
    return made
