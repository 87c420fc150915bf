"""Units of government (đơn vị) and their history.

A unit is valid over ``[valid_from, valid_to]`` (inclusive dates, ``None`` = open). Its
place in the tree is a series of :class:`UnitParent` links, each valid over its own range,
so the tree can be read as of any date. Reforms are :class:`UnitEvent` rows (merge, split,
rename, move) with the date the new state takes effect; they say whose history rolls up
into whom. See motcua.units.history for the queries.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.units.codes import to_identifier


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh (UBND tỉnh)")
    AGENCY = "agency", _("Sở, ban, ngành")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


# District level was abolished by the 2025 two-level local government reform.
DISTRICT_LEVEL_ENDS = dt.date(2025, 6, 30)


class UnitQuerySet(models.QuerySet["Unit"]):
    def valid_on(self, day: dt.date) -> UnitQuerySet:
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )


class Unit(models.Model):
    code = models.CharField(
        _("mã DVCQG"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Ví dụ H44.07; mã định danh 000.00.07.H44 được chấp nhận và chuẩn hoá."),
    )
    gso_code = models.CharField(
        _("mã thống kê"),
        max_length=10,
        blank=True,
        db_index=True,
        help_text=_("Mã đơn vị hành chính của Tổng cục Thống kê (tỉnh 2, huyện 3, xã 5 số)."),
    )
    name = models.CharField(_("tên"), max_length=255)
    name_key = models.CharField(max_length=255, db_index=True, editable=False)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices, db_index=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_to")),
                name="unit_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code or self.gso_code})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_key = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def identifier(self) -> str:
        """The TT 10/2016 identifier, when the unit has a DVCQG code."""
        return to_identifier(self.code) if self.code else ""

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class UnitParent(models.Model):
    """``unit`` sits under ``parent`` over ``[valid_from, valid_to]``."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="parent_links", verbose_name=_("đơn vị")
    )
    parent = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="child_links", verbose_name=_("cấp trên")
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("quan hệ cấp trên")
        verbose_name_plural = _("quan hệ cấp trên")
        indexes = [models.Index(fields=["parent", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.unit_id} ⊂ {self.parent_id} [{self.valid_from}, {self.valid_to}]"


class UnitEvent(models.Model):
    """A reform of the unit tree, effective from ``effective_date`` (the first new day)."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Hợp nhất / sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        MOVE = "move", _("Chuyển cấp trên")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"), db_index=True)
    sources = models.ManyToManyField(
        Unit, related_name="events_as_source", verbose_name=_("đơn vị trước")
    )
    targets = models.ManyToManyField(
        Unit, related_name="events_as_target", verbose_name=_("đơn vị sau")
    )
    old_name = models.CharField(_("tên cũ"), max_length=255, blank=True)
    new_name = models.CharField(_("tên mới"), max_length=255, blank=True)
    old_parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The target that inherits the sources' history: the merged unit, or for a split the
    # first listed target (many-to-many rows keep no order, so it is stored explicitly).
    heir = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("đơn vị kế thừa"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện sắp xếp đơn vị")
        verbose_name_plural = _("sự kiện sắp xếp đơn vị")
        ordering = ["effective_date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date}"
