"""Signing credentials per unit, result templates per procedure, and signed results.

A :class:`SignedResult` is immutable: it is inserted once and never updated or deleted
(``save`` on an existing row, ``delete`` and queryset ``update``/``delete`` raise, and the
database refuses UPDATE and DELETE with a trigger). A correction is a new row that
``replaces`` the previous version; the old one stays, superseded because a newer version
points at it. See docs/signing.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.procedures.models import Procedure
from motcua.units.models import Unit


class ImmutableResult(RuntimeError):
    """An attempt to change or delete a signed result."""


class SigningCredential(models.Model):
    """A unit's PKCS#12 (key and certificate): its file path, or the encrypted archive.

    ``unit`` empty: the province-wide fallback used by units without their own. The
    archive and its password are encrypted with a key derived from settings.PII_KEY
    (motcua.signing.credentials), like personal data.
    """

    unit = models.OneToOneField(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signing_credential",
        verbose_name=_("đơn vị"),
        help_text=_("Để trống: chứng thư dùng chung cho các đơn vị chưa có chứng thư riêng."),
    )
    p12_path = models.CharField(_("đường dẫn tệp PKCS#12"), max_length=500, blank=True)
    p12_encrypted = models.TextField(blank=True, editable=False)
    password_encrypted = models.TextField(editable=False)
    subject = models.CharField(_("chủ thể chứng thư"), max_length=255)
    issuer = models.CharField(_("tổ chức cấp"), max_length=255)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64)
    not_after = models.DateTimeField(_("hết hạn"))
    is_demo = models.BooleanField(_("chứng thư thử nghiệm"), default=False)
    loaded_at = models.DateTimeField(_("nạp lúc"), auto_now=True)
    loaded_by = models.CharField(_("người nạp"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("chứng thư ký số của đơn vị")
        verbose_name_plural = _("chứng thư ký số của đơn vị")
        constraints = [
            # One per unit and one province-wide (unit empty): NULLs count as unit 0.
            models.UniqueConstraint(
                Coalesce("unit", Value(0)), name="one_signing_credential_per_unit_or_province"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.unit_id or '*'})"


class ResultTemplate(models.Model):
    """The result document of a procedure: its title and body (a Django template).

    A procedure without its own template gets the default (``procedure`` empty) or, when
    there is none, the built-in template ``signing/result_body.html``.
    """

    procedure = models.OneToOneField(
        Procedure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="result_template",
        verbose_name=_("thủ tục"),
    )
    title = models.CharField(_("tên giấy tờ kết quả"), max_length=255)
    body = models.TextField(
        _("nội dung"),
        help_text=_(
            "Mẫu Django (tự động thoát HTML). Biến: dossier, procedure, unit, applicant_name, "
            "code, today."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mẫu kết quả")
        verbose_name_plural = _("mẫu kết quả")
        constraints = [
            # One per procedure and one default (procedure empty).
            models.UniqueConstraint(
                Coalesce("procedure", Value(0)), name="one_result_template_per_procedure_or_default"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SignedResultQuerySet(models.QuerySet["SignedResult"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableResult("signed results cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableResult("signed results cannot be deleted")

    def current(self) -> SignedResultQuerySet:
        """Versions no correction has replaced."""
        return self.filter(replaced_by__isnull=True)


class SignedResult(models.Model):
    """One signed version of a result document (giấy tờ kết quả điện tử)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="signed_results", verbose_name=_("hồ sơ")
    )
    # MaGiayToKetQua: the document's code, shared by its versions; ``code`` names one version.
    document_code = models.CharField(_("mã giấy tờ kết quả"), max_length=80, db_index=True)
    version = models.PositiveIntegerField(_("phiên bản"))
    code = models.CharField(_("mã kết quả"), max_length=90, unique=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("thay thế phiên bản"),
    )
    title = models.CharField(_("tên giấy tờ"), max_length=255)
    pdf = models.BinaryField(_("tệp PDF đã ký"), editable=False)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, db_index=True)
    signature_sha256 = models.CharField(max_length=64, db_index=True)
    signer_subject = models.CharField(_("người ký"), max_length=255)
    signer_fingerprint = models.CharField(max_length=64)
    signed_at = models.DateTimeField(_("thời điểm ký"))
    public_token = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("người ban hành"), max_length=150)
    reason = models.TextField(_("lý do đính chính"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SignedResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("kết quả điện tử đã ký")
        verbose_name_plural = _("kết quả điện tử đã ký")
        ordering = ["dossier", "document_code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_code", "version"], name="one_signed_result_per_version"
            )
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableResult(f"signed result {self.code} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableResult(f"signed result {self.code} cannot be deleted")

    @property
    def is_current(self) -> bool:
        return not SignedResult.objects.filter(replaces_id=self.pk).exists()

    @property
    def superseded_by(self) -> SignedResult | None:
        return SignedResult.objects.filter(replaces_id=self.pk).first()

    def current_version(self) -> SignedResult:
        """The newest version of this document."""
        latest = SignedResult.objects.filter(document_code=self.document_code).order_by("-version")
        return latest.first() or self


class Verification(models.Model):
    """One verification request (the rate limiter counts them; the log keeps outcomes)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    client_key = models.CharField(max_length=64, db_index=True)
    method = models.CharField(max_length=8)  # "upload" or "code"
    result = models.ForeignKey(
        SignedResult, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("lượt xác thực")
        verbose_name_plural = _("lượt xác thực")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.method} {self.outcome}"
