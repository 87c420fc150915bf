"""The VNPay 2.1.0 protocol (plugin ``vnpay``).

Payment (browser redirect, GET ``pay_url``): parameters ``vnp_*``; ``vnp_Amount`` is the
amount in VND × 100; dates are ``yyyyMMddHHmmss`` in Vietnam time (GMT+7). The checksum
``vnp_SecureHash`` is HMAC-SHA512 with the merchant's secret over the parameters sorted by
name, each written ``quote_plus(name)=quote_plus(value)`` and joined with ``&`` (empty values
left out; ``vnp_SecureHash`` and ``vnp_SecureHashType`` never included). The return URL and
the IPN (server-to-server notification, GET) carry the result signed the same way.

A payment succeeded when ``vnp_ResponseCode`` and ``vnp_TransactionStatus`` are both
``00``. motcua answers an IPN with JSON ``{"RspCode", "Message"}``: ``00`` confirmed,
``01`` order not found, ``02`` order already confirmed, ``04`` invalid amount, ``97``
invalid signature, ``99`` unknown error. VNPay retries a notification until it gets
``00`` or ``02``.

Query (``querydr``) and refund (``refund``) are JSON POSTs to ``api_url``; their checksum is
HMAC-SHA512 over the listed fields joined with ``|`` in a fixed order (:data:`QUERY_FIELDS`,
:data:`REFUND_FIELDS`, and the answers' :data:`QUERY_ANSWER_FIELDS`,
:data:`REFUND_ANSWER_FIELDS`). ``vnp_TransactionStatus`` in a query answer: ``00``
success, ``01`` not finished, ``02`` error, ``04`` reversed, ``05``/``06`` refund under
way / sent to the bank, ``07`` suspected fraud, ``09`` refund refused. ``vnp_ResponseCode``
``91`` means the transaction does not exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

from motcua.dossiers.models import Payment
from motcua.payments.gateways import (
    Answer,
    BadSignature,
    Found,
    Gateway,
    GatewayError,
    GatewayUnavailable,
    Outcome,
    register,
)

log = logging.getLogger("motcua.payments")

VERSION = "2.1.0"
DATE_FORMAT = "%Y%m%d%H%M%S"
VN = ZoneInfo("Asia/Ho_Chi_Minh")  # VNPay's dates are GMT+7 whatever the province's setting
EXPIRES_AFTER = dt.timedelta(minutes=15)
HASH_KEYS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})

QUERY_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_ANSWER_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_ANSWER_FIELDS = QUERY_ANSWER_FIELDS[:13]

IPN_CODES: dict[Answer, tuple[str, str]] = {
    Answer.APPLIED: ("00", "Confirm Success"),
    Answer.ALREADY: ("02", "Order already confirmed"),
    Answer.NOT_FOUND: ("01", "Order not found"),
    Answer.BAD_AMOUNT: ("04", "Invalid amount"),
    Answer.BAD_SIGNATURE: ("97", "Invalid signature"),
    Answer.ERROR: ("99", "Unknown error"),
}

# Server-to-server transport: (url, payload, timeout) -> answer. Paths (``/sandbox/…``)
# are answered in-process by a handler registered for their prefix (the sandbox).
Transport = Callable[[str, dict[str, Any], float], dict[str, Any]]
_LOCAL: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def register_local(prefix: str, handler: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    _LOCAL[prefix] = handler


# --- signatures -------------------------------------------------------------------------


def canonical(params: Mapping[str, Any]) -> str:
    """The signed text of a redirect or IPN: sorted ``name=value`` pairs, URL-encoded."""
    pairs = sorted(
        (k, str(v))
        for k, v in params.items()
        if k.startswith("vnp_") and k not in HASH_KEYS and v not in ("", None)
    )
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs)


def hmac512(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode("utf-8"), hashlib.sha512).hexdigest()


def sign(secret: str, params: Mapping[str, Any]) -> str:
    return hmac512(secret, canonical(params))


def sign_fields(secret: str, data: Mapping[str, Any], fields: tuple[str, ...]) -> str:
    """The ``|``-joined checksum of the JSON API (querydr, refund)."""
    return hmac512(secret, "|".join(str(data.get(name, "")) for name in fields))


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.lower(), (given or "").lower())


def vnp_date(moment: dt.datetime) -> str:
    return moment.astimezone(VN).strftime(DATE_FORMAT)


def parse_date(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, DATE_FORMAT).replace(tzinfo=VN)
    except (TypeError, ValueError):
        return None


def _amount(text: Any) -> int | None:
    """vnp_Amount (VND × 100) as VND; None unless a whole number of đồng."""
    try:
        value = int(str(text))
    except (TypeError, ValueError):
        return None
    return value // 100 if value % 100 == 0 else None


def post_json(url: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
    """POST JSON and read JSON back; any failure is :class:`GatewayUnavailable`."""
    for prefix, handler in _LOCAL.items():
        if url.startswith(prefix):
            return handler(payload)
    request = urllib.request.Request(  # noqa: S310 (the configured https endpoint)
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError, urllib.error.URLError) as exc:
        raise GatewayUnavailable(f"{url}: {exc}") from exc
    if not isinstance(answer, dict):
        raise GatewayUnavailable(f"{url}: answer is not a JSON object")
    return answer


class VNPay(Gateway):
    plugin = "vnpay"
    transport: Transport = staticmethod(post_json)

    # -- payment --------------------------------------------------------------------------

    def start(self, payment: Payment, *, order_info: str, return_url: str, client_ip: str) -> str:
        created = (payment.detail or {}).get("create_date") or vnp_date(payment.at)
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.config.merchant,
            "vnp_Amount": str(payment.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.reference,
            "vnp_OrderInfo": order_info,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": created,
            "vnp_ExpireDate": vnp_date((parse_date(created) or payment.at) + EXPIRES_AFTER),
        }
        params["vnp_SecureHash"] = sign(self.config.secret, params)
        return f"{self.config.pay_url}?{urlencode(params)}"

    def _verified(self, params: Mapping[str, str]) -> Outcome:
        if not _same(sign(self.config.secret, params), params.get("vnp_SecureHash", "")):
            raise BadSignature("vnp_SecureHash does not match the parameters")
        if params.get("vnp_TmnCode") != self.config.merchant:
            raise BadSignature(f"vnp_TmnCode {params.get('vnp_TmnCode')!r} is not this merchant")
        ok = params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"
        return Outcome(
            reference=params.get("vnp_TxnRef", ""),
            state=Found.SUCCESS if ok else Found.FAILED,
            amount=_amount(params.get("vnp_Amount")),
            gateway_txn=params.get("vnp_TransactionNo", ""),
            paid_at=parse_date(params.get("vnp_PayDate", "")),
            code=params.get("vnp_ResponseCode", ""),
            raw={k: v for k, v in params.items() if k not in HASH_KEYS},
        )

    def parse_return(self, params: Mapping[str, str]) -> Outcome:
        return self._verified(params)

    def parse_notification(self, params: Mapping[str, str]) -> Outcome:
        return self._verified(params)

    def notification_answer(self, answer: Answer) -> dict[str, str]:
        code, message = IPN_CODES[answer]
        return {"RspCode": code, "Message": message}

    # -- server to server -----------------------------------------------------------------

    def _call(
        self, data: dict[str, Any], fields: tuple[str, ...], answer_fields: tuple[str, ...]
    ) -> dict[str, Any]:
        data["vnp_SecureHash"] = sign_fields(self.config.secret, data, fields)
        answer = type(self).transport(self.config.api_url, data, self.config.timeout)
        code = str(answer.get("vnp_ResponseCode", ""))
        if code in {"97", "99"} and not answer.get("vnp_SecureHash"):
            raise GatewayUnavailable(f"gateway answered {code}: {answer.get('vnp_Message', '')}")
        expected = sign_fields(self.config.secret, answer, answer_fields)
        if not _same(expected, str(answer.get("vnp_SecureHash", ""))):
            raise BadSignature("the gateway's answer is not signed with this merchant's secret")
        return answer

    def _request(self, command: str, payment: Payment, client_ip: str) -> dict[str, Any]:
        created = (payment.detail or {}).get("create_date") or vnp_date(payment.at)
        return {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": VERSION,
            "vnp_Command": command,
            "vnp_TmnCode": self.config.merchant,
            "vnp_TxnRef": payment.reference,
            "vnp_OrderInfo": f"{command} {payment.reference}",
            "vnp_TransactionDate": created,
            "vnp_CreateDate": vnp_date(dt.datetime.now(tz=VN)),
            "vnp_IpAddr": client_ip or "127.0.0.1",
        }

    def query(self, payment: Payment) -> Outcome:
        data = self._request("querydr", payment, "127.0.0.1")
        answer = self._call(data, QUERY_FIELDS, QUERY_ANSWER_FIELDS)
        code = str(answer.get("vnp_ResponseCode", ""))
        if code == "91":
            return Outcome(payment.reference, Found.UNKNOWN, code=code, raw=answer)
        if code != "00":
            raise GatewayUnavailable(f"querydr answered {code}: {answer.get('vnp_Message', '')}")
        status = str(answer.get("vnp_TransactionStatus", ""))
        state = {
            "00": Found.SUCCESS,
            "01": Found.PENDING,
            "05": Found.REFUNDED,
            "06": Found.REFUNDED,
        }.get(status, Found.FAILED)
        if str(answer.get("vnp_TransactionType", "")) in {"02", "03"} and status == "00":
            state = Found.REFUNDED  # the transaction found is a completed refund
        return Outcome(
            reference=payment.reference,
            state=state,
            amount=_amount(answer.get("vnp_Amount")),
            gateway_txn=str(answer.get("vnp_TransactionNo", "")),
            paid_at=parse_date(str(answer.get("vnp_PayDate", ""))),
            code=status,
            raw=answer,
        )

    def refund(self, payment: Payment, *, amount: int, by: str, client_ip: str) -> Outcome:
        data = self._request("refund", payment, client_ip)
        data.update(
            vnp_TransactionType="02" if amount == payment.amount else "03",
            vnp_Amount=str(amount * 100),
            vnp_TransactionNo=payment.gateway_txn,
            vnp_CreateBy=by,
        )
        answer = self._call(data, REFUND_FIELDS, REFUND_ANSWER_FIELDS)
        code = str(answer.get("vnp_ResponseCode", ""))
        if code != "00":
            raise GatewayError(f"refund refused ({code}): {answer.get('vnp_Message', '')}")
        return Outcome(
            payment.reference,
            Found.REFUNDED,
            amount=_amount(answer.get("vnp_Amount")),
            gateway_txn=str(answer.get("vnp_TransactionNo", "")),
            code=code,
            raw=answer,
        )


register("vnpay", VNPay)
