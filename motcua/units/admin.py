"""Admin pages for units and their reforms: meant for reading and small corrections.

Reforms (merge, split, rename, move) go through motcua.units.services so that they are
audited; the event list is therefore read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from motcua.units.models import Unit, UnitEvent, UnitParent


class ParentLinkInline(admin.TabularInline[UnitParent, Unit]):
    model = UnitParent
    fk_name = "unit"
    extra = 0
    autocomplete_fields = ["parent"]
    fields = ["parent", "valid_from", "valid_to"]
    ordering = ["valid_from"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "code", "gso_code", "level", "valid_from", "valid_to"]
    list_filter = ["level", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["name", "name_key", "code", "gso_code"]
    readonly_fields = ["identifier"]
    fields = ["name", "level", "code", "identifier", "gso_code", "valid_from", "valid_to"]
    inlines = [ParentLinkInline]
    list_per_page = 50


@admin.register(UnitEvent)
class UnitEventAdmin(admin.ModelAdmin[UnitEvent]):
    list_display = ["effective_date", "kind", "heir", "old_name", "new_name", "recorded_at"]
    list_filter = ["kind"]
    date_hierarchy = "effective_date"
    search_fields = ["sources__name", "targets__name", "old_name", "new_name", "note"]
    filter_horizontal = ["sources", "targets"]
    list_select_related = ["heir"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
