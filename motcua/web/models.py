from __future__ import annotations

import secrets

from django.db import models


def new_token() -> str:
    return secrets.token_hex(8)


class DataGeneration(models.Model):
    """One row: a number that grows, in the writer's transaction, with every change to the
    data indicator figures are computed from. Cached figures are keyed by it, so a cached
    figure is never read after its data changed (motcua/web/generation.py)."""

    value = models.BigIntegerField(default=0)
    # Grows with every change *except* those confined to some units' dossiers (a writer's
    # ``series.batch()``), which move those units' :class:`UnitGeneration` instead.
    base = models.BigIntegerField(default=0)
    # Random per database: two databases (a test's, a restored copy) at the same value
    # never share cache entries.
    token = models.CharField(max_length=32, default=new_token)

    def __str__(self) -> str:
        return str(self.value)


class UnitGeneration(models.Model):
    """Per unit: a number that grows, in the writer's transaction, when the running totals
    of the unit's dossiers are rebuilt. A figure over some units is keyed by
    ``DataGeneration.base`` and its member units' generations: a write in one unit leaves
    the other units' cached figures warm (motcua/web/generation.py)."""

    unit_id = models.BigIntegerField(primary_key=True)  # no foreign key: outlives the unit
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.value}"
