"""Fees and payments of a dossier: the domain functions every page and command calls.

Rules (docs/payments.md):

- Money is integer VND. What a dossier owes is its fee items (``Dossier.fees``,
  DanhSachLePhi, summed in ``fee_total``); what it paid is the sum of its successful
  ``Payment`` rows.
- Each change is one transaction: the dossier row is locked first (``workflow.lock``), then
  the payment row; the payment, a ``payment`` event in the dossier's history (with the
  payment's old and new DVCQG item) and the audit record are written together; the
  indicator aggregates follow when a counted fact changes (``online_paid``, ``fee_total``).
- A notification is applied at most once and never moves a payment backwards: a success
  is final (later failures are answered "already confirmed"), a failure may still become
  a success (a late success is applied), the amount must match exactly.
- When the dossier is fully paid it moves on: from 6 (payment requested) back to 4
  (processing) through ``workflow.change_status``, in a savepoint, so a workflow refusal
  never undoes the payment; ``online_paid`` takes the gateway's DVCQG flag (1 or 2).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit import log as audit
from motcua.dossiers import formats as f
from motcua.dossiers import history, workflow
from motcua.dossiers.flags import derive_flags
from motcua.dossiers.history import Actor
from motcua.dossiers.models import Dossier, DossierEvent, OnlinePaid, Payment, Status
from motcua.indicators.facts import bucket_of, refresh_buckets
from motcua.payments import config
from motcua.payments.gateways import Answer, Found, GatewayError, Outcome

log = logging.getLogger("motcua.payments")

# Dossier fields a payment may change (recorded in the event when they do).
DOSSIER_FIELDS = ("fees", "fee_total", "online_paid")
# Statuses in which nothing more may be charged or paid online.
CLOSED = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})
# At most this many unfinished online payments per dossier per hour (a stranger with the
# link cannot flood the gateway or the history).
PENDING_LIMIT = 5


class PaymentError(Exception):
    """A payment action the rules refuse; the message is for the user."""


@dataclass(frozen=True)
class Summary:
    owed: int
    paid: int
    pending: int
    refunded: int

    @property
    def outstanding(self) -> int:
        return max(0, self.owed - self.paid)

    @property
    def overpaid(self) -> int:
        return max(0, self.paid - self.owed)

    @property
    def fully_paid(self) -> bool:
        return self.owed > 0 and self.paid >= self.owed


@dataclass(frozen=True)
class FeeItem:
    name: str
    amount: int
    code: str = ""


def summary(dossier: Dossier) -> Summary:
    """What the dossier owes, has paid, has pending and has had refunded (VND)."""
    totals = dict(
        Payment.objects.filter(dossier=dossier)
        .values("state")
        .annotate(total=Sum("amount"))
        .values_list("state", "total")
    )
    return Summary(
        owed=dossier.fee_total,
        paid=int(totals.get(Payment.State.SUCCESS) or 0),
        pending=int(totals.get(Payment.State.PENDING) or 0),
        refunded=int(totals.get(Payment.State.REFUNDED) or 0),
    )


def new_reference(prefix: str = "MC") -> str:
    """An unguessable, unique transaction reference (VNPay vnp_TxnRef: alphanumeric)."""
    return f"{prefix}{timezone.now():%y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


# --- recording ----------------------------------------------------------------------------


def _snapshot(dossier: Dossier) -> dict[str, Any]:
    return {name: getattr(dossier, name) for name in DOSSIER_FIELDS}


def _item(payment: Payment | None) -> dict[str, Any] | None:
    if payment is None:
        return None
    return f.payment_item(
        payment.reference,
        payment.amount,
        payment.channel,
        payment.gateway,
        payment.platform_flag,
        payment.state,
        payment.at,
    )


def _record(
    dossier: Dossier,
    before: dict[str, Any],
    action: str,
    actor: Actor,
    *,
    payment: Payment | None = None,
    old_item: dict[str, Any] | None = None,
    source: str = "",
    **data: Any,
) -> DossierEvent:
    """Save the dossier's changed fields, append one event, write the audit record.

    The caller holds the dossier lock in an open transaction."""
    changes = history.diff(before, _snapshot(dossier))
    if payment is not None:
        changes[f"{f.PAYMENTS}.{payment.reference}"] = [old_item, _item(payment)]
    dossier.content_hash = history.content_hash(dossier)
    kind = DossierEvent.Kind.PAYMENT
    event = history.append_event(
        dossier, kind, actor=actor, changes=changes, occurred_at=timezone.now(), source=source
    )
    fields = [name for name in DOSSIER_FIELDS if name in changes]
    dossier.save(update_fields=[*fields, "content_hash", "updated_at"])
    if fields:
        refresh_buckets([bucket_of(dossier.unit_id, dossier.received_at)])
    audit.record(
        action,
        actor=actor,
        object_type="dossier",
        object_id=dossier.pk,
        code=dossier.code,
        seq=event.seq,
        reference=payment.reference if payment else "",
        amount=payment.amount if payment else None,
        state=payment.state if payment else "",
        **data,
    )
    return event


def _online_flag(dossier: Dossier) -> int:
    """The DVCQG payment flag once fully paid with an online payment, else the current one
    (an imported dossier keeps the flag its source sent)."""
    paid = summary(dossier)
    online = (
        Payment.objects.filter(
            dossier=dossier, state=Payment.State.SUCCESS, channel=Payment.Channel.ONLINE
        )
        .order_by("-at", "-pk")
        .values_list("platform_flag", flat=True)
        .first()
    )
    if paid.fully_paid and online:
        return int(online)
    if not online and dossier.online_paid and _has_own_payments(dossier):
        return OnlinePaid.NO  # the online payment it had was refunded
    return dossier.online_paid


def _has_own_payments(dossier: Dossier) -> bool:
    return Payment.objects.filter(dossier=dossier, detail__isnull=False).exists()


def _move_on(dossier_id: int, actor: Actor) -> None:
    """6 -> 4 once fully paid; a refusal of the workflow is logged, never raised."""
    dossier = Dossier.objects.get(pk=dossier_id)
    if dossier.status != Status.PAYMENT_REQUESTED or not summary(dossier).fully_paid:
        return
    try:
        with transaction.atomic():
            workflow.change_status(
                dossier_id,
                Status.PROCESSING,
                actor=actor,
                note=_("Đã hoàn thành nghĩa vụ tài chính"),
            )
    except workflow.WorkflowError:
        log.exception("dossier %s is paid but could not go back to processing", dossier.code)


# --- fees -----------------------------------------------------------------------------


def procedure_fees(dossier: Dossier) -> list[FeeItem]:
    """The procedure's fee items (some 0), as the starting point of an assessment."""
    return [
        FeeItem(name=fee.name, amount=fee.amount, code=fee.code)
        for fee in dossier.procedure.fees.order_by("pk")
    ]


