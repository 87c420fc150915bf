"""Who may open a stored file: the one check the download view makes.

- An officer with ``view_dossiers`` whose unit scope includes a dossier the file is
  attached to (motcua.accounts.scope).
- A citizen account that uploaded the file, holds it in its data store, or filed a
  dossier it is attached to.
Anyone else gets a 404 (the file's existence is not revealed).
"""

from __future__ import annotations

from typing import Any

from motcua.accounts.roles import Capability, has_capability
from motcua.accounts.scope import dossiers_for
from motcua.files.models import Attachment, StoredFile, StoreItem
from motcua.files.store import account_tag


def can_open(user: Any, stored: StoredFile) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if has_capability(user, Capability.VIEW_DOSSIERS) and (
        dossiers_for(user).filter(attachments__file=stored).exists()
    ):
        return True
    if stored.uploaded_by_id == user.pk:
        return True
    if StoreItem.objects.filter(owner_account=user, file=stored).exists():
        return True
    return Attachment.objects.filter(
        file=stored, dossier__portal_account_id=account_tag(user.pk)
    ).exists()
