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
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
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
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["unit", "received_day"]),
            models.Index(fields=["received_day"]),
            models.Index(fields=["finished_day"]),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id}/{self.received_day}: {self.n}"
