"""E-mails to the applicant at each step that concerns them, sent after the commit.

Steps: received (2), supplement requested (5, form 02), refused (3, form 03), apology and
new date (form 04), result ready (9), stopped (8). Status steps come from the workflow's
``dossier_status_changed`` signal (sent only after the commit); counter intake and
apologies, which send no status signal, schedule theirs with :func:`after_commit`.

Each notification is a :class:`~motcua.onestop.models.Notification` row keyed by dossier,
kind and event, so a step is announced once; a failed send keeps its error on the row and
does not undo the step. A failed send is retried by a background task with a growing delay
(``RETRY_DELAYS``), and ``motcua onestop resend`` retries every unsent one at once (cron,
or after fixing the mail server); a retry sends under a lock on the row and never twice.
The address is read from the encrypted personal data; that read is audited. The texts are
Vietnamese templates (``onestop/email/<kind>.txt``, subject on the first line); the e-mail
transport is Django's (SMTP configured through motcua/env.py, the console backend by
default, docs/CONFIGURATION.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from motcua.audit import log as audit
from motcua.dossiers import pii
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.signals import dossier_status_changed
from motcua.onestop import documents
from motcua.onestop.models import Notification

logger = logging.getLogger(__name__)

Kind = Notification.Kind

STATUS_KINDS: dict[int, str] = {
    Status.RECEIVED: Kind.RECEIVED,
    Status.REFUSED: Kind.REFUSED,
    Status.SUPPLEMENT_REQUESTED: Kind.SUPPLEMENT,
    Status.STOPPED: Kind.STOPPED,
    Status.PROCESSED: Kind.RESULT,
}


def connect() -> None:
    dossier_status_changed.connect(
        on_status_changed, sender=Dossier, dispatch_uid="onestop.notifications"
    )


def on_status_changed(
    sender: Any, dossier: Dossier, event: Any, new_status: Status, **_: Any
) -> None:
    kind = STATUS_KINDS.get(int(new_status))
    if kind is not None:
        send(dossier.pk, kind, seq=event.seq)


def after_commit(dossier_id: int, kind: str, *, seq: int) -> None:
    """Send the notification once the current transaction commits (never on rollback)."""
    transaction.on_commit(lambda: send(dossier_id, kind, seq=seq), robust=True)


def _absolute(path: str) -> str:
    return settings.PUBLIC_URL.rstrip("/") + path


def status_link(code: str) -> str:
    return documents.status_url(code, settings.PUBLIC_URL)


def _context(dossier: Dossier, kind: str) -> dict[str, Any]:
    from motcua.onestop.models import Apology

    context: dict[str, Any] = {
        "dossier": dossier,
        "unit": dossier.unit,
        "procedure": dossier.procedure,
        "link": status_link(dossier.code),
        "due": _when(dossier.due_at),
    }
    if kind == Kind.SUPPLEMENT and dossier.supplements:
        context["request"] = dossier.supplements[-1].get("NoiDungBoSung", "")
    if kind in (Kind.REFUSED, Kind.STOPPED) and dossier.steps:
        context["reason"] = dossier.steps[-1].get("NoiDungXuLy", "")
    if kind == Kind.RESULT:
        links = [r.get("DuongDanTepTinKetQua") for r in dossier.results]
        path = next((str(link) for link in reversed(links) if link), "")
        if path:
            context["result_link"] = path if "://" in path else _absolute(path)
    if kind == Kind.APOLOGY:
        apology = Apology.objects.filter(dossier=dossier).order_by("-number").first()
        context["apology"] = apology
        context["new_due"] = _when(apology.new_due_at if apology else None)
    return context


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%H:%M ngày %d/%m/%Y}" if moment else ""


def render(dossier: Dossier, kind: str) -> tuple[str, str]:
    """(subject, body) of a notification, in Vietnamese."""
    with translation.override("vi"):
        text = render_to_string(f"onestop/email/{kind}.txt", _context(dossier, kind))
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send(dossier_id: int, kind: str, *, seq: int) -> Notification | None:
    """Send one notification (once per dossier, kind and event); None without an address."""
    dossier = Dossier.objects.select_related("unit", "procedure").get(pk=dossier_id)
    address = str(pii.reveal(dossier.pii).get("Email") or "")
    if not address:
        return None
    key = f"{dossier_id}:{kind}:{seq}"
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            key=key,
            defaults={"dossier": dossier, "kind": kind, "recipient_masked": _mask(address)},
        )
        if not created:
            return notification
        _audit_read(dossier, f"notification:{kind}")
    _deliver(notification, dossier, address)
    return notification


def _audit_read(dossier: Dossier, purpose: str) -> None:
    """The applicant's e-mail address was read (from the encrypted personal data)."""
    audit.record(
        "dossier.pii.read",
        actor="notifications",
        object_type="dossier",
        object_id=dossier.pk,
        code=dossier.code,
        fields=["Email"],
        purpose=purpose,
    )


# Delays before the automatic retries of a failed send (then only `onestop resend`).
RETRY_DELAYS = (
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)


def _deliver(notification: Notification, dossier: Dossier, address: str) -> bool:
    """One attempt; a failure is kept on the row (never undoing the step) and retried."""
    subject, body = render(dossier, notification.kind)
    notification.attempts += 1
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as error:  # a mail failure never undoes the step; it is kept visible
        logger.warning("notification %s not sent: %s", notification.key, error)
        notification.error = str(error)[:2000]
        notification.save(update_fields=["error", "attempts"])
        if notification.attempts <= len(RETRY_DELAYS):
            _schedule_retry(notification.pk, RETRY_DELAYS[notification.attempts - 1])
        return False
    notification.sent_at = timezone.now()
    notification.error = ""
    notification.save(update_fields=["sent_at", "error", "attempts"])
    return True


def _schedule_retry(notification_id: int, after: dt.timedelta) -> None:
    from motcua.onestop.tasks import retry_notification

    try:
        retry_notification.using(run_after=timezone.now() + after).enqueue(notification_id)
    except Exception:  # the queue is an optimisation: `onestop resend` finds it anyway
        logger.exception("could not schedule the retry of notification %s", notification_id)


def retry(notification_id: int) -> bool | None:
    """Send an unsent notification again (the row locked: concurrent retries send once).
    True when sent now, False when it failed again, None when there is nothing to do
    (already sent, or the applicant's address is gone)."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.sent_at is not None:
            return None
        dossier = Dossier.objects.select_related("unit", "procedure").get(
            pk=notification.dossier_id
        )
        address = str(pii.reveal(dossier.pii).get("Email") or "")
        _audit_read(dossier, f"notification:{notification.kind}:retry")
        if not address:
            notification.error = "no e-mail address any more"
            notification.save(update_fields=["error"])
            return None
        return _deliver(notification, dossier, address)


def unsent() -> list[int]:
    """Notifications not (yet) delivered, oldest first."""
    rows = Notification.objects.filter(sent_at__isnull=True).order_by("created_at", "pk")
    return list(rows.values_list("pk", flat=True))


def _mask(address: str) -> str:
    name, _, domain = address.partition("@")
    return (name[:1] + "***@" + domain) if domain else "***"
