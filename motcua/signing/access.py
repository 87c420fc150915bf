"""Who may download a signed result (the one check the views and the portal use).

- Staff who may view dossiers (``Capability.VIEW_DOSSIERS``) and have the dossier's unit
  in their scope (motcua.accounts.scope).
- The dossier's owner: the citizen account whose :func:`portal_account_id` is the
  dossier's ``portal_account_id`` (MaDoiTuong).
- Anyone with the result's public token (the link printed in QR codes and sent to the
  applicant), through the token URL; that path does not call :func:`can_download`.

Everyone else gets a 404 from the views, never a 403.
"""

from __future__ import annotations

from typing import Any

from motcua.accounts.roles import Capability, has_capability
from motcua.accounts.scope import can_see_unit
from motcua.signing.models import SignedResult

# The portal files a citizen's dossier with portal_account_id "motcua-<account id>" (the
# convention of motcua.files.store.account_tag on the portal branch).
ACCOUNT_TAG = "motcua-"


def portal_account_id(user: Any) -> str:
    """The value a citizen's own dossiers carry in ``Dossier.portal_account_id``."""
    return f"{ACCOUNT_TAG}{user.pk}"


def is_owner(user: Any, result: SignedResult) -> bool:
    owner = result.dossier.portal_account_id
    return bool(owner) and owner == portal_account_id(user)


def can_download(user: Any, result: SignedResult) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if has_capability(user, Capability.VIEW_DOSSIERS) and can_see_unit(
        user, result.dossier.unit_id
    ):
        return True
    return is_owner(user, result)