def assess(dossier_id: int, items: Sequence[FeeItem], *, actor: Actor, note: str = "") -> Dossier:
    """Add fee items to a dossier being processed and request payment (status 6).

    All or nothing: every item needs a name and a whole, non-negative amount. When the
    dossier then owes more than it paid and is in processing (4), it moves to 6 through
    ``change_status`` in the same transaction.
    """
    if not items:
        raise PaymentError(_("Cần ít nhất một khoản phí, lệ phí."))
    for number, item in enumerate(items, 1):
        if not item.name.strip():
            raise PaymentError(_("Khoản thứ %(n)d: thiếu tên phí, lệ phí.") % {"n": number})
        if not isinstance(item.amount, int) or item.amount < 0:
            raise PaymentError(
                _("Khoản thứ %(n)d: số tiền phải là số nguyên VNĐ không âm.") % {"n": number}
            )
    with transaction.atomic():
        dossier = workflow.lock(dossier_id)
        if dossier.status not in (Status.PROCESSING, Status.PAYMENT_REQUESTED):
            raise PaymentError(
                _("Hồ sơ %(code)s không ở trạng thái đang xử lý nên không thể thu phí.")
                % {"code": dossier.code}
            )
        before = _snapshot(dossier)
        added = [
            {
                key: value
                for key, value in (
                    ("TenPhiLePhi", item.name.strip()),
                    ("MaPhiLePhi", item.code.strip()),
                    ("Gia", str(item.amount)),
                )
                if value
            }
            for item in items
        ]
        dossier.fees = [*dossier.fees, *added]
        flags = derive_flags(dossier.components, dossier.fees, dossier.results, dossier.supplements)
        dossier.fee_total = flags["fee_total"]
        _record(
            dossier,
            before,
            "payment.assess",
            actor,
            source="payments.assess",
            items=added,
            note=note,
        )
        if dossier.status == Status.PROCESSING and summary(dossier).outstanding > 0:
            workflow.change_status(
                dossier.pk,
                Status.PAYMENT_REQUESTED,
                actor=actor,
                note=note or _("Yêu cầu thực hiện nghĩa vụ tài chính"),
            )
        dossier.refresh_from_db()
    return dossier


