"""The VNPay 2.1.0 protocol: request parameters, checksums computed independently here."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from motcua.dossiers.models import Payment
from motcua.payments import config, services
from motcua.payments.gateways import BadSignature, Found
from motcua.payments.gateways.vnpay import QUERY_FIELDS, canonical, sign_fields
from tests.payments.conftest import notification, query_of, requested, vnp_sign


def test_canonical_text_sorts_encodes_and_leaves_out_empty_values_and_the_hash() -> None:
    params = {
        "vnp_TxnRef": "MC1",
        "vnp_Amount": "5000000",
        "vnp_OrderInfo": "Thanh toan ho so: 000.00.07.H44",
        "vnp_BankCode": "",
        "vnp_SecureHash": "x",
        "other": "ignored",
    }
    assert canonical(params) == (
        "vnp_Amount=5000000&vnp_OrderInfo=Thanh+toan+ho+so%3A+000.00.07.H44&vnp_TxnRef=MC1"
    )


def test_known_vector() -> None:
    """HMAC-SHA512 of a fixed text with a fixed key, computed by hashlib here."""
    secret = "SECRETKEYSECRETKEYSECRETKEY12345"
    params = {"vnp_Amount": "1806000", "vnp_Command": "pay", "vnp_TxnRef": "5"}
    expected = hmac.new(
        secret.encode(), b"vnp_Amount=1806000&vnp_Command=pay&vnp_TxnRef=5", hashlib.sha512
    ).hexdigest()
    assert vnp_sign(secret, params) == expected
    data = {name: name.upper() for name in QUERY_FIELDS}
    text = "|".join(name.upper() for name in QUERY_FIELDS)
    assert (
        sign_fields(secret, data, QUERY_FIELDS)
        == hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()
    )


@pytest.mark.django_db
def test_payment_url_carries_amount_times_100_and_a_valid_signature(dossier, officer) -> None:
    requested(dossier, officer, 50_000)
    payment, url = services.start_online(
        dossier.pk, client_ip="10.0.0.1", return_url="https://dvc.example/ket-qua/"
    )
    assert url.startswith("/sandbox/vnpay/paymentv2/vpcpay.html?")
    params = query_of(url)
    assert params["vnp_Amount"] == "5000000"
    assert params["vnp_Version"] == "2.1.0"
    assert params["vnp_Command"] == "pay"
    assert params["vnp_CurrCode"] == "VND"
    assert params["vnp_TxnRef"] == payment.reference
    assert params["vnp_ReturnUrl"] == "https://dvc.example/ket-qua/"
    assert params["vnp_TmnCode"] == config.SANDBOX_MERCHANT
    assert len(params["vnp_CreateDate"]) == 14
    assert params["vnp_ExpireDate"] > params["vnp_CreateDate"]
    assert params["vnp_SecureHash"] == vnp_sign(config.sandbox_secret(), params)
    assert payment.state == Payment.State.PENDING and payment.amount == 50_000


@pytest.mark.django_db
def test_notification_verification() -> None:
    gateway = config.sandbox().gateway()
    outcome = gateway.parse_notification(notification("MC1", 50_000))
    assert (outcome.state, outcome.amount, outcome.reference) == (Found.SUCCESS, 50_000, "MC1")
    assert gateway.parse_notification(notification("MC1", 50_000, ok=False)).state == Found.FAILED
    tampered = notification("MC1", 50_000)
    tampered["vnp_Amount"] = "100"
    with pytest.raises(BadSignature):
        gateway.parse_notification(tampered)
    other_merchant = notification("MC1", 50_000, vnp_TmnCode="OTHER001")
    with pytest.raises(BadSignature):
        gateway.parse_notification(other_merchant)
