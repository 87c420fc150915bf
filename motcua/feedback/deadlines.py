"""PAKN deadlines and the on-time rule (Decision 766 indicator 5.1), as pure functions.

Deadlines in working days, on the office clock of the working-day calendar
(``motcua.calendar.services``: N working days = N × the office hours of a day, from the
moment of receipt; a receipt outside office hours starts at the next opening):

- refuse (từ chối tiếp nhận): within **2** working days of receipt;
- first supplement request (yêu cầu bổ sung thông tin): within **5** working days of receipt;
- answer (trả lời, xử lý): within **15** working days of receipt, extended by the office time
  the sender spent supplying requested information (like a dossier's supplement pause);
- publish the answer (công khai): within **2** working days of the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

REFUSE_DAYS = 2
SUPPLEMENT_DAYS = 5
ANSWER_DAYS = 15
PUBLISH_DAYS = 2

Pause = tuple[dt.datetime, dt.datetime]


class Calendar(Protocol):
    def due_at(self, received_at: dt.datetime, limit: int, unit: str = ...) -> dt.datetime: ...

    def extend_for_pauses(self, due: dt.datetime, pauses: Sequence[Pause]) -> dt.datetime: ...


@dataclass(frozen=True)
class ReceiptDeadlines:
    refuse: dt.datetime
    supplement: dt.datetime
    answer: dt.datetime


def at_receipt(received_at: dt.datetime, calendar: Calendar) -> ReceiptDeadlines:
    """The refuse (2), first-supplement (5) and answer (15) deadlines, in working days."""
    return ReceiptDeadlines(
        refuse=calendar.due_at(received_at, REFUSE_DAYS, "working_days"),
        supplement=calendar.due_at(received_at, SUPPLEMENT_DAYS, "working_days"),
        answer=calendar.due_at(received_at, ANSWER_DAYS, "working_days"),
    )


def answer_due(
    received_at: dt.datetime, pauses: Sequence[Pause], calendar: Calendar
) -> dt.datetime:
    """15 working days from receipt, moved later by the office time inside each pause
    (from a supplement request to the sender's supplement)."""
    base = calendar.due_at(received_at, ANSWER_DAYS, "working_days")
    return calendar.extend_for_pauses(base, pauses) if pauses else base


def publish_due(answered_at: dt.datetime, calendar: Calendar) -> dt.datetime:
    """2 working days after the answer."""
    return calendar.due_at(answered_at, PUBLISH_DAYS, "working_days")


@dataclass(frozen=True)
class Times:
    """What happened to one petition, and when (None: not yet)."""

    refuse_due: dt.datetime
    supplement_due: dt.datetime
    answer_due: dt.datetime
    refused_at: dt.datetime | None = None
    first_supplement_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    publish_due: dt.datetime | None = None
    published_at: dt.datetime | None = None


def _by(moment: dt.datetime | None, as_of: dt.datetime) -> dt.datetime | None:
    """A moment counts only if it happened before ``as_of``."""
    return moment if moment is not None and moment < as_of else None


def on_time(t: Times, as_of: dt.datetime) -> bool:
    """Whether a petition is handled on time, as of ``as_of`` (the period's end).

    Steps after ``as_of`` are taken as not yet done. The petition is on time when
    - every step done met its deadline: refused by ``refuse_due``, first supplement request
      by ``supplement_due``, answered by ``answer_due``, published by ``publish_due``; and
    - no pending step's deadline has passed: not refused and not answered with
      ``answer_due`` passed, or answered and not published with ``publish_due`` passed.
    A refused petition needs no answer. "Handled on time + in progress within the deadline"
    of indicator 5.1 is exactly the petitions for which this is True.
    """
    refused = _by(t.refused_at, as_of)
    supplement = _by(t.first_supplement_at, as_of)
    answered = _by(t.answered_at, as_of)
    published = _by(t.published_at, as_of)
    if refused is not None and refused > t.refuse_due:
        return False
    if supplement is not None and supplement > t.supplement_due:
        return False
    if refused is not None:
        return True
    if answered is None:
        return t.answer_due >= as_of
    if answered > t.answer_due:
        return False
    publish = t.publish_due
    if publish is None:
        return True
    if published is None:
        return publish >= as_of
    return published <= publish


@dataclass(frozen=True)
class Deadline:
    step: str  # refuse, supplement, answer, publish
    due: dt.datetime
    overdue: bool


def open_deadlines(t: Times, state: str, as_of: dt.datetime) -> list[Deadline]:
    """The deadlines a handler still has to meet, as of ``as_of``.

    While the petition is open (received, processing, supplement requested) the answer is
    due; before the first supplement request and before refusing, the windows for those two
    steps are shown while they are still open (they close, rather than go overdue). An
    answered petition has its publication due. Missed answer/publish deadlines are overdue.
    """
    found: list[Deadline] = []
    if state in ("received", "processing"):
        if t.refused_at is None and t.refuse_due >= as_of:
            found.append(Deadline("refuse", t.refuse_due, False))
        if t.first_supplement_at is None and t.supplement_due >= as_of:
            found.append(Deadline("supplement", t.supplement_due, False))
    if state in ("received", "processing", "supplement"):
        found.append(Deadline("answer", t.answer_due, t.answer_due < as_of))
    if state == "answered" and t.publish_due is not None:
        found.append(Deadline("publish", t.publish_due, t.publish_due < as_of))
    return found
