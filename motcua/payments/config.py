"""Which gateway a unit's dossiers are paid through, and each configured gateway's settings.

Keys (stored in ``Payment.gateway``): ``sandbox`` (built in, settings ``PAYMENT_SANDBOX``),
``province`` (settings ``VNPAY_*``), or a :class:`~motcua.payments.models.UnitGateway` key.
A unit uses its own gateway, else the nearest ancestor's, else the province's, else the
sandbox when it is enabled; otherwise online payment is not offered.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

from motcua.payments.gateways import Gateway, build
from motcua.payments.models import UnitGateway
from motcua.units.models import UnitParent

SANDBOX = "sandbox"
PROVINCE = "province"
SANDBOX_MERCHANT = "MOTCUA01"
SANDBOX_PREFIX = "/sandbox/vnpay/"
COUNTER_METHODS = ("cash", "transfer")  # Payment.gateway of counter payments


@dataclass(frozen=True)
class GatewayConfig:
    key: str
    plugin: str
    merchant: str
    secret: str
    pay_url: str
    api_url: str
    platform_flag: int
    timeout: float

    def gateway(self) -> Gateway:
        return build(self)


def sandbox_secret() -> str:
    """The sandbox merchant's secret, derived from SECRET_KEY (both sides know it)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"motcua.sandboxgateway", hashlib.sha256).hexdigest()[:32]


def sandbox() -> GatewayConfig | None:
    if not settings.PAYMENT_SANDBOX:
        return None
    return GatewayConfig(
        key=SANDBOX,
        plugin="vnpay",
        merchant=SANDBOX_MERCHANT,
        secret=sandbox_secret(),
        pay_url=SANDBOX_PREFIX + "paymentv2/vpcpay.html",
        api_url=SANDBOX_PREFIX + "merchant_webapi/api/transaction",
        platform_flag=settings.PAYMENT_PLATFORM_FLAG,
        timeout=settings.PAYMENT_TIMEOUT,
    )


def province() -> GatewayConfig | None:
    if not (settings.VNPAY_TMN_CODE and settings.VNPAY_HASH_SECRET):
        return None
    return GatewayConfig(
        key=PROVINCE,
        plugin="vnpay",
        merchant=settings.VNPAY_TMN_CODE,
        secret=settings.VNPAY_HASH_SECRET,
        pay_url=settings.VNPAY_PAY_URL,
        api_url=settings.VNPAY_API_URL,
        platform_flag=settings.PAYMENT_PLATFORM_FLAG,
        timeout=settings.PAYMENT_TIMEOUT,
    )


def _of_row(row: UnitGateway) -> GatewayConfig:
    return GatewayConfig(
        key=row.key,
        plugin=row.plugin,
        merchant=row.merchant,
        secret=row.secret,
        pay_url=row.pay_url,
        api_url=row.api_url,
        platform_flag=row.platform_flag,
        timeout=settings.PAYMENT_TIMEOUT,
    )


def by_key(key: str) -> GatewayConfig | None:
    """The configured gateway a payment went through (None: not configured any more)."""
    if key == SANDBOX:
        return sandbox()
    if key == PROVINCE:
        return province()
    row = UnitGateway.objects.filter(key=key, active=True).first()
    return _of_row(row) if row else None


def for_unit(unit_id: int) -> GatewayConfig | None:
    """The gateway of the unit or its nearest ancestor, else the province's, else the
    sandbox (when enabled). Current parent links only (valid_to empty)."""
    seen: set[int] = set()
    current: int | None = unit_id
    while current is not None and current not in seen:
        seen.add(current)
        row = UnitGateway.objects.filter(unit_id=current, active=True).first()
        if row is not None:
            return _of_row(row)
        current = (
            UnitParent.objects.filter(unit_id=current, valid_to__isnull=True)
            .values_list("parent_id", flat=True)
            .first()
        )
    return province() or sandbox()
