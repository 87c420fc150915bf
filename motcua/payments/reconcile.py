"""Reconciliation: ask the gateways about transactions and settle what they know.

:func:`run` queries every pending online payment older than ``grace`` and applies the
gateway's answer through ``services.apply_outcome`` (the same rules as a notification). A
transaction the gateway does not know, once its payment window has expired, failed (the
citizen never paid). A gateway that cannot be reached leaves its payments pending; the
next run (task retry, ``motcua payments reconcile`` from cron) tries again.

:func:`differences` is the report: transactions whose state differs between motcua and
the gateway (pending ones included). After a run against reachable gateways it is empty.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from motcua.dossiers.models import Payment
from motcua.payments import config, services
from motcua.payments.gateways import Answer, Found, GatewayError, Outcome
from motcua.payments.gateways.vnpay import EXPIRES_AFTER

log = logging.getLogger("motcua.payments")
ACTOR = "payments.reconcile"
STATE_OF: dict[str, Found] = {
    Payment.State.SUCCESS: Found.SUCCESS,
    Payment.State.FAILED: Found.FAILED,
    Payment.State.PENDING: Found.PENDING,
    Payment.State.REFUNDED: Found.REFUNDED,
}


@dataclass
class RunResult:
    checked: int = 0
    settled: int = 0
    still_pending: int = 0
    unreachable: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Difference:
    payment_id: int
    reference: str
    dossier_code: str
    unit_id: int
    gateway: str
    amount: int
    ours: str
    theirs: str  # a Found value, or "error: …" when the gateway could not answer


def _online(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    keys = [k for k in payments.values_list("gateway", flat=True).distinct() if k]
    return payments.filter(channel=Payment.Channel.ONLINE, gateway__in=keys)


def _query(payment: Payment) -> Outcome:
    gateway_config = config.by_key(payment.gateway)
    if gateway_config is None:
        raise GatewayError(f"gateway {payment.gateway!r} is not configured")
    return gateway_config.gateway().query(payment)


def run(
    *, grace: dt.timedelta = dt.timedelta(minutes=1), now: dt.datetime | None = None
) -> RunResult:
    """Settle pending online payments older than ``grace`` from the gateways' answers."""
    now = now or timezone.now()
    result = RunResult()
    pending = _online(
        Payment.objects.filter(state=Payment.State.PENDING, at__lte=now - grace)
    ).order_by("at", "pk")
    for payment in pending.iterator():
        result.checked += 1
        try:
            outcome = _query(payment)
        except GatewayError as exc:
            result.unreachable += 1
            result.errors.append(f"{payment.reference}: {exc}")
            log.warning("reconcile %s: %s", payment.reference, exc)
            continue
        if outcome.state == Found.UNKNOWN and payment.at + EXPIRES_AFTER < now:
            outcome = Outcome(
                payment.reference, Found.FAILED, amount=payment.amount, code="expired"
            )
        answer = services.apply_outcome(
            outcome, gateway_key=payment.gateway, source="reconcile", actor=ACTOR
        )
        if answer == Answer.APPLIED:
            result.settled += 1
        elif outcome.state in (Found.PENDING, Found.UNKNOWN):
            result.still_pending += 1
        elif answer != Answer.ALREADY:
            result.errors.append(f"{payment.reference}: {answer}")
    return result


def differences(
    *, since: dt.datetime | None = None, unit_ids: Iterable[int] | None = None
) -> list[Difference]:
    """Online transactions whose state at the gateway is not motcua's: every pending one
    and those created since ``since`` (default: the last 7 days)."""
    since = since or timezone.now() - dt.timedelta(days=7)
    rows = _online(Payment.objects.all()).filter(at__gte=since) | _online(
        Payment.objects.filter(state=Payment.State.PENDING)
    )
    if unit_ids is not None:
        rows = rows.filter(dossier__unit_id__in=list(unit_ids))
    found: list[Difference] = []
    for payment in rows.select_related("dossier").order_by("at", "pk"):
        ours = STATE_OF[payment.state]
        try:
            theirs = _query(payment).state.value
        except GatewayError as exc:
            theirs = f"error: {exc}"
        unstarted = ours == Found.PENDING and payment.at + EXPIRES_AFTER >= timezone.now()
        if theirs == Found.UNKNOWN and (ours == Found.FAILED or unstarted):
            continue  # never reached the gateway (yet, or it expired and failed): agreed
        if theirs != ours.value:
            found.append(
                Difference(
                    payment.pk,
                    payment.reference,
                    payment.dossier.code,
                    payment.dossier.unit_id,
                    payment.gateway,
                    payment.amount,
                    ours.value,
                    theirs,
                )
            )
    return found
