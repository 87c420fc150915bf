"""The demo reproduces seed 000's appendices 1–3, recomputed here from the dossiers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Sum

from motcua.demo import appendix
from motcua.dossiers.models import Dossier, Payment
from motcua.procedures.models import ServiceLevelVersion
from motcua.units.models import Unit, UnitParent

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2024, 1, 1, tzinfo=TZ)
CLOSE = dt.datetime(2024, 7, 16, 23, 59, 59, 999999, tzinfo=TZ)

pytestmark = pytest.mark.django_db


def subtree(code: str) -> set[int]:
    """The unit and everything below it in 2024."""
    found = {Unit.objects.get(code=code).pk}
    frontier = set(found)
    while frontier:
        children = set(
            UnitParent.objects.filter(parent_id__in=frontier).values_list("unit_id", flat=True)
        )
        frontier = children - found
        found |= frontier
    return found


def period_dossiers(code: str):
    return Dossier.objects.filter(
        unit_id__in=subtree(code), received_at__gte=START, received_at__lte=CLOSE
    )


def level_on(procedure_ids: set[int], day: dt.date) -> dict[int, str]:
    levels: dict[int, str] = {}
    versions = ServiceLevelVersion.objects.filter(
        procedure_id__in=procedure_ids, valid_from__lte=day
    ).order_by("valid_from")
    for version in versions:
        levels[version.procedure_id] = version.level
    return levels


@pytest.mark.parametrize("row", appendix.ROWS, ids=lambda r: r.name)
def test_appendix_2_dossiers_received_and_resolved_online(demo, row):
    dossiers = period_dossiers(row.code)
    online = dossiers.filter(channel=2)
    resolved = online.filter(status__in=[9, 10], finished_at__lte=CLOSE)
    assert (dossiers.count(), online.count(), resolved.count()) == (
        row.received,
        row.received_online,
        row.resolved_online,
    )


@pytest.mark.parametrize("row", appendix.ROWS, ids=lambda r: r.name)
def test_appendix_1_procedures_with_dossiers_by_service_level(demo, row):
    used = set(period_dossiers(row.code).values_list("procedure_id", flat=True))
    levels = level_on(used, appendix.PERIOD_END)
    counts = {level: 0 for level in ("none", "partial", "full")}
    for procedure_id in used:
        counts[levels.get(procedure_id, "none")] += 1
    assert (counts["none"], counts["partial"], counts["full"]) == (
        row.paper,
        row.partial,
        row.full,
    )


@pytest.mark.parametrize("row", appendix.ROWS, ids=lambda r: r.name)
def test_appendix_3_online_payments_through_dvcqg(demo, row):
    expected = appendix.payment_rows().get(row.code)
    paid = Payment.objects.filter(
        dossier__unit_id__in=subtree(row.code),
        channel="online",
        state="success",
        platform_flag=1,
        at__gte=START,
        at__lte=CLOSE,
    ).aggregate(n=Count("id"), total=Sum("amount"))
    assert (paid["n"], paid["total"] or 0) == (
        (expected.count, expected.amount) if expected else (0, 0)
    )


def test_the_province_is_the_sum_of_its_rows(demo):
    dossiers = period_dossiers("H67")
    online = dossiers.filter(channel=2)
    resolved = online.filter(status__in=[9, 10], finished_at__lte=CLOSE)
    assert (dossiers.count(), online.count(), resolved.count()) == appendix.province_totals()


def test_the_payment_totals_match_the_printed_ones(demo):
    land = (sum(p.count for p in appendix.LAND_TAX), sum(p.amount for p in appendix.LAND_TAX))
    fees = (sum(p.count for p in appendix.FEES), sum(p.amount for p in appendix.FEES))
    assert land == appendix.PRINTED_LAND_TAX_TOTAL
    assert fees == appendix.PRINTED_FEES_TOTAL
