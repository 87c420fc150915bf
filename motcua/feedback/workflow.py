"""The PAKN workflow: the transition table (data) and the one function that moves a petition.

:func:`submit` receives a petition (deadlines stamped from the calendar, repeat detection);
:func:`transition` locks the row, checks :data:`TRANSITIONS`, stamps the dates of the new
state, appends one :class:`PetitionEvent` and writes the audit record, in one transaction;
:func:`reply` appends a message without a state change; :func:`vote` records a reader's
like or dislike of a published answer. See docs/feedback.md.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit import log as audit
from motcua.audit.log import Actor, actor_label
from motcua.calendar.services import current_calendar
from motcua.core.text import fold
from motcua.dossiers import pii
from motcua.dossiers.models import Dossier
from motcua.feedback import deadlines
from motcua.feedback.models import AnswerVote, Petition, PetitionEvent, PetitionState
from motcua.indicators.signals import figures_changed
from motcua.procedures.models import Procedure
from motcua.units.models import Unit

P = PetitionState

TRANSITIONS: dict[str, frozenset[str]] = {
    P.RECEIVED: frozenset({P.PROCESSING, P.SUPPLEMENT_REQUESTED, P.REFUSED, P.ANSWERED}),
    P.PROCESSING: frozenset({P.PROCESSING, P.SUPPLEMENT_REQUESTED, P.REFUSED, P.ANSWERED}),
    P.SUPPLEMENT_REQUESTED: frozenset({P.PROCESSING, P.REFUSED}),
    P.ANSWERED: frozenset({P.PUBLISHED}),
    P.REFUSED: frozenset(),
    P.PUBLISHED: frozenset(),
}
OPEN_STATES = frozenset({P.RECEIVED, P.PROCESSING, P.SUPPLEMENT_REQUESTED, P.ANSWERED})

# Repeated complaints: an earlier petition from the same sender within this many days.
REPEAT_WINDOW_DAYS = 365


class PetitionError(Exception):
    """A change the rules forbid; the message is for the handler."""


def sender_key(contact: str) -> str:
    """A keyed hash of the sender's contact (folded, spaces removed): equal for the same
    e-mail or phone however it is typed, unreadable without the key."""
    normal = "".join(fold(contact).split())
    return pii.id_hash(normal) if normal else ""


def find_repeat(
    key: str,
    unit: Unit,
    topic: str,
    dossier: Dossier | None,
    procedure: Procedure | None,
    received_at: dt.datetime,
) -> Petition | None:
    """The earlier petition this one repeats, if any.

    Rule: same sender (``sender_key``, i.e. the same contact) and, within the
    :data:`REPEAT_WINDOW_DAYS` before, an earlier petition about the same dossier — or,
    when no dossier is given, to the same unit on the same topic and the same procedure
    (or both without a procedure). Anonymous petitions (no contact) are never repeats.
    """
    if not key:
        return None
    since = received_at - dt.timedelta(days=REPEAT_WINDOW_DAYS)
    earlier = Petition.objects.filter(
        sender_key=key, received_at__gte=since, received_at__lt=received_at
    )
    if dossier is not None:
        earlier = earlier.filter(dossier=dossier)
    else:
        earlier = earlier.filter(unit=unit, topic=topic, procedure=procedure)
    return earlier.order_by("received_at").first()


def submit(
    *,
    unit: Unit,
    topic: str,
    title: str,
    content: str,
    sender_name: str,
    contact: str = "",
    dossier: Dossier | None = None,
    procedure: Procedure | None = None,
    client_key: str = "",
    at: dt.datetime | None = None,
    actor: Actor = "public",
) -> Petition:
    """Receive a petition: deadlines from the calendar, repeat detection, event, audit."""
    at = at or timezone.now()
    due = deadlines.at_receipt(at, current_calendar())
    key = sender_key(contact)
    if dossier is not None and procedure is None:
        procedure = dossier.procedure
    petition = Petition(
        topic=topic,
        unit=unit,
        procedure=procedure,
        dossier=dossier,
        sender_name=sender_name.strip(),
        contact_masked=pii.mask(contact.strip()),
        sender_key=key,
        pii=pii.encrypt({"contact": contact.strip()}),
        client_key=client_key,
        title=title.strip(),
        content=content.strip(),
        received_at=at,
        refuse_due=due.refuse,
        supplement_due=due.supplement,
        answer_due=due.answer,
    )
    with transaction.atomic():
        petition.repeat_of = find_repeat(key, unit, topic, dossier, procedure, at)
        petition.code = f"tmp-{uuid.uuid4().hex[:24]}"
        petition.save()
        local = timezone.localtime(at)
        petition.code = f"PAKN-{local:%y%m%d}-{petition.pk:06d}"
        petition.save(update_fields=["code"])
        _append(petition, "created", actor, at, new_state=P.RECEIVED, first=True)
        audit.record(
            "petition.create",
            actor=actor,
            object_type="petition",
            object_id=petition.pk,
            code=petition.code,
            unit=unit.pk,
            repeat_of=petition.repeat_of_id,
        )
    return petition


def _append(
    petition: Petition,
    kind: str,
    actor: Actor,
    at: dt.datetime,
    *,
    old_state: str = "",
    new_state: str = "",
    note: str = "",
    first: bool = False,
    **data: Any,
) -> PetitionEvent:
    if not first:
        petition.version += 1
        Petition.objects.filter(pk=petition.pk).update(version=petition.version)
    return PetitionEvent.objects.create(
        petition=petition,
        seq=petition.version,
        kind=kind,
        old_state=old_state,
        new_state=new_state,
        at=at,
        actor_label=actor_label(actor),
        note=note,
        data=data,
    )


def _lock(petition_id: int) -> Petition:
    return Petition.objects.select_for_update().get(pk=petition_id)


def _check(petition: Petition, target: str, note: str, answer: str) -> None:
    if target not in TRANSITIONS[petition.state]:
        raise PetitionError(
            _("Phản ánh %(code)s không thể chuyển từ “%(old)s” sang “%(new)s”.")
            % {"code": petition.code, "old": P(petition.state).label, "new": P(target).label}
        )
    if target == P.REFUSED and not note.strip():
        raise PetitionError(_("Cần ghi rõ lý do từ chối."))
    if target == P.ANSWERED and not answer.strip():
        raise PetitionError(_("Cần nhập nội dung trả lời."))


def _stamp(petition: Petition, target: str, at: dt.datetime, note: str, answer: str) -> None:
    """Dates that go with entering ``target``; resuming after a supplement extends the
    answer deadline by the pause (deadlines.answer_due)."""
    cal = current_calendar()
    old = petition.state
    if target == P.SUPPLEMENT_REQUESTED:
        petition.first_supplement_at = petition.first_supplement_at or at
        petition.pauses = [*petition.pauses, [at.isoformat(), None]]
    elif old == P.SUPPLEMENT_REQUESTED:
        pauses = [list(p) for p in petition.pauses]
        pauses[-1][1] = at.isoformat()
        petition.pauses = pauses
        closed = [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)) for a, b in pauses]
        petition.answer_due = deadlines.answer_due(petition.received_at, closed, cal)
    if target == P.REFUSED:
        petition.refused_at, petition.reason = at, note.strip()
    elif target == P.ANSWERED:
        petition.answered_at, petition.answer = at, answer.strip()
        petition.publish_due = deadlines.publish_due(at, cal)
    elif target == P.PUBLISHED:
        petition.published_at = at


def transition(
    petition_id: int,
    target: str,
    *,
    actor: Actor,
    at: dt.datetime | None = None,
    note: str = "",
    answer: str = "",
    unit: Unit | None = None,
    handler: User | None = None,
) -> Petition:
    """Move a petition to ``target`` (the one way its state changes).

    Entering ``processing`` assigns it: to ``unit`` (the responsible unit; another unit
    transfers it) and/or to ``handler``. Refusal needs a reason (``note``), an answer its
    text. Raises :class:`PetitionError` and changes nothing when the table forbids it.
    """
    target = P(target)
    at = at or timezone.now()
    with transaction.atomic():
        petition = _lock(petition_id)
        _check(petition, target, note, answer)
        old = petition.state
        _stamp(petition, target, at, note, answer)
        data: dict[str, Any] = {}
        if unit is not None and unit.pk != petition.unit_id:
            data["unit"] = [petition.unit_id, unit.pk]
            petition.unit = unit
        if handler is not None:
            data["handler"] = handler.get_username()
            petition.handler = handler
        petition.state = target
        event = _append(
            petition, "state", actor, at, old_state=old, new_state=target, note=note, **data
        )
        petition.save()
        audit.record(
            "petition.state",
            actor=actor,
            object_type="petition",
            object_id=petition.pk,
            code=petition.code,
            seq=event.seq,
            old=old,
            new=target,
            **data,
        )
    return petition


def reply(petition_id: int, text: str, *, actor: Actor, at: dt.datetime | None = None) -> None:
    """A message to the sender (or the sender's answer) without a state change."""
    if not text.strip():
        raise PetitionError(_("Nội dung trả lời trống."))
    at = at or timezone.now()
    with transaction.atomic():
        petition = _lock(petition_id)
        event = _append(petition, "reply", actor, at, note=text.strip())
        audit.record(
            "petition.reply",
            actor=actor,
            object_type="petition",
            object_id=petition.pk,
            code=petition.code,
            seq=event.seq,
        )


def vote(petition_id: int, voter_key: str, value: int) -> Petition:
    """A reader's like (+1) or dislike (−1) of a published answer; a second vote by the same
    reader replaces the first. The counters follow in the same transaction."""
    if value not in (1, -1):
        raise ValueError("a vote is +1 or -1")
    with transaction.atomic():
        petition = _lock(petition_id)
        if petition.state != P.PUBLISHED:
            raise PetitionError(_("Chỉ đánh giá được câu trả lời đã công khai."))
        old = AnswerVote.objects.filter(petition=petition, voter_key=voter_key).first()
        if old is not None and old.value == value:
            return petition
        try:
            with transaction.atomic():
                if old is None:
                    AnswerVote.objects.create(petition=petition, voter_key=voter_key, value=value)
                else:
                    AnswerVote.objects.filter(pk=old.pk).update(value=value)
        except IntegrityError:
            return petition
        changes: dict[str, Any] = {"likes": F("likes"), "dislikes": F("dislikes")}
        changes["likes" if value > 0 else "dislikes"] += 1
        if old is not None:
            changes["dislikes" if value > 0 else "likes"] -= 1
        Petition.objects.filter(pk=petition.pk).update(**changes)
        figures_changed.send(sender=vote)
        petition.refresh_from_db()
    return petition


def open_petitions(unit_ids: list[int] | None = None) -> Any:
    rows = Petition.objects.filter(state__in=OPEN_STATES)
    return rows.filter(unit_id__in=unit_ids) if unit_ids is not None else rows


def times_of(p: Petition) -> deadlines.Times:
    return deadlines.Times(
        refuse_due=p.refuse_due,
        supplement_due=p.supplement_due,
        answer_due=p.answer_due,
        refused_at=p.refused_at,
        first_supplement_at=p.first_supplement_at,
        answered_at=p.answered_at,
        publish_due=p.publish_due,
        published_at=p.published_at,
    )


def due_list(
    *, unit_ids: list[int] | None = None, as_of: dt.datetime | None = None, within_days: int = 2
) -> list[tuple[Petition, deadlines.Deadline]]:
    """Deadlines overdue, or due within ``within_days`` working days, of open petitions;
    soonest first. What a handler must act on before it is missed."""
    as_of = as_of or timezone.now()
    horizon = current_calendar().due_at(as_of, within_days, "working_days")
    found = []
    for petition in open_petitions(unit_ids).select_related("unit"):
        for d in deadlines.open_deadlines(times_of(petition), petition.state, as_of):
            if d.overdue or d.due <= horizon:
                found.append((petition, d))
    return sorted(found, key=lambda pair: pair[1].due)
