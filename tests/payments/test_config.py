"""Which gateway a unit uses: its own, an ancestor's, the province's, the sandbox."""

from __future__ import annotations

import pytest

from motcua.payments import config
from motcua.payments.models import UnitGateway
from tests.factories import CommuneFactory


def gateway_row(unit, key: str) -> UnitGateway:
    row = UnitGateway(
        unit=unit,
        key=key,
        merchant="HUYEN001",
        pay_url="https://pay.example/vpcpay.html",
        api_url="https://pay.example/api",
        platform_flag=2,
    )
    row.set_secret("bi-mat-cua-huyen")
    row.save()
    return row


@pytest.mark.django_db
def test_nearest_configured_gateway_wins(settings) -> None:
    commune = CommuneFactory()
    district = commune.parent_links.get().parent
    assert config.for_unit(commune.pk).key == config.SANDBOX
    settings.VNPAY_TMN_CODE, settings.VNPAY_HASH_SECRET = "TINH0001", "bi-mat-cua-tinh"
    assert config.for_unit(commune.pk).key == config.PROVINCE
    gateway_row(district, "huyen-a")
    found = config.for_unit(commune.pk)
    assert (found.key, found.merchant, found.secret) == ("huyen-a", "HUYEN001", "bi-mat-cua-huyen")
    assert "bi-mat" not in UnitGateway.objects.get().secret_encrypted
    assert config.by_key("huyen-a") == found
    settings.PAYMENT_SANDBOX = False
    settings.VNPAY_TMN_CODE = ""
    UnitGateway.objects.update(active=False)
    assert config.for_unit(commune.pk) is None
    assert config.by_key("sandbox") is None
