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
    # Random per database: two databases (a test's, a restored copy) at the same value
    # never share cache entries.
    token = models.CharField(max_length=32, default=new_token)

    def __str__(self) -> str:
        return str(self.value)
