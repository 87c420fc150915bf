"""Administrator overrides of the working-day calendar (decreed swaps, local days off)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    class Kind(models.TextChoices):
        OFF = "off", _("Ngày nghỉ")
        WORK = "work", _("Ngày làm việc")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=4, choices=Kind.choices)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ngày điều chỉnh")
        verbose_name_plural = _("lịch điều chỉnh")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"
