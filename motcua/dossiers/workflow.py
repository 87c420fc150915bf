"""The dossier workflow: which status may follow which, and the one function that moves it.

The transition table is data (:data:`ALLOWED_TRANSITIONS`), enforced in one place,
:func:`change_status`, which locks the dossier row, checks the table, stamps the dates that
go with the new status, appends one event, writes the audit record in the same transaction
and sends :data:`motcua.dossiers.signals.dossier_status_changed` only after the commit.
See docs/dossier-lifecycle.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit import log as audit
from motcua.dossiers import history
from motcua.dossiers.flags import derive_flags
from motcua.dossiers.history import Actor, content_hash
from motcua.dossiers.models import FINISHED_STATUSES, Dossier, DossierEvent, Status
from motcua.dossiers.signals import dossier_status_changed
from motcua.indicators.facts import bucket_of, refresh_buckets

S = Status

# TrangThaiHoSo -> the statuses that may follow it. Terminal statuses map to nothing.
ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.SUBMITTED: frozenset({S.RECEIVED, S.REFUSED, S.WITHDRAWN}),
    S.RECEIVED: frozenset({S.PROCESSING, S.WITHDRAWN}),
    S.REFUSED: frozenset(),
    S.PROCESSING: frozenset(
        {S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED, S.STOPPED, S.PROCESSED, S.WITHDRAWN}
    ),
    S.SUPPLEMENT_REQUESTED: frozenset({S.PROCESSING, S.WITHDRAWN, S.STOPPED}),
    S.PAYMENT_REQUESTED: frozenset({S.PROCESSING, S.PROCESSED, S.WITHDRAWN}),
    S.WITHDRAWN: frozenset(),
    S.STOPPED: frozenset(),
    S.PROCESSED: frozenset({S.RETURNED}),
    S.RETURNED: frozenset(),
}

TERMINAL_STATUSES = frozenset(s for s, after in ALLOWED_TRANSITIONS.items() if not after)

# Statuses an officer may only enter with a written reason (forms 03, and the stop notice).
REASON_REQUIRED = frozenset({S.REFUSED, S.STOPPED})

# Supplement request state (TrangThaiBoSung) in DanhSachHoSoBoSung items.
SUPPLEMENT_PENDING = "0"
SUPPLEMENT_SUPPLIED = "1"

# The fields change_status may touch; the event records the old and new value of each one
# that changed.
TRACKED_FIELDS = (
    "status",
    "received_at",
    "due_at",
    "finished_at",
    "refused_at",
    "returned_at",
    "supplements",
    "steps",
    "has_digitized_component",
    "all_components_filed",
    "has_result_file",
    "reused",
    "from_data_store",
    "supplement_count",
    "fee_total",
)

DVCQG_DATETIME = "%Y%m%d%H%M%S"


class WorkflowError(Exception):
    """A status change that the rules forbid; the message is for the officer."""


class TransitionNotAllowed(WorkflowError):
    def __init__(self, code: str, current: Status, target: Status) -> None:
        self.current, self.target = current, target
        super().__init__(
            _(
                "Hồ sơ %(code)s không thể chuyển từ trạng thái “%(current)s” sang “%(target)s”"
                " (dossier %(code)s cannot go from status %(cur)d to %(tgt)d)."
            )
            % {
                "code": code,
                "current": current.label,
                "target": target.label,
                "cur": current.value,
                "tgt": target.value,
            }
        )


class ReasonRequired(WorkflowError):
    def __init__(self, target: Status) -> None:
        super().__init__(
            _("Cần ghi rõ lý do khi chuyển sang “%(target)s” (a reason is required).")
            % {"target": target.label}
        )


class CalendarLike(Protocol):
    def due_at(
        self, received_at: dt.datetime, limit: Decimal | int, unit: str = "working_days"
    ) -> dt.datetime: ...

    def extend_for_pauses(
        self, due: dt.datetime, pauses: Sequence[tuple[dt.datetime, dt.datetime]]
    ) -> dt.datetime: ...


def calendar() -> CalendarLike:
    """The working-day calendar in force (motcua.calendar.services)."""
    from motcua.calendar.services import current_calendar

    cal: CalendarLike = current_calendar()
    return cal


def is_allowed(current: int, target: int) -> bool:
    """Whether the table lets a dossier in ``current`` move to ``target``."""
    return Status(target) in ALLOWED_TRANSITIONS[Status(current)]


def due_for(dossier: Dossier, received_at: dt.datetime) -> dt.datetime:
    """NgayHenTra: the procedure's time limit counted from receipt on the calendar."""
    procedure = dossier.procedure
    return calendar().due_at(received_at, procedure.time_limit, procedure.time_limit_unit)


def _local_zone() -> ZoneInfo:
    """The province's zone (settings.TIME_ZONE), whatever zone a request has activated."""
    return ZoneInfo(settings.TIME_ZONE)


