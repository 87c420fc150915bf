"""Daily aggregates: dossiers counted by handling unit, procedure, day and every fact the
indicators filter on. ``n`` dossiers share each row's key.

The table is a pure function of the dossiers (see facts.py): a bucket — one unit's dossiers
received on one local day — is recomputed whole whenever one of its dossiers changes, in the
writer's transaction, and ``motcua indicators rebuild`` recomputes everything. Rows with the
same key add up (there is no unique key): an import appends rows for the dossiers it
creates.
"""

from __future__ import annotations

from django.db import models

from motcua.procedures.models import Procedure
from motcua.units.models import Unit


class DailyFact(models.Model):
    # Indexed by (unit, received_day) below, not alone.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    received_day = models.DateField(null=True)
    finished_day = models.DateField(null=True)
    due_day = models.DateField(null=True)
    channel = models.PositiveSmallIntegerField()
    status = models.PositiveSmallIntegerField()
    applicant_type = models.PositiveSmallIntegerField()
    service_level = models.CharField(max_length=10)
    on_time = models.BooleanField()
    multi_supplement = models.BooleanField()
    digitized = models.BooleanField()
    components_filed = models.BooleanField()
    reused = models.BooleanField()
    from_data_store = models.BooleanField()
    has_result_file = models.BooleanField()
    requires_result = models.BooleanField()
    synced = models.BooleanField()
    online_paid = models.PositiveSmallIntegerField()
    has_fee = models.BooleanField()
    citizen_data = models.BooleanField()
    certified_copy = models.BooleanField(default=False)
    span_key = models.IntegerField(null=True)  # windows.span_key
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["unit", "received_day"]),
            models.Index(fields=["received_day"]),
            models.Index(fields=["finished_day"]),
            models.Index(fields=["span_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id}/{self.received_day}: {self.n}"


class OfficialEvaluation(models.Model):
    """A DVCQG evaluation response, stored as given (``raw``) with its figures below.

    The same file imported twice is one evaluation (``content_hash`` of the canonical JSON).
    """

    class Shape(models.TextChoices):
        TREE = "tree", "data.parent + data.children[]"
        METRICS = "metrics", "data.overview.metrics[] + data.evaluation[].metrics[]"

    content_hash = models.CharField(max_length=64, unique=True)
    source_name = models.CharField(max_length=255, blank=True)
    shape = models.CharField(max_length=10, choices=Shape.choices)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    raw = models.JSONField()
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.source_name or self.content_hash[:12]} ({self.shape})"


class OfficialFigure(models.Model):
    """One unit's official figure for an indicator, a group (``group:2``) or the total.

    Numbers are as published: null stays null, never 0.
    """

    evaluation = models.ForeignKey(
        OfficialEvaluation, on_delete=models.CASCADE, related_name="figures"
    )
    unit = models.ForeignKey(Unit, null=True, on_delete=models.SET_NULL, related_name="+")
    unit_code = models.CharField(max_length=60, blank=True)
    indicator = models.CharField(max_length=80)
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    ratio = models.FloatField(null=True)
    score = models.FloatField(null=True)
    max_score = models.FloatField(null=True)
    raw = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "unit_code", "indicator"], name="one_official_figure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_code} {self.indicator}: {self.score}"


class RunningTotal(models.Model):
    """Running totals of one unit's dossiers over one year, for one measure (windows.py):
    ``cum`` holds 366 little-endian uint32 counts, the i-th being the number of the unit's
    dossiers satisfying the measure whose anchor day is on or before day i of the year
    (0 = 1 January); ``total`` is the year's count. Derived from DailyFact (series.py)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    anchor = models.CharField(max_length=1)
    measure = models.CharField(max_length=16)
    total = models.BigIntegerField()
    cum = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "anchor", "year", "unit"], name="one_running_total"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}/{self.anchor}/{self.measure}: {self.total}"


class ProcedureActivity(models.Model):
    """The days of one year on which a unit received at least one dossier of a procedure
    satisfying a measure: bit i of ``w{i // 64}`` is day i of the year (0 = 1 January).
    Counts distinct procedures with a dossier in any period (series.py)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=16)
    w0 = models.BigIntegerField(default=0)
    w1 = models.BigIntegerField(default=0)
    w2 = models.BigIntegerField(default=0)
    w3 = models.BigIntegerField(default=0)
    w4 = models.BigIntegerField(default=0)
    w5 = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "year", "unit", "procedure"], name="one_procedure_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id}/{self.year}/{self.measure}"


class MeasureBuilt(models.Model):
    """A measure whose running totals (or procedure activity) are complete for every unit
    and year; see series.py."""

    key = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.key
