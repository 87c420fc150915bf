"""The DVCQG sync outbox and the systems allowed to push dossiers in.

:class:`OutboxEntry` holds, per dossier, the newest DVCQG payload not yet acknowledged
(one row per dossier: a newer change replaces the payload and bumps ``revision``, so only
the newest version is ever sent and a dossier is never sent as two). A worker claims rows
with a lease (``lease_token``, ``lease_until``); a row whose lease ran out is claimable
again, so a crashed worker's rows are picked up. See docs/sync.md.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.units.models import Unit


class OutboxEntry(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Đang chờ gửi")
        DONE = "done", _("Đã gửi")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="sync_outbox")
    code = models.CharField(_("mã hồ sơ"), max_length=60)
    revision = models.PositiveIntegerField(default=1)
    payload = models.JSONField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    enqueued_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    lease_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_revision = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.IntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("hàng đợi đồng bộ")
        verbose_name_plural = _("hàng đợi đồng bộ")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.code} r{self.revision} {self.state}"


class InboundSource(models.Model):
    """A system allowed to push dossiers to ``POST /api/sync/dossiers`` with its API key,
    only for its units (and the units below them are NOT included: list each one)."""

    name = models.CharField(_("hệ thống nguồn"), max_length=100, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("đơn vị"))
    active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hệ thống gửi hồ sơ")
        verbose_name_plural = _("hệ thống gửi hồ sơ")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
