"""Writing to the audit trail.

``record`` writes in the caller's transaction: a state change and its audit record commit
or roll back together.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from motcua.audit.models import AuditEvent


def record(
    action: str,
    *,
    actor: User | AnonymousUser | str | None,
    object_type: str,
    object_id: object = "",
    **data: Any,
) -> AuditEvent:
    user = actor if isinstance(actor, User) else None
    if user is not None:
        label = user.get_username()
    elif isinstance(actor, str):
        label = actor
    else:
        label = "system"
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data=data,
    )
