"""The sandbox gateway's side of the VNPay 2.1.0 protocol.

It checks the merchant's signed payment request, records the transaction, and, once the
citizen has chosen an outcome, signs the result for the return URL and the IPN. The IPN is
delivered to motcua's IPN URL — over HTTP when ``PAYMENT_PUBLIC_URL`` is set, otherwise
in-process through the URL resolver (the same view, no network). "Notify late" holds the
IPN until ``motcua sandbox deliver`` (or reconciliation queries the transaction). It also
answers ``querydr`` and ``refund`` like VNPay's merchant API.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import resolve, reverse
from django.utils import timezone

from motcua.payments.config import SANDBOX, SANDBOX_MERCHANT, sandbox_secret
from motcua.payments.gateways.vnpay import (
    QUERY_ANSWER_FIELDS,
    QUERY_FIELDS,
    REFUND_ANSWER_FIELDS,
    REFUND_FIELDS,
    VERSION,
    sign,
    sign_fields,
    vnp_date,
)
from motcua.sandboxgateway.models import SandboxTransaction

log = logging.getLogger("motcua.payments")
T = SandboxTransaction.State

# The outcomes the citizen may choose: (state, vnp_ResponseCode, vnp_TransactionStatus, IPN now)
CHOICES: dict[str, tuple[str, str, str, bool]] = {
    "success": (T.SUCCESS, "00", "00", True),
    "failure": (T.FAILED, "51", "02", True),  # 51: insufficient balance
    "cancel": (T.CANCELLED, "24", "02", True),  # 24: the customer cancelled
    "late": (T.SUCCESS, "00", "00", False),  # paid, but the notification is held
}
STATUS_OF = {T.SUCCESS: "00", T.PENDING: "01", T.FAILED: "02", T.CANCELLED: "02", T.REFUNDED: "05"}


class SandboxError(Exception):
    pass


def enabled() -> bool:
    return bool(settings.PAYMENT_SANDBOX)


def _secret() -> str:
    return sandbox_secret()


def verify_request(params: Mapping[str, str]) -> None:
    """Raise SandboxError unless ``params`` is a payment request signed for the sandbox."""
    import hmac

    given = params.get("vnp_SecureHash", "").lower()
    if not hmac.compare_digest(sign(_secret(), params), given):
        raise SandboxError("vnp_SecureHash sai (invalid signature)")
    if params.get("vnp_TmnCode") != SANDBOX_MERCHANT:
        raise SandboxError("vnp_TmnCode không đúng (unknown merchant)")
    if params.get("vnp_Version") != VERSION or params.get("vnp_Command") != "pay":
        raise SandboxError("vnp_Version / vnp_Command không đúng")
    amount = params.get("vnp_Amount", "")
    if not amount.isdigit() or int(amount) % 100 or int(amount) <= 0:
        raise SandboxError("vnp_Amount không hợp lệ")
    if not params.get("vnp_TxnRef") or not params.get("vnp_ReturnUrl"):
        raise SandboxError("thiếu vnp_TxnRef hoặc vnp_ReturnUrl")


def open_transaction(params: Mapping[str, str]) -> SandboxTransaction:
    verify_request(params)
    txn, _created = SandboxTransaction.objects.get_or_create(
        txn_ref=params["vnp_TxnRef"],
        defaults={
            "merchant": params["vnp_TmnCode"],
            "amount": int(params["vnp_Amount"]) // 100,
            "order_info": params.get("vnp_OrderInfo", "")[:255],
            "return_url": params["vnp_ReturnUrl"],
            "create_date": params.get("vnp_CreateDate", ""),
        },
    )
    return txn


def choose(txn_id: int, choice: str) -> SandboxTransaction:
    """Settle a pending transaction with the citizen's choice (once; later calls keep it)."""
    if choice not in CHOICES:
        raise SandboxError(f"unknown choice {choice!r}")
    state, code, _status, now = CHOICES[choice]
    with transaction.atomic():
        txn = SandboxTransaction.objects.select_for_update().get(pk=txn_id)
        if txn.state == T.PENDING:
            txn.state = state
            txn.response_code = code
            txn.pay_date = timezone.now()
            txn.ipn_held = not now
            txn.save()
    return txn


