"""The sandbox gateway's own ledger: what "VNPay" knows about each transaction."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SandboxTransaction(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        SUCCESS = "success", _("Thành công")
        FAILED = "failed", _("Thất bại")
        CANCELLED = "cancelled", _("Đã hủy")
        REFUNDED = "refunded", _("Đã hoàn tiền")

    txn_ref = models.CharField(max_length=100, unique=True)
    merchant = models.CharField(max_length=40)
    amount = models.BigIntegerField()  # VND (vnp_Amount / 100)
    order_info = models.CharField(max_length=255, blank=True)
    return_url = models.CharField(max_length=1000)
    create_date = models.CharField(max_length=14)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    response_code = models.CharField(max_length=2, blank=True)
    pay_date = models.DateTimeField(null=True, blank=True)
    ipn_held = models.BooleanField(default=False)
    ipn_delivered_at = models.DateTimeField(null=True, blank=True)
    ipn_answer = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giao dịch thử nghiệm")
        verbose_name_plural = _("giao dịch thử nghiệm")

    def __str__(self) -> str:
        return f"{self.txn_ref} {self.state}"

    @property
    def transaction_no(self) -> str:
        return str(14_000_000 + self.pk)
