"""Writing to the audit trail.

``record`` writes in the caller's transaction: a state change and its audit record commit
or roll back together.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from motcua.audit.models import AuditEvent

Actor = User | AnonymousUser | str | None


def actor_label(actor: Actor) -> str:
    """The name kept with a record: the username, a system label ("import") or "system"."""
    if isinstance(actor, User):
        return actor.get_username()
    if isinstance(actor, str) and actor:
        return actor
    return "system"


def record(
    action: str,
    *,
    actor: Actor,
    object_type: str,
    object_id: object = "",
    **data: Any,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if isinstance(actor, User) else None,
        actor_label=actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data=data,
    )
