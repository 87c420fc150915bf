"""Signals the dossier workflow sends, always after the transaction commits.

``dossier_status_changed`` is sent with ``sender=Dossier`` and the keyword arguments
``dossier`` (the saved instance), ``event`` (its new DossierEvent), ``old_status`` and
``new_status`` (``Status`` members). Receivers run after the commit (notifications,
sync queue...); they never run for a change that rolled back, and one failing receiver does
not stop the others (``send_robust``).

``dossier_changed`` and ``dossiers_imported`` differ: they are sent synchronously INSIDE the
writer's transaction, so a receiver's writes (the DVCQG sync outbox) commit or roll back
with the change, and a receiver that raises aborts it. ``dossier_changed`` comes from
``history.append_event`` with ``dossier`` (the in-memory instance with the new values) and
``event``; ``dossiers_imported`` from the importer with ``ids`` (dossiers created or changed).
"""

from __future__ import annotations

from django.dispatch import Signal

dossier_status_changed = Signal()
dossier_changed = Signal()
dossiers_imported = Signal()
