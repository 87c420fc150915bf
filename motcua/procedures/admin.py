"""Admin pages for the procedure catalogue: fees and the dated histories inline."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit.log import record
from motcua.core.text import fold
from motcua.procedures.models import (
    Field,
    PaymentDeploymentVersion,
    Procedure,
    ProcedureFee,
    ServiceLevel,
    ServiceLevelVersion,
)


class FeeInline(admin.TabularInline[ProcedureFee, Procedure]):
    model = ProcedureFee
    extra = 0
    fields = ["name", "code", "amount"]


class ServiceLevelInline(admin.TabularInline[ServiceLevelVersion, Procedure]):
    """History is appended: add a row with a new date rather than editing an old one."""

    model = ServiceLevelVersion
    extra = 0
    fields = ["valid_from", "level"]
    ordering = ["valid_from"]


class PaymentInline(admin.TabularInline[PaymentDeploymentVersion, Procedure]):
    model = PaymentDeploymentVersion
    extra = 0
    fields = ["valid_from", "deployed"]
    ordering = ["valid_from"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin[Field]):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ["code", "name", "field", "time_limit", "time_limit_unit", "service_level"]
    list_filter = [
        "field",
        "essential",
        "applies_agency",
        "applies_district",
        "applies_commune",
        "has_fee",
    ]
    search_fields = ["code", "name", "name_key"]
    autocomplete_fields = ["field", "agencies"]
    inlines = [FeeInline, ServiceLevelInline, PaymentInline]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["code", "name", "field", "essential"]}),
        (
            _("Cấp và cơ quan thực hiện"),
            {"fields": ["applies_agency", "applies_district", "applies_commune", "agencies"]},
        ),
        (
            _("Thời hạn, phí và kết quả"),
            {
                "fields": [
                    "time_limit",
                    "time_limit_unit",
                    "has_fee",
                    "has_financial_obligation",
                    "requires_result",
                    "applicant_types",
                ]
            },
        ),
        (
            _("Công bố, công khai"),
            {
                "fields": [
                    "decision_number",
                    "decision_date",
                    "published_date",
                    "legal_basis_effective_date",
                    "published_components",
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        """With today's service level annotated (one query for the whole list page)."""
        today = ServiceLevelVersion.objects.filter(
            procedure=OuterRef("pk"), valid_from__lte=timezone.localdate()
        ).order_by("-valid_from")
        return (
            super()
            .get_queryset(request)
            .select_related("field")
            .annotate(level_today=Subquery(today.values("level")[:1]))
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Procedure], search_term: str
    ) -> tuple[QuerySet[Procedure], bool]:
        """Accent-insensitive: "chung thuc" finds "Chứng thực"."""
        return super().get_search_results(request, queryset, fold(search_term))

    @admin.display(description=_("mức độ DVCTT hôm nay"))
    def service_level(self, procedure: Procedure) -> str:
        level = getattr(procedure, "level_today", None) or ServiceLevel.NONE
        return str(ServiceLevel(level).label)

    def save_model(self, request: HttpRequest, obj: Procedure, form: object, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            action = "procedures.change" if change else "procedures.add"
            record(action, actor=request.user, object_type="Procedure", object_id=obj.code)
