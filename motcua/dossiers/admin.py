"""Dossiers in the admin: read-only, personal data masked only.

Dossiers change through the workflow (motcua.dossiers.workflow) and imports, never by
editing a row here, so every permission except viewing is refused. The encrypted blob is
not shown at all; the masked ID number and phone are.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierEvent


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DossierEventInline(ReadOnlyMixin, admin.TabularInline[DossierEvent, Dossier]):
    model = DossierEvent
    fields = ("seq", "kind", "occurred_at", "recorded_at", "actor_label", "source", "changes")
    readonly_fields = fields
    ordering = ["seq"]
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin[Dossier]):
    list_display = ["code", "unit", "procedure", "status", "channel", "received_at", "due_at"]
    list_filter = ["status", "channel", "online_paid", "sync_state", "unit__level"]
    list_select_related = ["unit", "procedure"]
    search_fields = ["code"]
    date_hierarchy = "received_at"
    show_full_result_count = False
    inlines = [DossierEventInline]
    fieldsets = [
        (None, {"fields": ["code", "procedure", "unit", "channel", "status", "version"]}),
        (
            _("Chủ hồ sơ"),
            {
                "fields": [
                    "applicant_type",
                    "applicant_name",
                    "applicant_id_masked",
                    "phone_masked",
                    "portal_account_id",
                    "vneid_verified",
                    "summary",
                ]
            },
        ),
        (
            _("Thời hạn"),
            {
                "fields": [
                    "submitted_at",
                    "received_at",
                    "due_at",
                    "finished_at",
                    "refused_at",
                    "returned_at",
                ]
            },
        ),
        (
            _("Dữ liệu DVCQG"),
            {
                "fields": [
                    "components",
                    "fees",
                    "results",
                    "supplements",
                    "steps",
                    "online_paid",
                    "national_databases",
                    "sync_state",
                    "synced_at",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [
            name
            for _title, spec in self.fieldsets or []
            for name in spec["fields"]
            if isinstance(name, str)
        ]