def to_dvcqg(moment: dt.datetime | None) -> str:
    """A datetime in DVCQG's ``yyyyMMddHHmmss`` spelling, local time; None gives ""."""
    if moment is None:
        return ""
    return moment.astimezone(_local_zone()).strftime(DVCQG_DATETIME)


def from_dvcqg(text: str) -> dt.datetime | None:
    """Parse ``yyyyMMddHHmmss`` (local time) or ISO 8601; "" or anything else gives None."""
    if not text:
        return None
    try:
        parsed = dt.datetime.strptime(text, DVCQG_DATETIME)
    except ValueError:
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=_local_zone())


def open_supplement(supplements: Sequence[Mapping[str, Any]]) -> int | None:
    """Index of the last supplement request not yet supplied, if any."""
    for index in range(len(supplements) - 1, -1, -1):
        if not supplements[index].get("NgayTiepNhanBoSung"):
            return index
    return None


def _without_empty(item: Mapping[str, Any]) -> dict[str, Any]:
    """Collection items leave empty values out, as the DVCQG canonical form does."""
    return {key: value for key, value in item.items() if value not in ("", None)}


def _request_supplement(dossier: Dossier, at: dt.datetime, actor: Actor, note: str) -> None:
    """4 -> 5: the clock stops. Append a DanhSachHoSoBoSung item with the old due date."""
    item = {
        "NgayBoSung": to_dvcqg(at),
        "NguoiYeuCauBoSung": history.actor_label(actor),
        "NoiDungBoSung": note,
        "NgayHenTraTruoc": to_dvcqg(dossier.due_at),
        "TrangThaiBoSung": SUPPLEMENT_PENDING,
    }
    dossier.supplements = [*dossier.supplements, _without_empty(item)]


def _receive_supplement(dossier: Dossier, at: dt.datetime, new_due_at: dt.datetime | None) -> None:
    """5 -> 4: the clock restarts; the due date moves by the paused office time.

    new due = calendar.extend_for_pauses(old due, [(requested, supplied)]), unless the
    officer gives ``new_due_at`` explicitly. The item records NgayHenTraMoi.
    """
    supplements = [dict(item) for item in dossier.supplements]
    index = open_supplement(supplements)
    if index is None:
        return
    item = supplements[index]
    requested = from_dvcqg(str(item.get("NgayBoSung") or "")) or at
    if new_due_at is None and dossier.due_at is not None:
        new_due_at = calendar().extend_for_pauses(dossier.due_at, [(requested, at)])
    item.update(
        NgayTiepNhanBoSung=to_dvcqg(at),
        NgayHenTraMoi=to_dvcqg(new_due_at),
        TrangThaiBoSung=SUPPLEMENT_SUPPLIED,
    )
    supplements[index] = _without_empty(item)
    dossier.supplements = supplements
    if new_due_at is not None:
        dossier.due_at = new_due_at


def _stamp(
    dossier: Dossier, old: Status, new: Status, at: dt.datetime, new_due_at: dt.datetime | None
) -> None:
    """Set the dates that go with entering ``new``.

    - 2 received: received_at; due_at from the calendar (or ``new_due_at``).
    - 3 refused: refused_at and finished_at.
    - 7 withdrawn, 8 stopped, 9 processed: finished_at.
    - 10 returned: returned_at.
    - 5 -> 4: the supplement is received and the due date extended.
    """
    if new == S.RECEIVED:
        dossier.received_at = at
        dossier.due_at = new_due_at or due_for(dossier, at)
    elif new == S.REFUSED:
        dossier.refused_at = at
    elif new == S.RETURNED:
        dossier.returned_at = at
    elif old == S.SUPPLEMENT_REQUESTED and new == S.PROCESSING:
        _receive_supplement(dossier, at, new_due_at)
    if new in FINISHED_STATUSES and dossier.finished_at is None:
        dossier.finished_at = at


def _append_step(dossier: Dossier, new: Status, at: dt.datetime, actor: Actor, text: str) -> None:
    """Record the change as a processing step (QuaTrinhXuLy), as DVCQG syncs them.

    Steps are stored without MaHoSo (the dossier is implied); export adds it back.
    """
    dossier.steps = [
        *dossier.steps,
        {
            "NguoiXuLy": history.actor_label(actor),
            "ThoiDiemXuLy": to_dvcqg(at),
            "NoiDungXuLy": text or str(new.label),
            "TrangThai": str(new.value),
        },
    ]


def _snapshot(dossier: Dossier) -> dict[str, Any]:
    return {name: getattr(dossier, name) for name in TRACKED_FIELDS}


def _derive(dossier: Dossier) -> None:
    flags = derive_flags(dossier.components, dossier.fees, dossier.results, dossier.supplements)
    for name, value in flags.items():
        setattr(dossier, name, value)


def lock(dossier_id: int) -> Dossier:
    """The dossier row, locked until the end of the current transaction."""
    rows = Dossier.objects.select_related("procedure", "unit")
    return rows.select_for_update(of=("self",)).get(pk=dossier_id)


