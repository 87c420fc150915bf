"""Uploaded files, their attachment to dossiers, and the personal data store.

- :class:`StoredFile`: one uploaded file, content in Django's storage (``MEDIA_ROOT``,
  i.e. ``VAR_DIR/media``) under a content-addressed name; immutable once written.
- :class:`Attachment`: a file attached to a dossier as one of its components (thành phần
  hồ sơ) or results; it is what lets an officer of the handling unit open the file.
- :class:`StoreItem`: an item of an applicant's electronic data store (kho quản lý dữ liệu
  điện tử của tổ chức, cá nhân; TT 01/2023/TT-VPCP): a digitized component or a result,
  owned by an applicant (the keyed hash of their ID number, ``dossiers.pii.id_hash``)
  and/or a citizen portal account. See docs/portal.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class StoredFile(models.Model):
    content = models.FileField(_("nội dung"), upload_to="files/", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True, editable=False)
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp")
        verbose_name_plural = _("tệp")

    def __str__(self) -> str:
        return f"{self.name} ({self.sha256[:12]})"


class Attachment(models.Model):
    """``file`` is part of ``dossier``: a component (TaiLieuNop) or a result."""

    class Role(models.TextChoices):
        COMPONENT = "component", _("Thành phần hồ sơ")
        RESULT = "result", _("Kết quả")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="attachments")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.COMPONENT)
    code = models.CharField(_("mã thành phần / kết quả"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp của hồ sơ")
        verbose_name_plural = _("tệp của hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.file_id} ({self.role})"


class StoreItem(models.Model):
    """One document in an applicant's electronic data store."""

    class Kind(models.TextChoices):
        COMPONENT = "component", _("Thành phần đã số hóa")
        RESULT = "result", _("Kết quả giải quyết")

    owner_id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    owner_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="store_items",
        verbose_name=_("tài khoản"),
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("tên giấy tờ"), max_length=255)
    code = models.CharField(
        _("mã thành phần / kết quả"),
        max_length=60,
        blank=True,
        help_text="MaThanhPhanHoSo of a component, MaGiayToKetQua of a result.",
    )
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="store_items")
    source_dossier = models.ForeignKey(
        Dossier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hồ sơ nguồn"),
    )
    created_at = models.DateTimeField(_("lưu lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("kho dữ liệu điện tử")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(owner_id_hash="") | models.Q(owner_account__isnull=False),
                name="store_item_has_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.kind})"
