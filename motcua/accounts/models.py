"""Accounts' unit scope, API keys for other systems, and login attempts (rate limiting)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.units.models import Unit

KEY_PREFIX = "mck_"


class UnitAssignment(models.Model):
    """``user`` works for ``unit``: they see the unit and everything under it (scope.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="unit_assignments",
        verbose_name=_("tài khoản"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phạm vi đơn vị")
        verbose_name_plural = _("phạm vi đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="unit_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.unit_id}"


def hash_key(key: str) -> str:
    """SHA-256 of the whole key: keys are 256-bit random, so a fast hash is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A key another system presents (``Authorization: Bearer …`` or ``X-API-Key``).

    Only the hash is stored; the key is shown once, when created. A key sees its units'
    subtrees, with the capabilities of roles.API_KEY_CAPABILITIES.
    """

    name = models.CharField(_("tên"), max_length=100, unique=True)
    prefix = models.CharField(_("tiền tố"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("đơn vị"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.CharField(_("người tạo"), max_length=150, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    # An API key stands where a user would in scope and capability checks.
    is_authenticated = True
    is_superuser = False

    @staticmethod
    def generate() -> tuple[str, str, str]:
        """A new key: ``(key, prefix, hash)``."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        return key, key[:12], hash_key(key)

    @classmethod
    def find(cls, key: str) -> ApiKey | None:
        """The active key with this value, or None."""
        if not key.startswith(KEY_PREFIX):
            return None
        return cls.objects.active().filter(key_hash=hash_key(key)).first()

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class LoginAttempt(models.Model):
    """One login attempt: the rate limiter counts recent failures per username and per IP."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("lần đăng nhập")
        verbose_name_plural = _("lần đăng nhập")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.ip} {self.succeeded}"
