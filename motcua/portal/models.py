"""The citizen portal's own records: citizen accounts, online filings, the components a
procedure asks for, and the hit counter behind the public pages' rate limits.

Citizens are Django users with a :class:`CitizenProfile` and no group, never staff: the
role machinery (motcua.accounts.roles) gives them no capability. See docs/portal.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.procedures.models import Procedure


class CitizenProfile(models.Model):
    """A citizen's portal account (tài khoản công dân)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="citizen",
        verbose_name=_("tài khoản"),
    )
    full_name = models.CharField(_("họ và tên"), max_length=255)
    id_masked = models.CharField(_("số định danh"), max_length=40, blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("số điện thoại"), max_length=40, blank=True)
    pii = models.TextField(blank=True, editable=False)  # encrypted (dossiers.pii)
    vneid_verified = models.BooleanField(_("đã xác thực VNeID"), default=False)
    verified_at = models.DateTimeField(_("xác thực lúc"), null=True, blank=True)
    oidc_subject = models.CharField(max_length=255, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài khoản công dân")
        verbose_name_plural = _("tài khoản công dân")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.id_masked})"


class OnlineFiling(models.Model):
    """A dossier filed on the portal: who filed it, under which one-time form token.

    The token makes a double-submitted form create one dossier: the row is claimed first,
    in the transaction that creates the dossier.
    """

    token = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="online_filings"
    )
    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, null=True, related_name="online_filing"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ nộp trực tuyến")
        verbose_name_plural = _("hồ sơ nộp trực tuyến")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.dossier_id}"


class RequiredComponent(models.Model):
    """A component (thành phần hồ sơ) a procedure asks for, as published."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="required_components"
    )
    code = models.CharField(_("mã thành phần"), max_length=40)
    name = models.CharField(_("tên thành phần"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ của thủ tục")
        verbose_name_plural = _("thành phần hồ sơ của thủ tục")
        ordering = ["procedure", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "code"], name="one_component_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Hit(models.Model):
    """One request to a rate-limited public page, by a keyed hash of the client address."""

    scope = models.CharField(max_length=20)
    client = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "client", "at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.client[:8]} {self.at:%H:%M:%S}"
