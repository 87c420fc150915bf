"""Rankings: pure functions (docs/campaigns.md).

Units are ranked within their level. A unit with fewer than ``min_dossiers`` in the
denominator is not ranked: it is listed apart ("too small to rank"), because one dossier
moves its rate by whole percentage points.

"Best" orders by the rate, highest first; "most improved" by the change over the baseline
in percentage points (units without a baseline rate are left out of it). Ties are exact:
two rates are equal when b1·a2 = b2·a1 (no rounding), and tied units share the rank of the
first of them, the next rank skipping as many places ("1, 2, 2, 4": standard competition
ranking). Tied units are listed by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Entry:
    key: str  # unit code
    name: str
    level: str
    numerator: int
    denominator: int
    baseline: Fraction | None = None

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def change(self) -> Fraction | None:
        rate = self.rate
        if rate is None or self.baseline is None:
            return None
        return rate - self.baseline


@dataclass(frozen=True)
class Ranked:
    rank: int
    entry: Entry
    value: Fraction


@dataclass(frozen=True)
class Ranking:
    level: str
    ranked: list[Ranked]
    too_small: list[Entry]


def competition_ranks(
    entries: Sequence[Entry], value: Callable[[Entry], Fraction | None]
) -> list[Ranked]:
    """Entries with a value, best first, tied values sharing a rank (1, 2, 2, 4)."""
    valued = [(value(e), e) for e in entries]
    ordered = sorted(
        ((v, e) for v, e in valued if v is not None), key=lambda ve: (-ve[0], ve[1].name)
    )
    result: list[Ranked] = []
    for position, (v, e) in enumerate(ordered, start=1):
        rank = result[-1].rank if result and result[-1].value == v else position
        result.append(Ranked(rank, e, v))
    return result


def _split(
    entries: Sequence[Entry], min_dossiers: int
) -> dict[str, tuple[list[Entry], list[Entry]]]:
    levels: dict[str, tuple[list[Entry], list[Entry]]] = {}
    for e in entries:
        big, small = levels.setdefault(e.level, ([], []))
        (big if e.denominator >= min_dossiers else small).append(e)
    return levels


def rank_best(entries: Sequence[Entry], min_dossiers: int) -> list[Ranking]:
    return [
        Ranking(level, competition_ranks(big, lambda e: e.rate), sorted(small, key=_name))
        for level, (big, small) in _split(entries, min_dossiers).items()
    ]


def rank_improved(entries: Sequence[Entry], min_dossiers: int) -> list[Ranking]:
    return [
        Ranking(level, competition_ranks(big, lambda e: e.change), sorted(small, key=_name))
        for level, (big, small) in _split(entries, min_dossiers).items()
    ]


def _name(e: Entry) -> str:
    return e.name