def result_params(txn: SandboxTransaction) -> dict[str, str]:
    """The signed result VNPay sends to the return URL and the IPN."""
    params = {
        "vnp_Amount": str(txn.amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": f"VNP{txn.transaction_no}",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": txn.order_info,
        "vnp_PayDate": vnp_date(txn.pay_date or timezone.now()),
        "vnp_ResponseCode": txn.response_code or "99",
        "vnp_TmnCode": txn.merchant,
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": STATUS_OF.get(T(txn.state), "02"),
        "vnp_TxnRef": txn.txn_ref,
    }
    params["vnp_SecureHash"] = sign(_secret(), params)
    return params


def return_redirect(txn: SandboxTransaction) -> str:
    separator = "&" if "?" in txn.return_url else "?"
    return f"{txn.return_url}{separator}{urlencode(result_params(txn))}"


def _call_ipn(params: dict[str, str]) -> dict[str, Any]:
    path = reverse("payments:ipn", args=[SANDBOX])
    if settings.PAYMENT_PUBLIC_URL:
        url = f"{settings.PAYMENT_PUBLIC_URL}{path}?{urlencode(params)}"
        with urllib.request.urlopen(url, timeout=settings.PAYMENT_TIMEOUT) as response:  # noqa: S310
            return dict(json.loads(response.read().decode("utf-8")))
    request = HttpRequest()
    request.method = "GET"
    request.path = path
    request.GET = QueryDict(urlencode(params))
    request.META.update(REMOTE_ADDR="127.0.0.1", SERVER_NAME="sandbox", SERVER_PORT="80")
    match = resolve(urlsplit(path).path)
    response = match.func(request, *match.args, **match.kwargs)
    return dict(json.loads(response.content.decode("utf-8")))


def deliver(txn: SandboxTransaction) -> str:
    """Send the IPN for a settled transaction; returns motcua's RspCode ("" on failure).
    VNPay stops retrying on 00 and 02; so does ``motcua sandbox deliver``."""
    try:
        answer = _call_ipn(result_params(txn))
    except Exception:  # the merchant is down: retried by the command
        log.exception("sandbox IPN for %s could not be delivered", txn.txn_ref)
        return ""
    code = str(answer.get("RspCode", ""))
    SandboxTransaction.objects.filter(pk=txn.pk).update(
        ipn_answer=code,
        ipn_held=False,
        ipn_delivered_at=timezone.now() if code in {"00", "02"} else None,
    )
    return code


def undelivered() -> list[SandboxTransaction]:
    """Settled transactions whose IPN is held or was not acknowledged."""
    return list(
        SandboxTransaction.objects.exclude(state=T.PENDING)
        .filter(ipn_delivered_at__isnull=True)
        .order_by("pk")
    )


# --- the merchant API (querydr, refund) ---------------------------------------------------


def _signed(fields: tuple[str, ...], data: dict[str, Any]) -> dict[str, Any]:
    data["vnp_SecureHash"] = sign_fields(_secret(), data, fields)
    return data


def answer(payload: dict[str, Any]) -> dict[str, Any]:
    """Answer a querydr or refund request as VNPay's merchant API does."""
    command = str(payload.get("vnp_Command", ""))
    fields = QUERY_FIELDS if command == "querydr" else REFUND_FIELDS
    base = {
        "vnp_ResponseId": str(payload.get("vnp_RequestId", "")),
        "vnp_Command": command,
        "vnp_TmnCode": SANDBOX_MERCHANT,
        "vnp_TxnRef": str(payload.get("vnp_TxnRef", "")),
    }
    given = str(payload.get("vnp_SecureHash", "")).lower()
    if command not in {"querydr", "refund"} or sign_fields(_secret(), payload, fields) != given:
        return {**base, "vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}
    txn = SandboxTransaction.objects.filter(txn_ref=base["vnp_TxnRef"]).first()
    if txn is None:
        return _signed(
            QUERY_ANSWER_FIELDS,
            {**base, "vnp_ResponseCode": "91", "vnp_Message": "Transaction not found"},
        )
    if command == "refund":
        return _refund(txn, payload, base)
    data = {
        **base,
        "vnp_ResponseCode": "00",
        "vnp_Message": "QueryDR Success",
        "vnp_Amount": str(txn.amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_PayDate": vnp_date(txn.pay_date) if txn.pay_date else "",
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": STATUS_OF.get(T(txn.state), "02"),
        "vnp_OrderInfo": txn.order_info,
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
    }
    return _signed(QUERY_ANSWER_FIELDS, data)


def _refund(txn: SandboxTransaction, payload: dict[str, Any], base: dict[str, Any]) -> dict:
    amount = str(payload.get("vnp_Amount", ""))
    ok = txn.state == T.SUCCESS and amount == str(txn.amount * 100)
    if ok:
        SandboxTransaction.objects.filter(pk=txn.pk).update(state=T.REFUNDED)
    data = {
        **base,
        "vnp_ResponseCode": "00" if ok else "02",
        "vnp_Message": "Refund success" if ok else "Refund refused",
        "vnp_Amount": amount,
        "vnp_BankCode": "NCB",
        "vnp_PayDate": vnp_date(timezone.now()),
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionType": str(payload.get("vnp_TransactionType", "02")),
        "vnp_TransactionStatus": "05" if ok else STATUS_OF.get(T(txn.state), "02"),
        "vnp_OrderInfo": str(payload.get("vnp_OrderInfo", "")),
    }
    return _signed(REFUND_ANSWER_FIELDS, data)