def _check(dossier: Dossier, target: Status, reason: str, new_due_at: dt.datetime | None) -> None:
    current = Status(dossier.status)
    if target not in ALLOWED_TRANSITIONS[current]:
        raise TransitionNotAllowed(dossier.code, current, target)
    if target in REASON_REQUIRED and not reason.strip():
        raise ReasonRequired(target)
    resumes = current == S.SUPPLEMENT_REQUESTED and target == S.PROCESSING
    if new_due_at is not None and not (target == S.RECEIVED or resumes):
        raise ValueError("new_due_at applies only to receipt and supplement receipt")


def _apply(
    dossier: Dossier,
    target: Status,
    at: dt.datetime,
    actor: Actor,
    text: str,
    new_due_at: dt.datetime | None,
) -> None:
    """Make the in-memory changes of entering ``target`` (nothing is saved)."""
    if target == S.SUPPLEMENT_REQUESTED:
        _request_supplement(dossier, at, actor, text)
    _stamp(dossier, Status(dossier.status), target, at, new_due_at)
    dossier.status = target
    _append_step(dossier, target, at, actor, text)
    _derive(dossier)


def _save(
    dossier: Dossier, before: Mapping[str, Any], kind: str, actor: Actor, **event: Any
) -> DossierEvent:
    """Save the changed fields and the content hash, and append their event."""
    changes = history.diff(before, _snapshot(dossier))
    dossier.content_hash = content_hash(dossier)
    appended = history.append_event(dossier, kind, actor=actor, changes=changes, **event)
    dossier.save(update_fields=[*changes, "content_hash", "updated_at"])
    # The indicator aggregates follow in the same transaction (old and new bucket).
    refresh_buckets(
        [
            bucket_of(dossier.unit_id, before.get("received_at")),
            bucket_of(dossier.unit_id, dossier.received_at),
        ]
    )
    return appended


def change_status(
    dossier_id: int,
    to_status: int,
    *,
    actor: Actor,
    at: dt.datetime | None = None,
    note: str = "",
    reason: str = "",
    new_due_at: dt.datetime | None = None,
) -> Dossier:
    """Move a dossier to ``to_status``: the one way a dossier's status changes.

    Locks the row, checks :data:`ALLOWED_TRANSITIONS` (raises :class:`TransitionNotAllowed`
    and changes nothing otherwise), stamps the dates, updates the derived columns, appends
    one ``status`` event with the old and new value of every changed field, writes the audit
    record, and sends ``dossier_status_changed`` once the transaction commits. Retrying a
    change that already happened raises (X -> X is never in the table).
    """
    target = Status(to_status)
    at = at or timezone.now()
    with transaction.atomic():
        dossier = lock(dossier_id)
        _check(dossier, target, reason, new_due_at)
        old_status = Status(dossier.status)
        before = _snapshot(dossier)
        _apply(dossier, target, at, actor, reason or note, new_due_at)
        event = _save(dossier, before, DossierEvent.Kind.STATUS, actor, occurred_at=at)
        audit.record(
            "dossier.status",
            actor=actor,
            object_type="dossier",
            object_id=dossier.pk,
            code=dossier.code,
            seq=event.seq,
            old=old_status.value,
            new=target.value,
            note=note,
            reason=reason,
        )
        _send_after_commit(dossier, event, old_status, target)
    return dossier


def _send_after_commit(dossier: Dossier, event: DossierEvent, old: Status, new: Status) -> None:
    def send() -> None:
        dossier_status_changed.send_robust(
            sender=Dossier, dossier=dossier, event=event, old_status=old, new_status=new
        )

    transaction.on_commit(send, robust=True)


def reschedule(dossier_id: int, new_due_at: dt.datetime, *, actor: Actor, reason: str) -> Dossier:
    """Set a new appointment date (form 04, phiếu xin lỗi và hẹn lại ngày trả kết quả).

    Only an unfinished dossier that already has a due date can be rescheduled, and only with
    a reason. The ``updated`` event keeps the old due date (``due_at: [old, new]``) and the
    reason, as a processing step; the audit trail records both.
    """
    if not reason.strip():
        raise WorkflowError(_("Cần ghi rõ lý do hẹn lại ngày trả (a reason is required)."))
    with transaction.atomic():
        dossier = lock(dossier_id)
        if dossier.due_at is None or dossier.status in FINISHED_STATUSES:
            raise WorkflowError(
                _("Hồ sơ %(code)s không thể hẹn lại ngày trả (cannot be rescheduled).")
                % {"code": dossier.code}
            )
        before = _snapshot(dossier)
        dossier.due_at = new_due_at
        _append_step(dossier, Status(dossier.status), timezone.now(), actor, reason)
        event = _save(dossier, before, DossierEvent.Kind.UPDATED, actor, source="reschedule")
        audit.record(
            "dossier.reschedule",
            actor=actor,
            object_type="dossier",
            object_id=dossier.pk,
            code=dossier.code,
            seq=event.seq,
            old_due_at=history.json_value(before["due_at"]),
            new_due_at=new_due_at.isoformat(),
            reason=reason,
        )
    return dossier
