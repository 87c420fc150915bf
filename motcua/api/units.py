"""``GET /api/units``: the units the caller may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from motcua.accounts.scope import scope_of
from motcua.api.auth import principal
from motcua.api.schemas import Error, UnitOut
from motcua.units.history import History

router = Router(tags=["units"])


class UnitsQuery(Schema):
    on: dt.date | None = Field(None, description="only units existing that day, YYYY-MM-DD")


@router.get("/units", response={200: list[UnitOut], 401: Error})
def units(request: HttpRequest, q: Query[UnitsQuery]) -> list[dict[str, Any]]:
    """Visible units with their parent (as of ``on``, or of each unit's last day)."""
    on = q.on
    scope = scope_of(principal(request))
    history = History()
    today = dt.date.today()
    rows = []
    for unit_id in sorted(scope.unit_ids):
        unit = history.units[unit_id]
        if on is not None and not history.exists_on(unit_id, on):
            continue
        day = on or (min(today, unit.valid_to) if unit.valid_to else today)
        parent_id = history.parent_on(unit_id, day)
        parent = history.units.get(parent_id) if parent_id is not None else None
        rows.append(
            {
                "code": unit.code or unit.gso_code,
                "gso_code": unit.gso_code,
                "name": history.name_on(unit_id, day),
                "level": unit.level,
                "parent_code": (parent.code or parent.gso_code) if parent else None,
                "valid_from": unit.valid_from,
                "valid_to": unit.valid_to,
            }
        )
    return sorted(rows, key=lambda r: r["code"])
