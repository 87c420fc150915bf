"""Signed results go into the applicant's data store (TT 01/2023: results are kept for reuse).

When the signing app records a result on a dossier (an event from ``source="signing"``
that changes ``results``), every current signed result of the dossier not yet in the store
is stored as a file and a ``result`` item of the dossier's applicant
(``store.owner_of``: their ID-number hash, and their portal account). It runs inside the
signing transaction, in a savepoint: a failure here is logged and does not stop signing.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.db import transaction

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.files import services, store
from motcua.files.models import StoreItem

logger = logging.getLogger(__name__)


def keep_signed_results(sender: Any, dossier: Dossier, event: DossierEvent, **kwargs: Any) -> None:
    if event.source != "signing" or "results" not in event.changes:
        return
    if not apps.is_installed("motcua.signing"):
        return
    from motcua.signing.models import SignedResult

    who = store.owner_of(dossier)
    if not who:
        return
    kept = StoreItem.objects.filter(kind=StoreItem.Kind.RESULT, source_dossier_id=dossier.pk)
    for result in SignedResult.objects.current().filter(dossier_id=dossier.pk):
        if kept.filter(file__sha256=result.sha256).exists():
            continue
        try:
            with transaction.atomic():
                stored = services.store_bytes(
                    bytes(result.pdf), f"{result.code}.pdf", actor=event.actor_label
                )
                store.store_result(
                    who,
                    stored,
                    title=result.title,
                    code=result.document_code,
                    source_dossier=dossier,
                    actor=event.actor_label,
                )
        except Exception:
            logger.exception("signed result %s not kept in the data store", result.code)
