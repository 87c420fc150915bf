"""Administrators edit the calendar overrides here; every change is audited."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.calendar.models import CalendarOverride
from motcua.calendar.services import record_override


def _state(override: CalendarOverride) -> dict[str, str]:
    return {"date": override.date.isoformat(), "kind": override.kind, "note": override.note}


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ("date", "kind", "note", "updated_at")
    list_filter = ("kind",)
    search_fields = ("note",)
    date_hierarchy = "date"
    ordering = ("-date",)

    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: object, change: bool
    ) -> None:
        """Save and audit in one transaction (the admin's change view is atomic too)."""
        with transaction.atomic():
            before = None
            if obj.pk:
                previous = CalendarOverride.objects.filter(pk=obj.pk).first()
                before = _state(previous) if previous else None
            super().save_model(request, obj, form, change)
            record_override("calendar.override.set", obj.date, request.user, before, _state(obj))

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        with transaction.atomic():
            before = _state(obj)
            super().delete_model(request, obj)
            record_override("calendar.override.clear", obj.date, request.user, before, None)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        with transaction.atomic():
            for obj in queryset.select_for_update():
                self.delete_model(request, obj)
