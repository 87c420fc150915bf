"""A small predicate language over dossier facts.

An indicator's numerator and denominator are predicates such as
``received & Eq("channel", 2, "nộp trực tuyến")``. A predicate compiles to a Django ``Q``
over the aggregate table (``DailyFact``), which is how figures are computed fast, and tests a
single dossier's :class:`~motcua.indicators.facts.Facts` in Python, which is how a figure
explains itself: each dossier in a−b gets the reason the numerator fails for it.

Field names are those of ``DailyFact`` and ``Facts`` (the same names). Day fields hold local
dates; periods are closed date ranges (see period.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from motcua.indicators.period import Period


class Pred:
    label: str = ""

    def q(self, p: Period) -> Q:
        raise NotImplementedError

    def test(self, facts: Any, p: Period) -> bool:
        raise NotImplementedError

    def why_not(self, facts: Any, p: Period) -> str:
        """Why ``facts`` fails this predicate (call only when ``test`` is False)."""
        return f"không: {self.label}"

    def __and__(self, other: Pred) -> Pred:
        return All((self, other))

    def __or__(self, other: Pred) -> Pred:
        return Any_((self, other))

    def __invert__(self) -> Pred:
        return Not(self)


@dataclass(frozen=True)
class Eq(Pred):
    field: str
    value: object
    label: str = ""

    def q(self, p: Period) -> Q:
        return Q(**{self.field: self.value})

    def test(self, facts: Any, p: Period) -> bool:
        return bool(getattr(facts, self.field) == self.value)


@dataclass(frozen=True)
class In(Pred):
    field: str
    values: tuple[object, ...]
    label: str = ""

    def q(self, p: Period) -> Q:
        return Q(**{f"{self.field}__in": self.values})

    def test(self, facts: Any, p: Period) -> bool:
        return getattr(facts, self.field) in self.values


@dataclass(frozen=True)
class DayIn(Pred):
    """The day field falls inside the period."""

    field: str
    label: str = ""

    def q(self, p: Period) -> Q:
        return Q(**{f"{self.field}__gte": p.start, f"{self.field}__lte": p.end})

    def test(self, facts: Any, p: Period) -> bool:
        day = getattr(facts, self.field)
        return day is not None and p.start <= day <= p.end


@dataclass(frozen=True)
class DayBeforeStart(Pred):
    field: str
    label: str = ""

    def q(self, p: Period) -> Q:
        return Q(**{f"{self.field}__lt": p.start})

    def test(self, facts: Any, p: Period) -> bool:
        day = getattr(facts, self.field)
        return day is not None and day < p.start


@dataclass(frozen=True)
class DayByEnd(Pred):
    """The day field is set and is no later than the period's last day."""

    field: str
    label: str = ""

    def q(self, p: Period) -> Q:
        return Q(**{f"{self.field}__lte": p.end})

    def test(self, facts: Any, p: Period) -> bool:
        day = getattr(facts, self.field)
        return day is not None and day <= p.end


@dataclass(frozen=True)
class DayAfterEnd(Pred):
    """The day field is unset, or later than the period's last day."""

    field: str
    label: str = ""

    def q(self, p: Period) -> Q:
        return Q(**{f"{self.field}__isnull": True}) | Q(**{f"{self.field}__gt": p.end})

    def test(self, facts: Any, p: Period) -> bool:
        day = getattr(facts, self.field)
        return day is None or day > p.end


@dataclass(frozen=True)
class All(Pred):
    parts: tuple[Pred, ...]
    label: str = ""

    def q(self, p: Period) -> Q:
        result = Q()
        for part in self.parts:
            result &= part.q(p)
        return result

    def test(self, facts: Any, p: Period) -> bool:
        return all(part.test(facts, p) for part in self.parts)

    def why_not(self, facts: Any, p: Period) -> str:
        for part in self.parts:
            if not part.test(facts, p):
                return part.why_not(facts, p)
        return ""

    def __and__(self, other: Pred) -> Pred:
        return All((*self.parts, other))


@dataclass(frozen=True)
class Any_(Pred):
    parts: tuple[Pred, ...]
    label: str = ""

    def q(self, p: Period) -> Q:
        result = Q(pk__in=[])
        for part in self.parts:
            result |= part.q(p)
        return result

    def test(self, facts: Any, p: Period) -> bool:
        return any(part.test(facts, p) for part in self.parts)

    def why_not(self, facts: Any, p: Period) -> str:
        if self.label:
            return f"không: {self.label}"
        return "; ".join(part.why_not(facts, p) for part in self.parts)


@dataclass(frozen=True)
class Not(Pred):
    part: Pred
    label: str = ""

    def q(self, p: Period) -> Q:
        return ~self.part.q(p)

    def test(self, facts: Any, p: Period) -> bool:
        return not self.part.test(facts, p)

    def why_not(self, facts: Any, p: Period) -> str:
        return self.label or f"có: {self.part.label}"


@dataclass(frozen=True)
class Labelled(Pred):
    """A predicate with its own explanation of failure (``reason(facts, period)``)."""

    part: Pred
    label: str
    reason: Callable[[Any, Period], str] | None = None

    def q(self, p: Period) -> Q:
        return self.part.q(p)

    def test(self, facts: Any, p: Period) -> bool:
        return self.part.test(facts, p)

    def why_not(self, facts: Any, p: Period) -> str:
        return self.reason(facts, p) if self.reason else f"không: {self.label}"
