"""Campaigns (chiến dịch), targets (chỉ tiêu), checkpoint snapshots and plan tasks.

A campaign tracks indicators of one formula set for the units in scope over a period, with
phases and checkpoints. Targets belong to a campaign or stand alone for a year. A snapshot
freezes every tracked figure at a checkpoint: it is written once and never changed, so a
later report shows "as reported then" next to today's corrected figures. See
docs/campaigns.md.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.units.models import Level, Unit


class Campaign(models.Model):
    name = models.CharField(_("tên"), max_length=500)
    plan_number = models.CharField(_("số kế hoạch"), max_length=100, blank=True)
    plan_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    baseline_start = models.DateField(_("kỳ gốc từ ngày"), null=True, blank=True)
    baseline_end = models.DateField(_("kỳ gốc đến ngày"), null=True, blank=True)
    scope_root = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scope_levels = models.JSONField(_("cấp trong phạm vi"), default=list)
    formula_set = models.CharField(_("bộ công thức"), max_length=40, default="plan")
    indicators = models.JSONField(_("chỉ số theo dõi"), default=list)
    min_dossiers = models.PositiveIntegerField(_("số hồ sơ tối thiểu để xếp hạng"), default=30)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chiến dịch")
        verbose_name_plural = _("chiến dịch")
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lte=models.F("end")), name="campaign_period"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(_("tên"), max_length=255)
    start = models.DateField()
    end = models.DateField()
    tasks = models.JSONField(_("nhiệm vụ"), default=list)

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="phase_number_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Checkpoint(models.Model):
    """Figures are frozen for campaign start → ``due`` (cumulative) once ``due`` is over."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checkpoints")
    due = models.DateField(_("mốc"))

    class Meta:
        ordering = ["campaign", "due"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "due"], name="checkpoint_due_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} @ {self.due:%d/%m/%Y}"


class Target(models.Model):
    """A target on one indicator for a level, a group of units or one unit.

    ``kind`` absolute: the rate must reach ``value`` percent. ``kind`` increase: the rate
    must rise by ``value`` percentage points over the baseline period's rate. A target
    without a campaign is a standing target for ``year``.
    """

    class Kind(models.TextChoices):
        ABSOLUTE = "absolute", _("tỷ lệ tuyệt đối")
        INCREASE = "increase", _("tăng so với kỳ gốc")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    formula_set = models.CharField(max_length=40, default="plan")
    indicator = models.CharField(_("chỉ số"), max_length=80)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices, blank=True)
    group_name = models.CharField(_("nhóm đơn vị"), max_length=255, blank=True)
    units = models.ManyToManyField(Unit, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.DecimalField(_("giá trị (%, điểm %)"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(campaign__isnull=False) | models.Q(year__isnull=False),
                name="target_campaign_or_year",
            )
        ]

    def __str__(self) -> str:
        sign = "+" if self.kind == self.Kind.INCREASE else "≥ "
        return f"{self.indicator} {sign}{self.value}"


class ImmutableError(Exception):
    pass


class _WriteOnceQuerySet(models.QuerySet[Any]):
    """Bulk updates and deletes are refused too."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableError(f"{self.model.__name__} rows are frozen")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError(f"{self.model.__name__} rows are frozen")


class _WriteOnce(models.Model):
    """Rows written once: saving an existing row or deleting one raises."""

    objects = _WriteOnceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError(f"{type(self).__name__} {self.pk} is frozen")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError(f"{type(self).__name__} {self.pk} is frozen")


class Snapshot(_WriteOnce):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="snapshots")
    checkpoint = models.OneToOneField(Checkpoint, on_delete=models.PROTECT, related_name="snapshot")
    taken_at = models.DateTimeField()
    period_start = models.DateField()
    period_end = models.DateField()

    class Meta:
        ordering = ["campaign", "period_end"]

    def __str__(self) -> str:
        return f"{self.campaign_id} @ {self.period_end:%d/%m/%Y}"


class SnapshotFigure(_WriteOnce):
    class Kind(models.TextChoices):
        CURRENT = "current", _("trong chiến dịch")
        BASELINE = "baseline", _("kỳ gốc")

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="figures")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(max_length=255)
    indicator = models.CharField(max_length=80)
    numerator = models.BigIntegerField()
    denominator = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "kind", "unit", "indicator"], name="snapshot_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.indicator} {self.numerator}/{self.denominator}"


class Plan(models.Model):
    """A plan (kế hoạch) with numbered tasks, optionally the plan of a campaign."""

    number = models.CharField(_("số kế hoạch"), max_length=100, unique=True)
    title = models.CharField(_("trích yếu"), max_length=500, blank=True)
    date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="plans"
    )

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")

    def __str__(self) -> str:
        return self.number


class PlanTask(models.Model):
    class Deadline(models.TextChoices):
        DATE = "date", _("ngày")
        QUARTER = "quarter", _("quý")
        RECURRING = "recurring", _("thường xuyên")
        OTHER = "other", _("khác")

    class Every(models.TextChoices):
        WEEK = "week", _("hằng tuần")
        MONTH = "month", _("hằng tháng")
        QUARTER = "quarter", _("hằng quý")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveIntegerField(_("số thứ tự"))
    content = models.TextField(_("tên nhiệm vụ"))
    product = models.TextField(_("sản phẩm dự kiến"), blank=True)
    lead_text = models.CharField(_("cơ quan chủ trì"), max_length=500)
    coordinating_text = models.CharField(_("cơ quan phối hợp"), max_length=500, blank=True)
    lead_units = models.ManyToManyField(Unit, blank=True, related_name="+")
    lead_levels = models.JSONField(default=list)
    coordinating_units = models.ManyToManyField(Unit, blank=True, related_name="+")
    external = models.JSONField(_("cơ quan ngoài hệ thống"), default=list)
    deadline_text = models.CharField(_("thời gian thực hiện"), max_length=255)
    deadline_kind = models.CharField(max_length=10, choices=Deadline.choices)
    due = models.DateField(_("hạn"), null=True, blank=True)
    report_every = models.CharField(max_length=10, choices=Every.choices, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_task_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.content[:60]}"


class TaskReport(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("chưa thực hiện")
        IN_PROGRESS = "in_progress", _("đang thực hiện")
        DONE = "done", _("hoàn thành")

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField(_("ngày báo cáo"))
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    evidence = models.FileField(_("tệp minh chứng"), upload_to="plan-evidence/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.unit_id} {self.status} {self.reported_on}"
