from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import ApiKey, UnitAssignment
from motcua.audit.log import record


class UnitAssignmentInline(admin.TabularInline[UnitAssignment, User]):
    model = UnitAssignment
    extra = 1
    autocomplete_fields = ["unit"]
    verbose_name = _("đơn vị phụ trách")
    verbose_name_plural = _("đơn vị phụ trách (tài khoản thấy đơn vị và các đơn vị trực thuộc)")


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    inlines = [UnitAssignmentInline]
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    """Keys are created with ``motcua apikeys create`` (the key is shown once there)."""

    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    filter_horizontal = ["units"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Thu hồi các khóa đã chọn"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset.filter(revoked_at__isnull=True):
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            record("apikey.revoke", actor=request.user, object_type="apikey", object_id=key.pk)
