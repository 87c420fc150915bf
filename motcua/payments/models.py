"""Gateway settings per unit. Transactions are ``motcua.dossiers.models.Payment`` rows.

A unit's dossiers are paid through the nearest configured gateway: the unit's own
(:class:`UnitGateway`), else its parent's, and so on up, else the province's (settings
``VNPAY_*``), else the built-in sandbox when it is enabled (see config.py).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers import pii
from motcua.units.models import Unit


class UnitGateway(models.Model):
    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="payment_gateway", verbose_name=_("đơn vị")
    )
    key = models.CharField(
        _("mã cổng"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9-]*$")],
        help_text=_("Chữ thường, số và dấu gạch ngang; dùng trong địa chỉ IPN."),
    )
    plugin = models.CharField(_("giao thức"), max_length=20, default="vnpay")
    merchant = models.CharField(_("mã website (vnp_TmnCode)"), max_length=40)
    secret_encrypted = models.TextField(editable=False, default="")
    pay_url = models.URLField(_("địa chỉ thanh toán"), max_length=500)
    api_url = models.URLField(_("địa chỉ API (truy vấn, hoàn tiền)"), max_length=500)
    platform_flag = models.PositiveSmallIntegerField(
        _("cờ thanh toán DVCQG"), choices=[(1, "1"), (2, "2")], default=2
    )
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("cổng thanh toán của đơn vị")
        verbose_name_plural = _("cổng thanh toán của đơn vị")

    def __str__(self) -> str:
        return self.key

    @property
    def secret(self) -> str:
        if not self.secret_encrypted:
            return ""
        return str(pii.reveal(self.secret_encrypted).get("secret", ""))

    def set_secret(self, value: str) -> None:
        """Store the merchant secret encrypted (with the personal-data key)."""
        self.secret_encrypted = pii.encrypt({"secret": value})
