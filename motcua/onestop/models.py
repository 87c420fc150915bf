"""What the one-stop desk keeps beside the dossier: assignments and apologies (form 04).

Status, dates and the processing steps stay on the dossier and its event history
(motcua.dossiers); these rows add what the DVCQG record has no field for. Both are
append-only: a new assignment or apology is a new row, the latest one is current.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class Assignment(models.Model):
    """A dossier handed to a processing officer (phân công xử lý)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="assignments")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dossier_assignments",
        verbose_name=_("cán bộ xử lý"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("phân công xử lý")
        verbose_name_plural = _("phân công xử lý")
        ordering = ["dossier", "-at", "-id"]
        indexes = [models.Index(fields=["officer", "at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.officer_id}"


class Apology(models.Model):
    """Form 04 (phiếu xin lỗi và hẹn lại ngày trả kết quả): a new appointment date."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    number = models.PositiveSmallIntegerField(_("lần"))
    old_due_at = models.DateTimeField(_("ngày hẹn trả cũ"))
    new_due_at = models.DateTimeField(_("ngày hẹn trả mới"))
    reason = models.TextField(_("lý do"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("phiếu xin lỗi")
        verbose_name_plural = _("phiếu xin lỗi")
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="one_apology_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.number}"


class Notification(models.Model):
    """One e-mail to the applicant: kept so a step is announced once and failures show."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Đã tiếp nhận")
        SUPPLEMENT = "supplement", _("Yêu cầu bổ sung")
        REFUSED = "refused", _("Từ chối tiếp nhận")
        APOLOGY = "apology", _("Xin lỗi, hẹn lại ngày trả")
        RESULT = "result", _("Có kết quả")
        STOPPED = "stopped", _("Dừng xử lý")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=80, unique=True)  # dossier, kind and event: sent once
    recipient_masked = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # the last failed attempt's error
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.key


class IntakeRequest(models.Model):
    """The one-time key of an intake form: a second submit finds the first one's dossier."""

    key = models.CharField(max_length=64, unique=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
