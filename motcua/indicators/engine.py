"""Computing indicators: sum numerators and denominators over each unit's members.

One aggregate query per source (dossiers, payments) counts every numerator and
denominator of a formula set per handling unit; each requested unit's figure is then the
sum over the units whose history rolls up into it (``members``). Rates are never averaged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count as CountAgg
from django.db.models import Q, QuerySet

from motcua.dossiers.models import Dossier, Payment
from motcua.indicators.period import Period
from motcua.indicators.registry import Count, FormulaSet, Indicator


@dataclass(frozen=True)
class Figure:
    unit_id: int
    indicator: Indicator
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """b / a as a fraction; None when there is nothing to count."""
        return self.numerator / self.denominator if self.denominator else None


def _base(source: str) -> tuple[QuerySet[Dossier] | QuerySet[Payment], str]:
    if source == "dossier":
        return Dossier.objects.all(), "unit_id"
    if source == "payment":
        return Payment.objects.all(), "dossier__unit_id"
    raise ValueError(f"unknown source {source!r}")


def count_by_unit(
    counts: Mapping[str, Count], unit_ids: Iterable[int], period: Period
) -> dict[int, dict[str, int]]:
    """``{unit_id: {key: n}}`` for every named count, in one query per source."""
    ids = list(unit_ids)
    by_source: dict[str, dict[str, Q]] = defaultdict(dict)
    for key, count in counts.items():
        by_source[count.source][key] = count.where(period)
    result: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(counts, 0))
    for source, filters in by_source.items():
        queryset, unit_field = _base(source)
        rows = (
            queryset.filter(**{f"{unit_field}__in": ids})
            .filter(reduce(or_, filters.values()))
            .values(unit_field)
            .annotate(**{key: CountAgg("pk", filter=q) for key, q in filters.items()})
        )
        for row in rows:
            unit_id = row.pop(unit_field)
            result[unit_id].update(row)
    return result


def compute(
    formula_set: FormulaSet, members: Mapping[int, set[int]], period: Period
) -> list[Figure]:
    """One figure per requested unit (the keys of ``members``) and indicator."""
    counts = {}
    for indicator in formula_set.indicators:
        counts[f"{indicator.code}__b"] = indicator.numerator
        counts[f"{indicator.code}__a"] = indicator.denominator
    all_ids = set().union(*members.values()) if members else set()
    per_unit = count_by_unit(counts, all_ids, period)
    figures = []
    for unit_id, member_ids in members.items():
        totals = dict.fromkeys(counts, 0)
        for member in member_ids:
            for key, value in per_unit.get(member, {}).items():
                totals[key] += value
        for indicator in formula_set.indicators:
            figures.append(
                Figure(
                    unit_id,
                    indicator,
                    totals[f"{indicator.code}__b"],
                    totals[f"{indicator.code}__a"],
                )
            )
    return figures


def explain(
    indicator: Indicator, member_ids: Iterable[int], period: Period
) -> tuple[QuerySet[Dossier] | QuerySet[Payment], QuerySet[Dossier] | QuerySet[Payment]]:
    """The rows behind a figure: those in b, and those in a but not in b."""
    queryset, unit_field = _base(indicator.denominator.source)
    scoped = queryset.filter(**{f"{unit_field}__in": list(member_ids)})
    numerator = indicator.numerator.where(period)
    denominator = indicator.denominator.where(period)
    return scoped.filter(numerator), scoped.filter(denominator).exclude(numerator)
