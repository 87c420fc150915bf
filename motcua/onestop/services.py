"""The one-stop desk's actions: each one transaction, each through the dossier workflow.

Counter intake creates through ``dossiers.services.create_dossier``; every status change
goes through ``dossiers.workflow.change_status`` and a new appointment date through
``dossiers.workflow.reschedule``. What this module adds:

- **idempotent intake**: the intake form carries a one-time key; a double submit returns
  the dossier the first submit created (:func:`receive_at_counter`);
- **stale actions refused**: an officer acts on the version of the dossier they saw
  (``expected_version``); if another officer changed it meanwhile, the action is refused
  with a clear message instead of applying on top of the other's change;
- **the apology rule** (TT 01/2018, form 04): a dossier may not be finished after its
  appointment date; before that date passes the officer issues an apology with a new date
  (:func:`apologize`), and :func:`finish` refuses a late finish;
- **every refusal is logged** in the audit trail (``onestop.refused``), in its own
  transaction, since the refused change rolled back;
- **notifications** to the applicant after the commit (motcua.onestop.notifications).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.roles import Capability, has_capability
from motcua.accounts.scope import can_see_unit
from motcua.audit import log as audit
from motcua.dossiers import history, workflow
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.services import create_dossier
from motcua.dossiers.workflow import WorkflowError
from motcua.onestop import notifications
from motcua.onestop.models import Apology, Assignment, IntakeRequest
from motcua.procedures.models import Procedure
from motcua.units.models import Unit

T = TypeVar("T")
S = Status


class DeskError(WorkflowError):
    """An action the desk's rules refuse; the message is for the officer."""


class StaleAction(DeskError):
    def __init__(self, code: str) -> None:
        super().__init__(
            _(
                "Hồ sơ %(code)s vừa được người khác cập nhật. Vui lòng tải lại trang và"
                " kiểm tra trước khi thao tác."
            )
            % {"code": code}
        )


class LateWithoutApology(DeskError):
    def __init__(self, code: str, due: dt.datetime) -> None:
        super().__init__(
            _(
                "Hồ sơ %(code)s đã quá hạn trả kết quả (%(due)s). Cần lập phiếu xin lỗi và hẹn"
                " lại ngày trả kết quả (mẫu 04) trước khi kết thúc xử lý."
            )
            % {"code": code, "due": f"{timezone.localtime(due):%H:%M %d/%m/%Y}"}
        )


# --- refusals ------------------------------------------------------------------------------


def log_refusal(actor: Any, dossier_id: int | None, action: str, error: Exception) -> None:
    """Record a refused action in the audit trail (its own transaction: the change rolled
    back)."""
    with transaction.atomic():
        audit.record(
            "onestop.refused",
            actor=actor,
            object_type="dossier",
            object_id=dossier_id or "",
            step=action,
            message=str(error),
        )


def _guarded(actor: Any, dossier_id: int, action: str, run: Callable[[], T]) -> T:
    try:
        return run()
    except WorkflowError as error:
        log_refusal(actor, dossier_id, action, error)
        raise


def _lock_current(dossier_id: int, expected_version: int | None) -> Dossier:
    """Lock the dossier; refuse if it changed since the officer saw ``expected_version``."""
    dossier = workflow.lock(dossier_id)
    if expected_version is not None and dossier.version != expected_version:
        raise StaleAction(dossier.code)
    return dossier


# --- counter intake ------------------------------------------------------------------------


def receive_at_counter(
    *,
    key: str,
    officer: User,
    unit: Unit,
    procedure: Procedure,
    channel: int,
    applicant: Mapping[str, Any],
    components: Sequence[Mapping[str, Any]] = (),
    at: dt.datetime | None = None,
) -> tuple[Dossier, bool]:
    """Receive a paper dossier (at the counter or by post): it starts received (2).

    ``key`` is the intake form's one-time key: the first submit creates the dossier, a
    repeat (double click, resent form) returns the same dossier and ``False``. The applicant
    is told by e-mail after the commit.
    """
    at = at or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                request = IntakeRequest.objects.create(key=key, officer=officer)
        except IntegrityError:
            earlier = IntakeRequest.objects.select_related("dossier").get(key=key)
            if earlier.dossier is None or earlier.officer_id != officer.pk:
                raise DeskError(_("Biểu mẫu tiếp nhận này đã được dùng.")) from None
            return earlier.dossier, False
        dossier = create_dossier(
            procedure=procedure,
            unit=unit,
            channel=channel,
            actor=officer,
            received_at=at,
            components=components,
            submitted_place=str(unit.name),
            **applicant,
        )
        request.dossier = dossier
        request.save(update_fields=["dossier"])
        notifications.after_commit(dossier.pk, notifications.Kind.RECEIVED, seq=1)
    return dossier, True


