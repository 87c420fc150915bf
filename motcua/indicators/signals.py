"""``figures_changed``: sent inside the writer's transaction whenever data that indicator
figures are computed from changed in a way model signals do not see (the running totals
rebuilt from the daily aggregates, a queryset ``update()``). Caches of figures listen to it
(motcua/web/generation.py)."""

from __future__ import annotations

from django.dispatch import Signal

figures_changed = Signal()