# --- online payments -------------------------------------------------------------------


def start_online(
    dossier_id: int, *, client_ip: str, return_url: str, order_info: str = ""
) -> tuple[Payment, str]:
    """Open a pending online payment for what the dossier still owes; returns the payment
    and the gateway URL to redirect the citizen to."""
    now = timezone.now()
    with transaction.atomic():
        dossier = workflow.lock(dossier_id)
        gateway_config = config.for_unit(dossier.unit_id)
        if gateway_config is None:
            raise PaymentError(_("Đơn vị chưa triển khai thanh toán trực tuyến."))
        if dossier.status in CLOSED:
            raise PaymentError(_("Hồ sơ đã dừng xử lý, không thể thanh toán."))
        owed = summary(dossier).outstanding
        if owed <= 0:
            raise PaymentError(_("Hồ sơ không còn khoản nào phải nộp."))
        recent = Payment.objects.filter(
            dossier=dossier, state=Payment.State.PENDING, at__gte=now - dt.timedelta(hours=1)
        ).count()
        if recent >= PENDING_LIMIT:
            raise PaymentError(_("Đã có nhiều giao dịch đang chờ; vui lòng thử lại sau ít phút."))
        from motcua.payments.gateways.vnpay import vnp_date

        before = _snapshot(dossier)
        payment = Payment.objects.create(
            dossier=dossier,
            reference=new_reference(),
            amount=owed,
            channel=Payment.Channel.ONLINE,
            gateway=gateway_config.key,
            platform_flag=gateway_config.platform_flag,
            state=Payment.State.PENDING,
            at=now,
            detail={"create_date": vnp_date(now)},
        )
        _record(dossier, before, "payment.start", "citizen", payment=payment, ip=client_ip)
        info = order_info or f"Thanh toan phi ho so {dossier.code}"
        url = gateway_config.gateway().start(
            payment, order_info=info, return_url=return_url, client_ip=client_ip
        )
        transaction.on_commit(_schedule_reconcile, robust=True)
    return payment, url


def _schedule_reconcile() -> None:
    from motcua.payments.tasks import schedule

    schedule(after=dt.timedelta(minutes=16))


