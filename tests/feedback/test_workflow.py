"""Petition workflow: submission, the transition table, repeats, votes, the due list."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from motcua.audit.models import AuditEvent
from motcua.feedback import workflow
from motcua.feedback.models import Petition, PetitionState, Topic
from motcua.feedback.workflow import PetitionError, submit, transition
from tests.factories import AgencyFactory, DossierFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
P = PetitionState


def at(m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(2024, m, d, h, 0, tzinfo=VN)


def new(unit: object = None, **kw: object) -> Petition:
    args: dict[str, object] = {
        "unit": unit or AgencyFactory(),
        "topic": Topic.RULES,
        "title": "Thủ tục rườm rà",
        "content": "Yêu cầu quá nhiều giấy tờ.",
        "sender_name": "Trần Thị Bình",
        "contact": "binh@example.vn",
        "at": at(8, 1),
    }
    args.update(kw)
    return submit(**args)  # type: ignore[arg-type]


def test_submission_stamps_deadlines_and_history() -> None:
    petition = new()
    assert petition.code.startswith("PAKN-240801-")
    assert petition.answer_due == dt.datetime(2024, 8, 22, 9, tzinfo=VN)
    assert petition.contact_masked != "binh@example.vn"
    assert list(petition.events.values_list("kind", flat=True)) == ["created"]
    assert AuditEvent.objects.filter(action="petition.create").count() == 1


def test_the_table_is_enforced_and_nothing_changes_on_refusal() -> None:
    petition = new()
    with pytest.raises(PetitionError):
        transition(petition.pk, P.PUBLISHED, actor="cb")
    with pytest.raises(PetitionError, match="lý do"):
        transition(petition.pk, P.REFUSED, actor="cb")
    petition.refresh_from_db()
    assert (petition.state, petition.version) == (P.RECEIVED, 1)


def test_the_full_path_assign_supplement_answer_publish() -> None:
    petition = new()
    other = AgencyFactory()
    transition(petition.pk, P.PROCESSING, actor="cb", at=at(8, 1, 10), unit=other)
    transition(petition.pk, P.SUPPLEMENT_REQUESTED, actor="cb", at=at(8, 2))
    transition(petition.pk, P.PROCESSING, actor="cb", at=at(8, 6))  # 2 working days later
    transition(petition.pk, P.ANSWERED, actor="cb", at=at(8, 20), answer="Đã chấn chỉnh.")
    transition(petition.pk, P.PUBLISHED, actor="cb", at=at(8, 21))
    petition.refresh_from_db()
    assert petition.unit == other
    assert petition.answer_due == dt.datetime(2024, 8, 26, 9, tzinfo=VN)  # 15 + 2 days
    assert petition.first_supplement_at == at(8, 2)
    assert petition.publish_due == at(8, 22)
    assert petition.version == 6
    kinds = list(petition.events.values_list("new_state", flat=True))
    assert kinds == ["received", "processing", "supplement", "processing", "answered", "published"]


def test_same_sender_same_dossier_is_a_repeat() -> None:
    unit = AgencyFactory()
    dossier = DossierFactory(unit=unit)
    first = new(unit, dossier=dossier, contact="0912 345 678")
    second = new(unit, dossier=dossier, contact="0912345678", at=at(9, 1), topic=Topic.STAFF)
    third = new(unit, dossier=dossier, contact="0987000000", at=at(9, 2))
    other_topic = new(unit, contact="0912345678", at=at(9, 3), topic=Topic.STAFF)
    assert second.repeat_of == first
    assert third.repeat_of is None  # another sender
    assert other_topic.repeat_of is None  # no dossier: same unit+topic+procedure needed


def test_votes_count_once_per_reader_and_can_change() -> None:
    petition = new()
    with pytest.raises(PetitionError):
        workflow.vote(petition.pk, "r1", 1)
    transition(petition.pk, P.ANSWERED, actor="cb", answer="Trả lời")
    transition(petition.pk, P.PUBLISHED, actor="cb")
    workflow.vote(petition.pk, "r1", 1)
    workflow.vote(petition.pk, "r1", 1)
    workflow.vote(petition.pk, "r2", -1)
    workflow.vote(petition.pk, "r1", -1)
    petition.refresh_from_db()
    assert (petition.likes, petition.dislikes) == (0, 2)


def test_the_due_list_shows_overdue_and_soon_due_only() -> None:
    unit = AgencyFactory()
    old = new(unit, at=at(7, 1))
    fresh = new(unit, at=at(8, 19), contact="x@example.vn")
    answered = new(unit, at=at(8, 1), contact="y@example.vn")
    transition(answered.pk, P.ANSWERED, actor="cb", answer="ok", at=at(8, 19, 10))
    found = workflow.due_list(unit_ids=[unit.pk], as_of=at(8, 20), within_days=2)
    assert [(p.code, d.step, d.overdue) for p, d in found] == [
        (old.code, "answer", True),
        (fresh.code, "refuse", False),  # the 2-day refusal window closes on 21/08
        (answered.code, "publish", False),
    ]
    later = workflow.due_list(unit_ids=[unit.pk], as_of=at(8, 22), within_days=1)
    assert (fresh.code, "refuse") not in {(p.code, d.step) for p, d in later}
