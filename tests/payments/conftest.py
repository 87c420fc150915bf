"""Payments fixtures: the sandbox gateway on, a unit with a processing officer, a procedure
with fees (one of them 0) and a dossier in processing."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest
from django.contrib.auth.models import User

from motcua.accounts.roles import Role
from motcua.accounts.services import grant
from motcua.dossiers.models import Status
from motcua.payments import config
from motcua.procedures.models import ProcedureFee
from tests.factories import AgencyFactory, DossierFactory, ProcedureFactory


@pytest.fixture(autouse=True)
def sandbox_on(settings: Any) -> None:
    settings.PAYMENT_SANDBOX = True
    settings.VNPAY_TMN_CODE = ""
    settings.PAYMENT_PUBLIC_URL = ""
    settings.PAYMENT_PLATFORM_FLAG = 2


@pytest.fixture
def unit(db: None) -> Any:
    return AgencyFactory()


@pytest.fixture
def procedure(db: None) -> Any:
    proc = ProcedureFactory(has_fee=True)
    ProcedureFee.objects.create(procedure=proc, code="LP01", name="Lệ phí cấp giấy", amount=50_000)
    ProcedureFee.objects.create(procedure=proc, code="P02", name="Phí thẩm định", amount=0)
    return proc


@pytest.fixture
def dossier(unit: Any, procedure: Any) -> Any:
    return DossierFactory(processing=True, online=True, unit=unit, procedure=procedure)


@pytest.fixture
def officer(unit: Any) -> User:
    user = User.objects.create_user("canbo", password="mat-khau-thu-nghiem-dai-1")
    grant(user, Role.PROCESSING_OFFICER, [unit])
    return user


def vnp_sign(secret: str, params: dict[str, str]) -> str:
    """VNPay's checksum, written independently of motcua.payments.gateways.vnpay."""
    keys = sorted(k for k in params if k.startswith("vnp_") and k != "vnp_SecureHash" and params[k])
    text = "&".join(f"{quote_plus(k)}={quote_plus(params[k])}" for k in keys)
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def notification(reference: str, amount: int, *, ok: bool = True, **extra: str) -> dict[str, str]:
    """A signed IPN of the sandbox merchant (amount in VND)."""
    params = {
        "vnp_Amount": str(amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_OrderInfo": "Thanh toan",
        "vnp_PayDate": "20240805100000",
        "vnp_ResponseCode": "00" if ok else "24",
        "vnp_TmnCode": config.SANDBOX_MERCHANT,
        "vnp_TransactionNo": "14000999",
        "vnp_TransactionStatus": "00" if ok else "02",
        "vnp_TxnRef": reference,
        **extra,
    }
    params["vnp_SecureHash"] = vnp_sign(config.sandbox_secret(), params)
    return params


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def requested(dossier: Any, officer: User, amount: int = 50_000) -> Any:
    """Assess one fee and request payment (status 6)."""
    from motcua.payments import services

    services.assess(dossier.pk, [services.FeeItem("Lệ phí", amount, "LP01")], actor=officer)
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYMENT_REQUESTED
    return dossier