def receive_submitted(
    dossier_id: int, *, actor: User, expected_version: int | None = None
) -> Dossier:
    """Receive an online or postal dossier waiting at 1: it becomes received (2)."""

    def run() -> Dossier:
        with transaction.atomic():
            _lock_current(dossier_id, expected_version)
            return workflow.change_status(dossier_id, S.RECEIVED, actor=actor)

    return _guarded(actor, dossier_id, "receive", run)


# --- the processing desk -------------------------------------------------------------------


def current_assignee(dossier: Dossier) -> Assignment | None:
    return dossier.assignments.select_related("officer").order_by("-at", "-id").first()


def assign(
    dossier_id: int, officer: User, *, actor: User, expected_version: int | None = None
) -> Assignment:
    """Hand the dossier to a processing officer of its unit; recorded as a dossier event
    (``updated``, source ``assign``) and in the audit trail."""

    def run() -> Assignment:
        with transaction.atomic():
            dossier = _lock_current(dossier_id, expected_version)
            if dossier.is_finished:
                raise DeskError(_("Hồ sơ %(code)s đã kết thúc xử lý.") % {"code": dossier.code})
            if not (
                has_capability(officer, Capability.PROCESS_DOSSIERS)
                and can_see_unit(officer, dossier.unit_id)
            ):
                raise DeskError(
                    _("%(name)s không phải cán bộ xử lý của đơn vị này.")
                    % {"name": officer.get_username()}
                )
            previous = current_assignee(dossier)
            old = previous.officer.get_username() if previous else None
            if old == officer.get_username():
                raise DeskError(
                    _("Hồ sơ %(code)s đã được giao cho %(name)s.")
                    % {"code": dossier.code, "name": old}
                )
            now = timezone.now()
            assignment = Assignment.objects.create(
                dossier=dossier, officer=officer, assigned_by=actor, at=now
            )
            event = history.append_event(
                dossier,
                DossierEvent.Kind.UPDATED,
                actor=actor,
                changes={"assignee": [old, officer.get_username()]},
                occurred_at=now,
                source="assign",
            )
            dossier.save(update_fields=["updated_at"])
            audit.record(
                "dossier.assign",
                actor=actor,
                object_type="dossier",
                object_id=dossier.pk,
                code=dossier.code,
                seq=event.seq,
                old=old,
                new=officer.get_username(),
            )
            return assignment

    return _guarded(actor, dossier_id, "assign", run)


def _change(
    dossier_id: int,
    target: Status,
    action: str,
    *,
    actor: User,
    expected_version: int | None,
    check: Callable[[Dossier], None] | None = None,
    **kwargs: Any,
) -> Dossier:
    def run() -> Dossier:
        with transaction.atomic():
            dossier = _lock_current(dossier_id, expected_version)
            if check is not None:
                check(dossier)
            return workflow.change_status(dossier_id, target, actor=actor, **kwargs)

    return _guarded(actor, dossier_id, action, run)


def start_processing(
    dossier_id: int, *, actor: User, expected_version: int | None = None
) -> Dossier:
    """2 → 4: the dossier goes to the processing officer."""
    return _change(
        dossier_id, S.PROCESSING, "start", actor=actor, expected_version=expected_version
    )


def request_supplement(
    dossier_id: int, request: str, *, actor: User, expected_version: int | None = None
) -> Dossier:
    """4 → 5 (form 02): the clock stops until the applicant supplies."""
    if not request.strip():
        error = DeskError(_("Cần ghi rõ nội dung yêu cầu bổ sung."))
        log_refusal(actor, dossier_id, "supplement", error)
        raise error
    return _change(
        dossier_id,
        S.SUPPLEMENT_REQUESTED,
        "supplement",
        actor=actor,
        expected_version=expected_version,
        note=request,
    )


