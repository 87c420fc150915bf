"""Finishing with a result: the signed electronic result of motcua.signing.

``finish_with_result`` runs inside the desk's finish transaction, with the dossier locked
and the rules checked. For a procedure with a result (``Procedure.requires_result``) it
asks signing for the signed result (``signing.services.issue_result``: render, sign
with the unit's certificate, store, record on the dossier; idempotent) and then moves the
dossier to 9 through ``workflow.change_status``. Without the signing app installed, or for
a procedure without a result document, only the status changes. A signing refusal (no
certificate for the unit…) refuses the finish with signing's message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.dossiers import workflow
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.workflow import WorkflowError


class ResultNotIssued(WorkflowError):
    """The signed result could not be issued; the message is signing's."""


def finish_with_result(dossier: Dossier, *, actor: Any, at: dt.datetime, note: str) -> Dossier:
    """Issue the signed result (when there is one to issue), then move the dossier to 9."""
    if dossier.procedure.requires_result:
        from motcua.signing.services import SigningError, issue_result

        try:
            issue_result(dossier, actor=actor)
        except SigningError as error:
            raise ResultNotIssued(str(error)) from error
    return workflow.change_status(dossier.pk, Status.PROCESSED, actor=actor, at=at, note=note)
