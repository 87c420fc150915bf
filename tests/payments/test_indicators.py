"""Payments feed the indicators (running totals refreshed in the same transaction, no
rebuild) and appendix 3."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.indicators.engine import compute
from motcua.indicators.facts import rebuild
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS
from motcua.payments import services
from motcua.reports.appendices import appendix3
from tests.payments.conftest import notification, requested

AUGUST = Period(dt.date(2024, 8, 1), dt.date(2024, 8, 31))
CODES = ("online_payment_transactions", "ONLINE_PAYMENT_DOSSIER")
NOTHING = {"online_payment_transactions": (0, 0), "ONLINE_PAYMENT_DOSSIER": (0, 0)}
PAID = {"online_payment_transactions": (1, 1), "ONLINE_PAYMENT_DOSSIER": (1, 1)}


def figures(unit) -> dict[str, tuple[int, int]]:
    sets = (FORMULA_SETS["plan"], FORMULA_SETS["qd766-2025"])
    found = {}
    for formula_set in sets:
        for figure in compute(formula_set, {unit.pk: {unit.pk}}, AUGUST):
            if figure.indicator.code in CODES:
                found[figure.indicator.code] = (figure.numerator, figure.denominator)
    return found


@pytest.mark.django_db
def test_paying_online_moves_the_indicators_without_a_rebuild(client, dossier, officer, unit):
    rebuild()  # running totals built: the fast path answers from here on
    assert figures(unit) == NOTHING
    requested(dossier, officer)
    assert figures(unit)["ONLINE_PAYMENT_DOSSIER"] == (0, 1)  # has a fee now
    payment, _url = services.start_online(dossier.pk, client_ip="1.1.1.1", return_url="http://x/")
    ipn = reverse("payments:ipn", args=["sandbox"])
    assert client.get(ipn, notification(payment.reference, 50_000)).json()["RspCode"] == "00"
    assert figures(unit) == PAID
    rebuild()
    assert figures(unit) == PAID


@pytest.mark.django_db
def test_counter_payments_count_in_the_denominator_only(dossier, officer, unit):
    requested(dossier, officer)
    payment = services.record_counter(dossier.pk, 50_000, "transfer", actor=officer)
    payment.at = dt.datetime(2024, 8, 6, 9, tzinfo=dt.UTC)
    payment.save()
    assert figures(unit)["online_payment_transactions"] == (0, 1)


@pytest.mark.django_db
def test_national_platform_payments_appear_in_appendix_3(client, dossier, officer, unit, settings):
    settings.PAYMENT_PLATFORM_FLAG = 1  # the gateway reports through the DVCQG platform
    requested(dossier, officer)
    payment, _url = services.start_online(dossier.pk, client_ip="1.1.1.1", return_url="http://x/")
    ipn = reverse("payments:ipn", args=["sandbox"])
    assert client.get(ipn, notification(payment.reference, 50_000)).json()["RspCode"] == "00"
    rows = [
        row
        for block in appendix3(AUGUST, None).blocks
        if hasattr(block, "sections")
        for section in block.sections
        for row in section.rows
    ]
    assert [(r["code"], r["count"], r["amount"]) for r in rows] == [(unit.code, 1, 50_000)]
