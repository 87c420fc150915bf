"""``figures_changed``: sent inside the writer's transaction whenever data that indicator
figures are computed from changed in a way model signals do not see (the running totals
rebuilt from the daily aggregates, a queryset ``update()``). Caches of figures listen to it
(motcua/web/generation.py). Keyword ``units``: the ids of the units whose dossiers' totals
changed when the change is confined to them (``series.build`` of some (unit, year) pairs);
absent or None for anything wider."""

from __future__ import annotations

from django.dispatch import Signal

figures_changed = Signal()