def apply_outcome(outcome: Outcome, *, gateway_key: str, source: str, actor: Actor) -> Answer:
    """Apply what a gateway says about a transaction (notification or query). Idempotent and
    order-independent (module docstring); returns how it was handled."""
    if outcome.state not in (Found.SUCCESS, Found.FAILED):
        return Answer.ALREADY
    found = (
        Payment.objects.filter(reference=outcome.reference, gateway=gateway_key)
        .values_list("pk", "dossier_id")
        .first()
    )
    if found is None:
        audit.record(
            "payment.unknown",
            actor=actor,
            object_type="payment",
            object_id=outcome.reference,
            gateway=gateway_key,
            source=source,
        )
        return Answer.NOT_FOUND
    payment_id, dossier_id = found
    with transaction.atomic():
        dossier = workflow.lock(dossier_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if outcome.amount != payment.amount:
            audit.record(
                "payment.amount_mismatch",
                actor=actor,
                object_type="dossier",
                object_id=dossier.pk,
                code=dossier.code,
                reference=payment.reference,
                expected=payment.amount,
                received=outcome.amount,
                source=source,
            )
            log.warning(
                "payment %s: amount %s, expected %s",
                payment.reference,
                outcome.amount,
                payment.amount,
            )
            return Answer.BAD_AMOUNT
        final = payment.state in (Payment.State.SUCCESS, Payment.State.REFUNDED)
        repeat = outcome.state == Found.FAILED and payment.state == Payment.State.FAILED
        if final or repeat:
            return Answer.ALREADY
        old_item = _item(payment)
        before = _snapshot(dossier)
        now = timezone.now()
        payment.gateway_txn = outcome.gateway_txn or payment.gateway_txn
        payment.settled_at = now
        payment.detail = {**(payment.detail or {}), "code": outcome.code, "source": source}
        if outcome.state == Found.SUCCESS:
            payment.state = Payment.State.SUCCESS
            payment.at = outcome.paid_at or now
        else:
            payment.state = Payment.State.FAILED
        payment.save()
        dossier.online_paid = _online_flag(dossier)
        action = "payment.success" if payment.state == Payment.State.SUCCESS else "payment.failed"
        _record(
            dossier,
            before,
            action,
            actor,
            payment=payment,
            old_item=old_item,
            source=source,
            gateway_code=outcome.code,
        )
        if payment.state == Payment.State.SUCCESS:
            _move_on(dossier.pk, actor)
    return Answer.APPLIED


# --- at the counter, refunds -------------------------------------------------------------


def record_counter(
    dossier_id: int, amount: int, method: str, *, actor: Actor, reference: str = ""
) -> Payment:
    """A cash or bank-transfer payment taken at the counter (successful at once).

    ``reference`` (the receipt or transfer number, or the form's one-time token) makes a
    retry idempotent: the same reference for the same dossier and amount returns the payment
    already recorded."""
    if method not in config.COUNTER_METHODS:
        raise PaymentError(_("Hình thức thu không hợp lệ: %(m)s.") % {"m": method})
    if not isinstance(amount, int) or amount <= 0:
        raise PaymentError(_("Số tiền phải là số nguyên VNĐ lớn hơn 0."))
    reference = reference.strip() or new_reference("TQ")
    with transaction.atomic():
        dossier = workflow.lock(dossier_id)
        existing = Payment.objects.filter(reference=reference).first()
        if existing is not None:
            if existing.dossier_id == dossier.pk and existing.amount == amount:
                return existing
            raise PaymentError(_("Mã giao dịch %(r)s đã được dùng.") % {"r": reference})
        if dossier.status in CLOSED:
            raise PaymentError(_("Hồ sơ đã dừng xử lý, không thể thu phí."))
        before = _snapshot(dossier)
        now = timezone.now()
        payment = Payment.objects.create(
            dossier=dossier,
            reference=reference,
            amount=amount,
            channel=Payment.Channel.COUNTER,
            gateway=method,
            platform_flag=OnlinePaid.NO,
            state=Payment.State.SUCCESS,
            at=now,
            settled_at=now,
            detail={"source": "counter"},
        )
        dossier.online_paid = _online_flag(dossier)
        _record(dossier, before, "payment.counter", actor, payment=payment, method=method)
        _move_on(dossier.pk, actor)
    return payment


def refund(payment_id: int, *, actor: Actor, reason: str, client_ip: str = "") -> Payment:
    """Give a successful payment back (through its gateway when online). The gateway is
    asked first, outside the lock; nothing changes in motcua if it refuses."""
    if not reason.strip():
        raise PaymentError(_("Cần ghi rõ lý do hoàn tiền."))
    payment = Payment.objects.get(pk=payment_id)
    if payment.state != Payment.State.SUCCESS:
        raise PaymentError(_("Chỉ hoàn tiền được giao dịch đã thành công."))
    gateway_code = ""
    if payment.channel == Payment.Channel.ONLINE:
        gateway_config = config.by_key(payment.gateway)
        if gateway_config is None:
            raise PaymentError(_("Cổng thanh toán của giao dịch không còn được cấu hình."))
        try:
            answer = gateway_config.gateway().refund(
                payment, amount=payment.amount, by=history.actor_label(actor), client_ip=client_ip
            )
        except GatewayError as exc:
            raise PaymentError(_("Cổng thanh toán từ chối hoàn tiền: %(e)s") % {"e": exc}) from exc
        gateway_code = answer.code
    with transaction.atomic():
        dossier = workflow.lock(payment.dossier_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.state != Payment.State.SUCCESS:
            return payment
        old_item = _item(payment)
        before = _snapshot(dossier)
        payment.state = Payment.State.REFUNDED
        payment.settled_at = timezone.now()
        payment.detail = {**(payment.detail or {}), "refund_code": gateway_code}
        payment.save()
        dossier.online_paid = _online_flag(dossier)
        _record(
            dossier,
            before,
            "payment.refund",
            actor,
            payment=payment,
            old_item=old_item,
            reason=reason,
        )
    return payment