def receive_supplement(
    dossier_id: int, *, actor: Any, note: str = "", expected_version: int | None = None
) -> Dossier:
    """5 → 4: the applicant supplied; the clock restarts and the due date moves by the
    paused office time (workflow). The portal calls this for online supplements."""
    return _change(
        dossier_id,
        S.PROCESSING,
        "supplied",
        actor=actor,
        expected_version=expected_version,
        note=note or _("Đã nhận hồ sơ bổ sung"),
    )


def refuse(
    dossier_id: int, reason: str, *, actor: User, expected_version: int | None = None
) -> Dossier:
    """1 → 3 (form 03): a submitted dossier is not accepted, with the reasons."""
    return _change(
        dossier_id,
        S.REFUSED,
        "refuse",
        actor=actor,
        expected_version=expected_version,
        reason=reason,
    )


def stop(
    dossier_id: int, reason: str, *, actor: User, expected_version: int | None = None
) -> Dossier:
    """→ 8: processing stops, with the reason."""
    return _change(
        dossier_id,
        S.STOPPED,
        "stop",
        actor=actor,
        expected_version=expected_version,
        reason=reason,
    )


def apologize(
    dossier_id: int,
    new_due_at: dt.datetime,
    reason: str,
    *,
    actor: User,
    expected_version: int | None = None,
) -> Apology:
    """Form 04: a new appointment date with an apology and the reason.

    The new date must be later than the current one and in the future. The dossier's due
    date moves (``workflow.reschedule``); the applicant is told after the commit.
    """

    def run() -> Apology:
        now = timezone.now()
        with transaction.atomic():
            dossier = _lock_current(dossier_id, expected_version)
            if dossier.due_at is None or dossier.is_finished:
                raise DeskError(
                    _("Hồ sơ %(code)s không thể hẹn lại ngày trả.") % {"code": dossier.code}
                )
            if new_due_at <= max(now, dossier.due_at):
                raise DeskError(
                    _("Ngày hẹn trả mới phải sau ngày hẹn hiện tại và sau thời điểm này.")
                )
            old_due = dossier.due_at
            workflow.reschedule(dossier_id, new_due_at, actor=actor, reason=reason)
            number = dossier.apologies.count() + 1
            apology = Apology.objects.create(
                dossier=dossier,
                number=number,
                old_due_at=old_due,
                new_due_at=new_due_at,
                reason=reason,
                created_by=actor,
                at=now,
            )
            notifications.after_commit(dossier.pk, notifications.Kind.APOLOGY, seq=number)
            return apology

    return _guarded(actor, dossier_id, "apology", run)


def _not_late(at: dt.datetime) -> Callable[[Dossier], None]:
    def check(dossier: Dossier) -> None:
        if dossier.due_at is not None and at > dossier.due_at:
            raise LateWithoutApology(dossier.code, dossier.due_at)

    return check


def finish(
    dossier_id: int,
    *,
    actor: User,
    note: str = "",
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """→ 9 processed (result ready): refused after the appointment date, which an apology
    (form 04) must move first. A signed electronic result is issued when the signing app
    is installed (motcua.onestop.results)."""
    from motcua.onestop import results

    at = at or timezone.now()

    def run() -> Dossier:
        with transaction.atomic():
            dossier = _lock_current(dossier_id, expected_version)
            _not_late(at)(dossier)
            if dossier.status not in (S.PROCESSING, S.PAYMENT_REQUESTED):
                raise workflow.TransitionNotAllowed(
                    dossier.code, Status(dossier.status), S.PROCESSED
                )
            return results.finish_with_result(dossier, actor=actor, at=at, note=note)

    return _guarded(actor, dossier_id, "finish", run)


def return_result(dossier_id: int, *, actor: User, expected_version: int | None = None) -> Dossier:
    """9 → 10: the result is handed to the applicant."""
    return _change(dossier_id, S.RETURNED, "return", actor=actor, expected_version=expected_version)
