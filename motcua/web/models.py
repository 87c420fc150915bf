from __future__ import annotations

from django.db import models


class DataGeneration(models.Model):
    """One row: a number that grows, in the writer's transaction, with every change to the
    data indicator figures are computed from. Cached figures are keyed by it, so a cached
    figure is never read after its data changed (motcua/web/generation.py)."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)
