"""Finishing with a result: the seam to the signing app (motcua.signing).

When the signing app is installed and exposes ``issue_result(dossier, *, actor)``, the
desk's finish issues a signed electronic result through it; otherwise the dossier is moved
to 9 (processed) through the workflow without a result file. Either way the status change
is ``dossiers.workflow.change_status``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.apps import apps

from motcua.dossiers import workflow
from motcua.dossiers.models import Dossier, Status


def signed_result_issuer() -> Callable[..., Any] | None:
    """signing's ``issue_result`` if that app is installed, else None."""
    if not apps.is_installed("motcua.signing"):
        return None
    from importlib import import_module

    for module in ("motcua.signing.services", "motcua.signing"):
        try:
            issuer = getattr(import_module(module), "issue_result", None)
        except ImportError:
            continue
        if callable(issuer):
            return issuer
    return None


def finish_with_result(dossier: Dossier, *, actor: Any, at: dt.datetime, note: str) -> Dossier:
    """Move a dossier under processing to 9, with a signed result when signing exists.

    Runs inside the caller's transaction with the dossier locked.
    """
    issuer = signed_result_issuer()
    if issuer is not None:
        issuer(dossier, actor=actor)
        dossier.refresh_from_db()
        if dossier.status == Status.PROCESSED:
            return dossier
    return workflow.change_status(dossier.pk, Status.PROCESSED, actor=actor, at=at, note=note)
