"""What the portal shows of the procedure catalogue (motcua.procedures).

Search is accent-insensitive (``core.text.fold`` over ``Procedure.name_key``): "chung
thuc" finds "Chứng thực…". Online filing is open only for procedures whose service level
today is full or partial online (Decree 42/2022/NĐ-CP).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.procedures.models import Procedure, ServiceLevel, ServiceLevelVersion
from motcua.units.models import Level, Unit

ONLINE_LEVELS = frozenset({ServiceLevel.FULL, ServiceLevel.PARTIAL})


@dataclass(frozen=True)
class Component:
    code: str
    name: str
    required: bool
    note: str = ""


# When a procedure has no published component list, the portal asks for these (the
# usual shape of a TTHC dossier: the form, an ID copy, supporting papers).
DEFAULT_COMPONENTS: tuple[tuple[str, Any, bool], ...] = (
    ("TP1", _("Đơn đề nghị hoặc tờ khai theo mẫu"), True),
    ("TP2", _("Bản sao giấy tờ tùy thân"), True),
    ("TP3", _("Giấy tờ chứng minh theo quy định (nếu có)"), False),
)


def today() -> dt.date:
    return timezone.localdate()


def search(query: str) -> QuerySet[Procedure]:
    """Procedures whose code or folded name contains every word of ``query``."""
    rows = Procedure.objects.select_related("field").prefetch_related(
        Prefetch("service_levels", queryset=ServiceLevelVersion.objects.order_by("valid_from"))
    )
    for word in fold(query).split():
        rows = rows.filter(Q(name_key__contains=word) | Q(code__startswith=word))
    return rows.order_by("name", "code")


def level_today(procedure: Procedure, day: dt.date | None = None) -> str:
    """The service level in force on ``day`` (from prefetched versions when present)."""
    day = day or today()
    level = ServiceLevel.NONE.value
    for version in procedure.service_levels.all():
        if version.valid_from <= day:
            level = version.level
    return level


def files_online(procedure: Procedure) -> bool:
    return level_today(procedure) in ONLINE_LEVELS


def components_of(procedure: Procedure) -> list[Component]:
    rows = procedure.required_components.all()
    found = [Component(r.code, r.name, r.required, r.note) for r in rows]
    if found:
        return found
    return [Component(code, str(name), required) for code, name, required in DEFAULT_COMPONENTS]


def handling_units(procedure: Procedure) -> QuerySet[Unit]:
    """Where to go: the agencies named for it, else the units of its levels in force today."""
    valid = Unit.objects.valid_on(today()).exclude(code__isnull=True).exclude(code="")
    named = valid.filter(procedures=procedure)
    if named.exists():
        return named.order_by("name")
    levels = [
        level
        for level, applies in (
            (Level.AGENCY, procedure.applies_agency),
            (Level.DISTRICT, procedure.applies_district),
            (Level.COMMUNE, procedure.applies_commune),
        )
        if applies
    ]
    return valid.filter(level__in=levels).order_by("level", "name")


def fee_records(procedure: Procedure) -> list[dict[str, Any]]:
    """The procedure's fees as DanhSachLePhi items for a new dossier (amounts > 0)."""
    return [
        {
            "TenPhiLePhi": fee.name,
            "MaPhiLePhi": fee.code or f"LP{index:02d}",
            "Gia": fee.amount,
            "LoaiPhiLePhi": "1",
        }
        for index, fee in enumerate(procedure.fees.all(), start=1)
        if fee.amount > 0
    ]
