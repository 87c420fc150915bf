"""Who may see which dossier and download which form (the one place the desk asks).

Staff: a capability (RECEIVE_DOSSIERS for the counter, PROCESS_DOSSIERS for the desk)
and the dossier's unit in the officer's scope; another unit's dossier is a 404
(motcua.accounts.scope). Applicants: only forms 01–04 of their own dossier, through
:func:`applicant_form` (the portal calls it with the signed-in account's id).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from motcua.accounts.roles import Capability, has_capability
from motcua.accounts.scope import dossiers_for
from motcua.dossiers.models import Dossier
from motcua.onestop import documents

DESK_CAPABILITIES = (Capability.RECEIVE_DOSSIERS, Capability.PROCESS_DOSSIERS)


def require_any(user: Any, *capabilities: Capability) -> None:
    """403 unless the user has one of ``capabilities``."""
    if not any(has_capability(user, c) for c in capabilities):
        raise PermissionDenied


def staff_dossier(user: Any, code: str, *capabilities: Capability) -> Dossier:
    """The dossier ``code`` if the user has a capability and the unit in scope, else 403/404."""
    require_any(user, *(capabilities or DESK_CAPABILITIES))
    rows = dossiers_for(user, Dossier.objects.select_related("procedure", "unit"))
    try:
        return rows.get(code=code)
    except Dossier.DoesNotExist:
        raise Http404("dossier not found") from None


def form_pdf(dossier: Dossier, number: int, *, base_url: str, actor: Any) -> bytes:
    """Form 01–05 of a dossier (the caller has checked access). Raises Http404 when the
    dossier has no such form yet."""
    try:
        if number == 1:
            return documents.receipt(dossier, base_url=base_url, actor=actor)
        if number == 2:
            return documents.supplement_request(dossier)
        if number == 3:
            return documents.refusal(dossier)
        if number == 4:
            return documents.apology(dossier)
        if number == 5:
            return documents.control_slip(dossier)
    except documents.FormNotAvailable as exc:
        raise Http404(str(exc)) from None
    raise Http404("no such form")


def applicant_form(dossier: Dossier, number: int, *, account: Any, base_url: str) -> bytes:
    """Form 01–04 for the citizen account that filed ``dossier`` through the portal.

    The dossier's ``portal_account_id`` must be the account's tag
    (``files.store.account_tag``); anyone else, and forms 05/06 (internal), get a 404.
    """
    from motcua.files.store import account_tag

    if number not in documents.APPLICANT_FORMS:
        raise Http404("no such form")
    if not getattr(account, "is_authenticated", False) or (
        dossier.portal_account_id != account_tag(account.pk)
    ):
        raise Http404("dossier not found")
    return form_pdf(dossier, number, base_url=base_url, actor=account)
