"""Read-only admin lists; the operator page (/sync/) is where rows are retried."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from motcua.sync.models import InboundSource, OutboxEntry


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxEntry)
class OutboxEntryAdmin(_ReadOnly):
    list_display = ["code", "revision", "sent_revision", "state", "attempts", "next_attempt_at"]
    list_filter = ["state"]
    search_fields = ["code"]
    exclude = ["payload"]  # personal data in clear

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(InboundSource)
class InboundSourceAdmin(_ReadOnly):
    list_display = ["name", "active", "created_at"]
    exclude = ["key_hash"]
