"""Counting over a period with one-dimensional running totals.

A dossier count such as "received online in the period" or "on time as of the period's end"
depends on the period only through the days a dossier was received (R), finished (F) and
due (D). With the facts normalised so that F ≥ R and D ≥ R (facts.py), every count the
registry uses is a signed sum of a few *terms*, each the number of dossiers satisfying a
period-free (static) predicate whose anchor day falls in a running range:

- ``le_e(A)``: anchor day A on or before the period's last day e;
- ``le_s(A)``: anchor day A before the first day s (A ≤ s − 1);
- ``span``: received before s and not finished by e (the one two-dimensional count,
  needed only for "received in the period and finished by its end").

Anchors are R, F, D and M = max(F, D) (set when both are). Running totals per unit, anchor,
static predicate and day are what ``series.py`` stores, so any period costs two look-ups per
unit and term instead of a scan of the period's dossiers.

The decompositions (S is the static part; "¬(F ≤ e)" includes unfinished dossiers):

- received in the period: ``le_e(R) − le_s(R)``; likewise finished (F) and due (D).
- received in the period and finished by its end (R ∈ [s, e], F ≤ e):
  ``le_e(R) − le_s(R) − [le_e(R) − le_e(F)] + span`` — the bracket counts dossiers received by
  e and not finished by e, of which ``span`` were received before s.
- in progress in the period (766 group 2's denominator, R ≤ e ∧ ¬(F < s)):
  ``le_e(R) − le_s(F)``.
- on time as of e within that scope: finished in the period on time,
  ``le_e(F) − le_s(F)`` with S ∧ on_time, plus not finished by e and not due by e,
  ``le_e(R) − le_e(F) − le_e(D) + le_e(M)`` (inclusion–exclusion; "more than one
  supplement request is late" is part of S).
- received in the period and on time as of e (group 5's dossier satisfaction): the
  "finished by its end" shape with S ∧ on_time, plus the not-finished-not-due terms above
  less ``span_not_due`` (received before s, open at e and not due by e).

A count whose predicate has another temporal shape is not decomposed (``decompose`` returns
None) and the engine counts it from the daily aggregates directly: adding an indicator never
requires touching this module, it only decides whether the fast path applies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import cache, cached_property

from motcua.indicators.predicates import (
    All,
    Any_,
    DayAfterEnd,
    DayBeforeStart,
    DayByEnd,
    DayIn,
    Eq,
    Labelled,
    Not,
    Pred,
)

TEMPORAL = (DayIn, DayBeforeStart, DayByEnd, DayAfterEnd)
ANCHOR_OF_FIELD = {"received_day": "R", "finished_day": "F", "due_day": "D"}


@dataclass(frozen=True)
class Measure:
    """Dossiers whose ``anchor`` day is set and which satisfy ``static``."""

    anchor: str
    static: Pred | None

    @cached_property
    def key(self) -> str:
        """A stable short name for the static predicate (stored with the running totals)."""
        text = repr(self.static) if self.static is not None else "*"
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


@dataclass(frozen=True)
class Term:
    sign: int
    kind: str  # "le_e", "le_s", "span" or "span_not_due"
    measure: Measure


def _static(parts: list[Pred]) -> Pred | None:
    if not parts:
        return None
    ordered = tuple(sorted(parts, key=repr))
    return ordered[0] if len(ordered) == 1 else All(ordered)


def _and(*parts: Pred | None) -> Pred | None:
    flat: list[Pred] = []
    for part in parts:
        if part is None:
            continue
        flat.extend(part.parts if isinstance(part, All) else (part,))
    return _static(flat)


def is_temporal(pred: Pred) -> bool:
    """Whether the predicate looks at a day field (and so depends on the period)."""
    if isinstance(pred, TEMPORAL):
        return True
    if isinstance(pred, All | Any_):
        return any(is_temporal(p) for p in pred.parts)
    if isinstance(pred, Not | Labelled):
        return is_temporal(pred.part)
    return False


def _flatten(pred: Pred) -> Iterator[Pred]:
    if isinstance(pred, All):
        for part in pred.parts:
            yield from _flatten(part)
    else:
        yield pred


def _unlabel(pred: Pred) -> Pred:
    """The predicate without labels (labels explain; they don't change what counts)."""
    if isinstance(pred, Labelled):
        return _unlabel(pred.part)
    if isinstance(pred, All | Any_):
        return type(pred)(tuple(_unlabel(p) for p in pred.parts))
    if isinstance(pred, Not):
        return Not(_unlabel(pred.part))
    if is_dataclass(pred) and any(f.name == "label" for f in fields(pred)):
        return replace(pred, label="")
    return pred


def _m(anchor: str, static: Pred | None) -> Measure:
    return Measure(anchor, static)


def _in(anchor: str, static: Pred | None, sign: int = 1) -> list[Term]:
    return [Term(sign, "le_e", _m(anchor, static)), Term(-sign, "le_s", _m(anchor, static))]


def _received_finished_by_end(static: Pred | None) -> list[Term]:
    return [
        *_in("R", static),
        Term(-1, "le_e", _m("R", static)),
        Term(1, "le_e", _m("F", static)),
        Term(1, "span", _m("R", static)),
    ]


def _progress_scope(static: Pred | None) -> list[Term]:
    return [Term(1, "le_e", _m("R", static)), Term(-1, "le_s", _m("F", static))]


ON_TIME = Eq("on_time", True)


def _on_time_as_of_end(static: Pred | None) -> list[Term]:
    return [
        *_in("F", _and(static, ON_TIME)),
        Term(1, "le_e", _m("R", static)),
        Term(-1, "le_e", _m("F", static)),
        Term(-1, "le_e", _m("D", static)),
        Term(1, "le_e", _m("M", static)),
    ]


def _received_on_time_as_of_end(static: Pred | None) -> list[Term]:
    """Received in the period and, as of its end, finished on time or neither finished nor
    due: the first part is "received in the period, finished by its end" with on_time; the
    second is not-finished-and-not-due by the end (as in _on_time_as_of_end) less those
    received before the period (``span_not_due``)."""
    return [
        *_received_finished_by_end(_and(static, ON_TIME)),
        Term(1, "le_e", _m("R", static)),
        Term(-1, "le_e", _m("F", static)),
        Term(-1, "le_e", _m("D", static)),
        Term(1, "le_e", _m("M", static)),
        Term(-1, "span_not_due", _m("R", static)),
    ]


# The temporal shapes, keyed by their unlabelled temporal parts.
_R, _F, _D = (DayIn(f) for f in ("received_day", "finished_day", "due_day"))
PROGRESS_SCOPE = Any_(
    (_R, All((DayBeforeStart("received_day"), Not(DayBeforeStart("finished_day")))))
)
FINISHED_ON_TIME_OR_NOT_DUE = Any_(
    (
        All((DayByEnd("finished_day"), ON_TIME)),
        All((DayAfterEnd("finished_day"), DayAfterEnd("due_day"))),
    )
)
SHAPES: dict[frozenset[Pred], Callable[[Pred | None], list[Term]]] = {
    frozenset({_R}): lambda s: _in("R", s),
    frozenset({_F}): lambda s: _in("F", s),
    frozenset({_D}): lambda s: _in("D", s),
    frozenset({_R, DayByEnd("finished_day")}): _received_finished_by_end,
    frozenset({PROGRESS_SCOPE}): _progress_scope,
    frozenset({PROGRESS_SCOPE, FINISHED_ON_TIME_OR_NOT_DUE}): _on_time_as_of_end,
    frozenset({_R, FINISHED_ON_TIME_OR_NOT_DUE}): _received_on_time_as_of_end,
}


@cache
def decompose(pred: Pred) -> list[Term] | None:
    """The terms whose signed sum counts ``pred`` for any period; None if its temporal
    shape is not one of SHAPES (the caller then counts it directly)."""
    temporal: set[Pred] = set()
    static: list[Pred] = []
    for part in _flatten(_unlabel(pred)):
        (temporal.add(part) if is_temporal(part) else static.append(part))
    shape = SHAPES.get(frozenset(temporal))
    if shape is None:
        return None
    return shape(_static(static))


def span_key(received_day: dt.date | None, finished_day: dt.date | None) -> int | None:
    """How long a dossier took, as a class of powers of two, then its day of receipt:
    ``class × SPAN_CLASS + days since 1970-01-01``. Class c holds dossiers finished
    2**(c-1) to 2**c − 1 days after receipt (0: the same day), OPEN_LAG (99) those not
    finished. One indexed integer, so "class c, received between two days" is one range
    that any planner reads from the index (series.span_counts: the dossiers that can span a
    period). None when not received."""
    if received_day is None:
        return None
    days = (received_day - EPOCH).days
    if finished_day is None:
        return OPEN_LAG * SPAN_CLASS + days
    return (finished_day - received_day).days.bit_length() * SPAN_CLASS + days


OPEN_LAG = 99
SPAN_CLASS = 100_000
EPOCH = dt.date(1970, 1, 1)
