"""The procedure catalogue (thủ tục hành chính, TTHC).

Facts that change over time and that indicators depend on (the online service level, whether
online payment is deployed) are kept as dated versions: ``Procedure.service_level_on(day)``
answers for any date. Money is integer VND.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.units.models import Unit


class Field(models.Model):
    """Lĩnh vực: the domain a procedure belongs to (justice, land, transport...)."""

    code = models.CharField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceLevel(models.TextChoices):
    """Online service level under Decree 42/2022/NĐ-CP."""

    NONE = "none", _("Không trực tuyến")
    PARTIAL = "partial", _("Trực tuyến một phần")
    FULL = "full", _("Trực tuyến toàn trình")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    HOURS = "hours", _("giờ làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")


# The 7 components a published procedure must show (766 group 1, PUBLIC_CONTENT_FULL).
PUBLICATION_COMPONENTS = (
    "name",  # tên thủ tục
    "sequence",  # trình tự thực hiện
    "method",  # cách thức thực hiện
    "dossier_components",  # thành phần hồ sơ
    "time_limit",  # thời hạn giải quyết
    "applicant",  # đối tượng thực hiện
    "agency",  # cơ quan thực hiện
)

APPLICANT_TYPES = ("citizen", "business", "agency", "other")


class Procedure(models.Model):
    code = models.CharField(_("mã TTHC"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    name_key = models.CharField(max_length=1000, editable=False)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("lĩnh vực")
    )
    applies_agency = models.BooleanField(_("cấp tỉnh"), default=False)
    applies_district = models.BooleanField(_("cấp huyện"), default=False)
    applies_commune = models.BooleanField(_("cấp xã"), default=False)
    agencies = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="procedures",
        verbose_name=_("cơ quan thực hiện"),
        help_text=_("Cơ quan cấp tỉnh thực hiện thủ tục (để trống: mọi đơn vị của cấp áp dụng)."),
    )
    time_limit = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=7, decimal_places=2, default=Decimal(0)
    )
    time_limit_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=16,
        choices=TimeUnit.choices,
        default=TimeUnit.WORKING_DAYS,
    )
    # Declared by the catalogue: a fee may be charged even when its amount is not recorded
    # (the fee items below carry the amounts that are known).
    has_fee = models.BooleanField(_("có phí, lệ phí"), default=False)
    has_financial_obligation = models.BooleanField(_("có nghĩa vụ tài chính"), default=False)
    requires_result = models.BooleanField(_("có kết quả giải quyết"), default=True)
    applicant_types = models.JSONField(_("đối tượng thực hiện"), default=list, blank=True)
    essential = models.BooleanField(_("dịch vụ công thiết yếu"), default=False)
    # Publication facts (766 group 1).
    decision_number = models.CharField(_("số quyết định công bố"), max_length=100, blank=True)
    decision_date = models.DateField(_("ngày quyết định công bố"), null=True, blank=True)
    published_date = models.DateField(_("ngày công khai trên CSDLQG"), null=True, blank=True)
    legal_basis_effective_date = models.DateField(
        _("ngày hiệu lực của văn bản quy định"), null=True, blank=True
    )
    published_components = models.JSONField(_("thành phần đã công khai"), default=list, blank=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        from motcua.core.text import fold

        self.name_key = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def levels(self) -> list[str]:
        flags = (
            ("agency", self.applies_agency),
            ("district", self.applies_district),
            ("commune", self.applies_commune),
        )
        return [name for name, on in flags if on]

    def service_level_on(self, day: dt.date) -> str:
        version = self.service_levels.filter(valid_from__lte=day).order_by("-valid_from").first()
        return version.level if version else ServiceLevel.NONE

    def online_payment_on(self, day: dt.date) -> bool:
        version = (
            self.payment_deployments.filter(valid_from__lte=day).order_by("-valid_from").first()
        )
        return bool(version and version.deployed)


class ProcedureFee(models.Model):
    """A fee item (phí / lệ phí) of a procedure; several per procedure, some 0."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    code = models.CharField(_("mã phí"), max_length=40, blank=True)
    name = models.CharField(_("tên phí, lệ phí"), max_length=500)
    amount = models.BigIntegerField(_("mức thu (VNĐ)"), default=0)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"


class ServiceLevelVersion(models.Model):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="service_levels"
    )
    level = models.CharField(_("mức độ"), max_length=10, choices=ServiceLevel.choices)
    valid_from = models.DateField(_("từ ngày"))

    class Meta:
        verbose_name = _("mức độ DVCTT")
        verbose_name_plural = _("lịch sử mức độ DVCTT")
        ordering = ["procedure", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "valid_from"], name="one_level_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.level} từ {self.valid_from}"


class PaymentDeploymentVersion(models.Model):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="payment_deployments"
    )
    deployed = models.BooleanField(_("đã triển khai thanh toán trực tuyến"))
    valid_from = models.DateField(_("từ ngày"))

    class Meta:
        verbose_name = _("triển khai thanh toán trực tuyến")
        verbose_name_plural = _("lịch sử triển khai thanh toán trực tuyến")
        ordering = ["procedure", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "valid_from"], name="one_payment_state_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.deployed} từ {self.valid_from}"
