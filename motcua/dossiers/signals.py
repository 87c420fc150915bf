"""Signals the dossier workflow sends, always after the transaction commits.

``dossier_status_changed`` is sent with ``sender=Dossier`` and the keyword arguments
``dossier`` (the saved instance), ``event`` (its new DossierEvent), ``old_status`` and
``new_status`` (``Status`` members). Receivers run after the commit (notifications,
sync queue...); they never run for a change that rolled back, and one failing receiver does
not stop the others (``send_robust``).
"""

from __future__ import annotations

from django.dispatch import Signal

dossier_status_changed = Signal()
