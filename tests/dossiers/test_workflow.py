"""The dossier workflow: the transition table, the dates each change stamps, the supplement
clock, the history, the audit trail and the after-commit signal."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.audit.models import AuditEvent
from motcua.dossiers import history, workflow
from motcua.dossiers.history import StaleDossier, append_event
from motcua.dossiers.models import FINISHED_STATUSES, Dossier, DossierEvent, Status
from motcua.dossiers.signals import dossier_status_changed
from motcua.dossiers.workflow import (
    ALLOWED_TRANSITIONS,
    ReasonRequired,
    TransitionNotAllowed,
    WorkflowError,
    change_status,
    reschedule,
)
from tests.factories import VN, DossierFactory

S = Status
ALL_PAIRS = [(a, b) for a in Status for b in Status]
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in ALLOWED_TRANSITIONS[a]]
FORBIDDEN = [(a, b) for a, b in ALL_PAIRS if b not in ALLOWED_TRANSITIONS[a]]
REASON = "Hồ sơ không hợp lệ"
# Monday 5 August 2024, 09:00 in Hà Nội: a working day, inside office hours.
MONDAY = dt.datetime(2024, 8, 5, 9, 0, tzinfo=VN)


@pytest.fixture
def cal():
    services = pytest.importorskip("motcua.calendar.services")
    return services.current_calendar()


def dossier_in(status: Status) -> Dossier:
    """A consistent factory dossier in ``status``."""
    traits = {
        S.SUBMITTED: {"submitted": True},
        S.RECEIVED: {"received": True},
        S.REFUSED: {"refused": True},
        S.PROCESSING: {"processing": True},
        S.SUPPLEMENT_REQUESTED: {"supplement_requested": True},
        S.PAYMENT_REQUESTED: {"processing": True, "status": S.PAYMENT_REQUESTED},
        S.WITHDRAWN: {"withdrawn": True},
        S.STOPPED: {"withdrawn": True, "status": S.STOPPED},
        S.PROCESSED: {"finished_on_time": True},
        S.RETURNED: {"returned": True},
    }
    return DossierFactory(**traits[status])


def frozen(dossier: Dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        model_to_dict(dossier),
        dossier.version,
        dossier.content_hash,
        dossier.events.count(),
        AuditEvent.objects.count(),
    )


def status_pairs(dossier: Dossier) -> list[list[int]]:
    return [e.changes["status"] for e in dossier.events.order_by("seq") if e.kind == "status"]


# --- the table --------------------------------------------------------------------------


def test_the_table_covers_the_ten_dvcqg_statuses_and_finished_ones_are_terminal_or_return():
    assert set(ALLOWED_TRANSITIONS) == set(Status)
    terminal = {s for s, after in ALLOWED_TRANSITIONS.items() if not after}
    assert terminal == {S.REFUSED, S.WITHDRAWN, S.STOPPED, S.RETURNED}
    assert terminal <= FINISHED_STATUSES
    for source, targets in ALLOWED_TRANSITIONS.items():
        assert source not in targets  # a retried change is refused, never repeated


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda s: str(int(s)))
def test_every_allowed_transition_moves_the_dossier_and_appends_one_event(source, target, cal):
    dossier = dossier_in(source)
    changed = change_status(dossier.pk, target, actor="officer", reason=REASON)
    changed.refresh_from_db()
    assert changed.status == target
    assert changed.version == 2
    event = changed.events.get(seq=2)
    assert event.kind == DossierEvent.Kind.STATUS
    assert event.changes["status"] == [source, target]
    assert event.actor_label == "officer"
    assert (changed.finished_at is not None) == (target in FINISHED_STATUSES)
    assert changed.content_hash == history.content_hash(changed)


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), FORBIDDEN, ids=lambda s: str(int(s)))
def test_every_disallowed_transition_raises_and_changes_nothing(source, target):
    dossier = dossier_in(source)
    before = frozen(dossier)
    with pytest.raises(TransitionNotAllowed) as error:
        change_status(dossier.pk, target, actor="officer", reason=REASON)
    assert dossier.code in str(error.value)
    assert "không thể chuyển" in str(error.value)
    assert f"cannot go from status {int(source)} to {int(target)}" in str(error.value)
    assert frozen(dossier) == before


@pytest.mark.django_db
@pytest.mark.parametrize("target", [S.REFUSED, S.STOPPED])
def test_refusing_or_stopping_needs_a_reason(target):
    dossier = dossier_in(S.SUBMITTED if target == S.REFUSED else S.PROCESSING)
    before = frozen(dossier)
    with pytest.raises(ReasonRequired):
        change_status(dossier.pk, target, actor="officer", reason="  ")
    assert frozen(dossier) == before


@pytest.mark.django_db
def test_retrying_a_change_that_already_happened_is_refused(cal):
    dossier = dossier_in(S.SUBMITTED)
    change_status(dossier.pk, S.RECEIVED, actor="officer")
    with pytest.raises(TransitionNotAllowed):
        change_status(dossier.pk, S.RECEIVED, actor="officer")
    assert dossier.events.count() == 2


# --- dates ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_receipt_sets_received_at_and_the_due_date_from_the_calendar(cal):
    dossier = dossier_in(S.SUBMITTED)
    received = change_status(dossier.pk, S.RECEIVED, actor="officer", at=MONDAY)
    procedure = dossier.procedure
    assert received.received_at == MONDAY
    assert received.due_at == cal.due_at(MONDAY, procedure.time_limit, procedure.time_limit_unit)
    # 5 working days of office time from Monday 09:00 is the next Monday 09:00.
    assert received.due_at == MONDAY + dt.timedelta(days=7)
    event = received.events.get(seq=2)
    assert event.changes["due_at"] == [None, received.due_at.astimezone(dt.UTC).isoformat()]
    assert event.changes["received_at"][1] == MONDAY.astimezone(dt.UTC).isoformat()


@pytest.mark.django_db
def test_an_officer_may_set_the_due_date_on_receipt_but_not_on_other_changes(cal):
    dossier = dossier_in(S.SUBMITTED)
    chosen = MONDAY + dt.timedelta(days=3)
    received = change_status(dossier.pk, S.RECEIVED, actor="officer", at=MONDAY, new_due_at=chosen)
    assert received.due_at == chosen
    change_status(dossier.pk, S.PROCESSING, actor="officer")
    with pytest.raises(ValueError, match="new_due_at"):
        change_status(dossier.pk, S.PROCESSED, actor="officer", new_due_at=chosen)


@pytest.mark.django_db
def test_refusal_stamps_refused_and_finished_at_the_same_moment():
    dossier = change_status(dossier_in(S.SUBMITTED).pk, S.REFUSED, actor="o", reason=REASON)
    assert dossier.refused_at == dossier.finished_at is not None
    assert dossier.received_at is None and dossier.due_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("target", [S.WITHDRAWN, S.STOPPED, S.PROCESSED])
def test_ending_processing_stamps_finished_at(target):
    at = MONDAY + dt.timedelta(days=2)
    dossier = change_status(dossier_in(S.PROCESSING).pk, target, actor="o", at=at, reason=REASON)
    assert dossier.finished_at == at
    assert dossier.returned_at is None


@pytest.mark.django_db
def test_returning_the_result_stamps_returned_at_and_keeps_finished_at():
    dossier = dossier_in(S.PROCESSED)
    finished = dossier.finished_at
    at = finished + dt.timedelta(days=1)
    returned = change_status(dossier.pk, S.RETURNED, actor="o", at=at)
    assert returned.returned_at == at
    assert returned.finished_at == finished


@pytest.mark.django_db
def test_each_change_is_recorded_as_a_processing_step():
    dossier = change_status(
        dossier_in(S.PROCESSING).pk, S.STOPPED, actor="chuyenvien", at=MONDAY, reason=REASON
    )
    assert dossier.steps[-1] == {
        "NguoiXuLy": "chuyenvien",
        "ThoiDiemXuLy": "20240805090000",
        "NoiDungXuLy": REASON,
        "TrangThai": "8",
    }


# --- the supplement clock ---------------------------------------------------------------


@pytest.mark.django_db
def test_supplement_request_stops_the_clock_and_resume_extends_due_date(cal):
    dossier = dossier_in(S.SUBMITTED)
    change_status(dossier.pk, S.RECEIVED, actor="o", at=MONDAY)
    change_status(dossier.pk, S.PROCESSING, actor="o", at=MONDAY + dt.timedelta(hours=1))
    old_due = Dossier.objects.get(pk=dossier.pk).due_at
    requested = MONDAY + dt.timedelta(days=1)  # Tuesday 09:00
    supplied = MONDAY + dt.timedelta(days=3, hours=5)  # Thursday 14:00

    waiting = change_status(
        dossier.pk, S.SUPPLEMENT_REQUESTED, actor="o", at=requested, note="Thiếu bản sao CCCD"
    )
    assert waiting.due_at == old_due
    assert waiting.supplement_count == 1
    assert waiting.supplements == [
        {
            "NgayBoSung": "20240806090000",
            "NguoiYeuCauBoSung": "o",
            "NoiDungBoSung": "Thiếu bản sao CCCD",
            "NgayHenTraTruoc": workflow.to_dvcqg(old_due),
            "TrangThaiBoSung": "0",
        }
    ]

    resumed = change_status(dossier.pk, S.PROCESSING, actor="o", at=supplied)
    assert resumed.due_at == cal.extend_for_pauses(old_due, [(requested, supplied)])
    paused = cal.office_seconds_between(requested, supplied)
    # Tue 09:00 -> Thu 14:00 on 07:30-11:30, 13:00-17:00: 6.5 h + 8 h + 5 h.
    assert paused == int(19.5 * 3600)
    assert cal.office_seconds_between(old_due, resumed.due_at) == paused
    item = resumed.supplements[0]
    assert item["NgayTiepNhanBoSung"] == "20240808140000"
    assert item["NgayHenTraMoi"] == workflow.to_dvcqg(resumed.due_at)
    assert item["TrangThaiBoSung"] == "1"
    event = resumed.events.order_by("seq").last()
    assert event.changes["due_at"] == [
        old_due.astimezone(dt.UTC).isoformat(),
        resumed.due_at.astimezone(dt.UTC).isoformat(),
    ]
    assert set(event.changes) >= {"status", "due_at", "supplements", "steps"}


@pytest.mark.django_db
def test_a_second_supplement_request_is_counted_and_extends_from_the_new_due_date(cal):
    dossier = dossier_in(S.SUBMITTED)
    change_status(dossier.pk, S.RECEIVED, actor="o", at=MONDAY)
    change_status(dossier.pk, S.PROCESSING, actor="o", at=MONDAY)
    due = Dossier.objects.get(pk=dossier.pk).due_at
    for day in (1, 3):
        start = MONDAY + dt.timedelta(days=day)
        end = start + dt.timedelta(hours=2)
        change_status(dossier.pk, S.SUPPLEMENT_REQUESTED, actor="o", at=start)
        resumed = change_status(dossier.pk, S.PROCESSING, actor="o", at=end)
        due = cal.extend_for_pauses(due, [(start, end)])
        assert resumed.due_at == due
    assert resumed.supplement_count == 2
    assert [s["TrangThaiBoSung"] for s in resumed.supplements] == ["1", "1"]


# --- history, audit, signal -------------------------------------------------------------


@pytest.mark.django_db
def test_events_are_numbered_by_version_without_gaps(cal):
    dossier = dossier_in(S.SUBMITTED)
    path = [S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PROCESSING]
    path += [S.PAYMENT_REQUESTED, S.PROCESSED, S.RETURNED]
    for step, target in enumerate(path, start=1):
        change_status(dossier.pk, target, actor="o", at=MONDAY + dt.timedelta(hours=step))
    dossier.refresh_from_db()
    assert dossier.version == len(path) + 1
    assert list(dossier.events.values_list("seq", flat=True)) == list(range(1, len(path) + 2))
    assert status_pairs(dossier) == [[a, b] for a, b in zip([S.SUBMITTED, *path], path)]


@pytest.mark.django_db
def test_a_status_change_is_written_to_the_audit_trail():
    dossier = dossier_in(S.PROCESSING)
    change_status(dossier.pk, S.STOPPED, actor="truongphong", reason=REASON, note="ghi chú")
    record = AuditEvent.objects.get(action="dossier.status")
    assert record.actor_label == "truongphong"
    assert record.object_type == "dossier" and record.object_id == str(dossier.pk)
    assert record.data == {
        "code": dossier.code,
        "seq": 2,
        "old": 4,
        "new": 8,
        "note": "ghi chú",
        "reason": REASON,
    }


@pytest.fixture
def received_signals():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    dossier_status_changed.connect(receiver)
    yield calls
    dossier_status_changed.disconnect(receiver)


@pytest.mark.django_db(transaction=True)
def test_the_signal_is_sent_after_the_commit_and_not_before(received_signals):
    dossier = dossier_in(S.PROCESSING)
    with transaction.atomic():
        change_status(dossier.pk, S.PROCESSED, actor="o")
        assert received_signals == []
    assert len(received_signals) == 1
    sent = received_signals[0]
    assert (sent["old_status"], sent["new_status"]) == (S.PROCESSING, S.PROCESSED)
    assert sent["dossier"].pk == dossier.pk and sent["event"].seq == 2


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing_and_leaves_no_trace(received_signals):
    dossier = dossier_in(S.PROCESSING)
    before = frozen(dossier)
    with pytest.raises(RuntimeError), transaction.atomic():
        change_status(dossier.pk, S.PROCESSED, actor="o")
        raise RuntimeError("the caller fails after the change")
    assert received_signals == []
    assert frozen(dossier) == before


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_does_not_undo_the_change(received_signals):
    def broken(sender, **kwargs):
        raise RuntimeError("mail server down")

    dossier_status_changed.connect(broken)
    try:
        dossier = change_status(dossier_in(S.PROCESSING).pk, S.PROCESSED, actor="o")
    finally:
        dossier_status_changed.disconnect(broken)
    assert Dossier.objects.get(pk=dossier.pk).status == S.PROCESSED
    assert len(received_signals) == 1


@pytest.mark.django_db
def test_append_event_refuses_to_run_outside_a_transaction_or_on_a_stale_copy(
    django_db_blocker,
):
    dossier = dossier_in(S.PROCESSING)
    stale = Dossier.objects.get(pk=dossier.pk)
    with transaction.atomic():
        append_event(dossier, "updated", actor="o", changes={"summary": ["", "x"]})
    assert dossier.version == 2
    with pytest.raises(StaleDossier), transaction.atomic():
        append_event(stale, "updated", actor="o", changes={})


def test_append_event_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside a transaction"):
        append_event(Dossier(pk=1), "updated", actor="o", changes={})


def test_diff_keeps_only_changed_fields_as_json():
    at = dt.datetime(2024, 8, 5, 9, 0, tzinfo=VN)
    assert history.diff({"a": 1, "b": at, "c": "x"}, {"a": 1, "b": None, "d": [at]}) == {
        "b": ["2024-08-05T02:00:00+00:00", None],
        "c": ["x", None],
        "d": [None, ["2024-08-05T02:00:00+00:00"]],
    }


# --- rescheduling (form 04) -------------------------------------------------------------


@pytest.mark.django_db
def test_rescheduling_keeps_the_old_due_date_in_the_event():
    dossier = dossier_in(S.PROCESSING)
    old_due = dossier.due_at
    new_due = old_due + dt.timedelta(days=3)
    changed = reschedule(dossier.pk, new_due, actor="o", reason="Chờ xác minh")
    assert changed.due_at == new_due
    event = changed.events.get(seq=2)
    assert event.kind == DossierEvent.Kind.UPDATED
    assert event.changes["due_at"] == [
        old_due.astimezone(dt.UTC).isoformat(),
        new_due.astimezone(dt.UTC).isoformat(),
    ]
    assert changed.steps[-1]["NoiDungXuLy"] == "Chờ xác minh"
    assert AuditEvent.objects.get(action="dossier.reschedule").data["reason"] == "Chờ xác minh"


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "reason"), [(S.PROCESSING, " "), (S.PROCESSED, "x")])
def test_rescheduling_needs_a_reason_and_an_unfinished_dossier(status, reason):
    dossier = dossier_in(status)
    before = frozen(dossier)
    with pytest.raises(WorkflowError):
        reschedule(dossier.pk, MONDAY, actor="o", reason=reason)
    assert frozen(dossier) == before


# --- concurrency ------------------------------------------------------------------------


def _race(dossier_id: int, targets: list[Status]) -> list[object]:
    """Run one change_status per target in its own thread, all started together."""
    barrier = threading.Barrier(len(targets))
    outcomes: list[object] = [None] * len(targets)

    def run(index: int, target: Status) -> None:
        try:
            barrier.wait()
            outcomes[index] = change_status(dossier_id, target, actor=f"t{index}", reason=REASON)
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_of_one_dossier_take_turns_on_the_row_lock(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks (select_for_update is a no-op)")
    dossier = dossier_in(S.PROCESSING)
    slow_derive = workflow._derive

    def derive_slowly(d):
        time.sleep(0.3)  # hold the lock long enough for the other thread to queue
        slow_derive(d)

    monkeypatch.setattr(workflow, "_derive", derive_slowly)
    outcomes = _race(dossier.pk, [S.PROCESSED, S.STOPPED])
    won = [o for o in outcomes if isinstance(o, Dossier)]
    lost = [o for o in outcomes if isinstance(o, Exception)]
    assert len(won) == 1
    assert len(lost) == 1 and isinstance(lost[0], TransitionNotAllowed), lost
    dossier.refresh_from_db()
    assert dossier.status == won[0].status
    assert dossier.version == 2 == dossier.events.count()
    assert AuditEvent.objects.filter(action="dossier.status").count() == 1


# --- properties -------------------------------------------------------------------------


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attempts=st.lists(st.sampled_from(list(Status)), max_size=12))
def test_random_attempts_keep_history_status_and_dates_consistent(cal, attempts):
    dossier = dossier_in(S.SUBMITTED)
    status = S.SUBMITTED
    for hour, target in enumerate(attempts, start=1):
        at = MONDAY + dt.timedelta(hours=hour)
        allowed = target in ALLOWED_TRANSITIONS[status]
        try:
            change_status(dossier.pk, target, actor="h", at=at, reason=REASON)
        except TransitionNotAllowed:
            assert not allowed
        else:
            assert allowed
            status = target
        dossier.refresh_from_db()
        assert dossier.status == status
        seqs = list(dossier.events.values_list("seq", flat=True))
        assert seqs == list(range(1, dossier.version + 1))
        assert all(Status(b) in ALLOWED_TRANSITIONS[Status(a)] for a, b in status_pairs(dossier))
        assert (dossier.finished_at is not None) == (status in FINISHED_STATUSES)
        assert (dossier.due_at is not None) == (dossier.received_at is not None)
        assert dossier.supplement_count == len(dossier.supplements)
        open_requests = [s for s in dossier.supplements if s["TrangThaiBoSung"] == "0"]
        if status == S.SUPPLEMENT_REQUESTED:
            assert len(open_requests) == 1
        elif status not in {S.WITHDRAWN, S.STOPPED}:  # ended while waiting: stays open
            assert open_requests == []
