"""Administrators edit the calendar overrides here; every change is audited."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.calendar.models import CalendarOverride
from motcua.calendar.services import WorkCalendar, build_calendar, record_override

WEEKDAYS = (
    _("Thứ hai"),
    _("Thứ ba"),
    _("Thứ tư"),
    _("Thứ năm"),
    _("Thứ sáu"),
    _("Thứ bảy"),
    _("Chủ nhật"),
)


@lru_cache(maxsize=1)
def _default_calendar() -> WorkCalendar:
    return build_calendar()


def _state(override: CalendarOverride) -> dict[str, str]:
    return {"date": override.date.isoformat(), "kind": override.kind, "note": override.note}


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ("date", "weekday", "kind", "default_status", "note", "changed_at")
    list_filter = ("kind",)
    search_fields = ("note",)
    date_hierarchy = "date"
    ordering = ("-date",)

    @admin.display(description=_("thứ"))
    def weekday(self, obj: CalendarOverride) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    @admin.display(description=_("theo lịch mặc định"))
    def default_status(self, obj: CalendarOverride) -> str:
        """What the day would be without any override (holidays, swaps, weekends)."""
        working = _default_calendar().is_working_day(obj.date)
        return str(CalendarOverride.Kind.WORK.label if working else CalendarOverride.Kind.OFF.label)

    @admin.display(description=_("cập nhật lúc"), ordering="updated_at")
    def changed_at(self, obj: CalendarOverride) -> datetime:
        return obj.updated_at

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
