"""Computing indicators: sum numerators and denominators over each unit's members.

Per source, one aggregate query counts every numerator and denominator of a formula set per
handling unit: dossiers and procedures from the daily aggregates (``DailyFact``), payments
from the transactions. A requested unit's figure is the sum over the units whose history
rolls up into it (``members``). Rates are never averaged. ``explain`` lists the dossiers
behind a figure with the reason each one counts or not, from the same predicates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count as CountAgg
from django.db.models import Q, Sum

from motcua.calendar.services import current_calendar
from motcua.dossiers.models import Dossier, Payment
from motcua.indicators import series
from motcua.indicators.facts import DOSSIER_COLUMNS, facts_of, load_procedures
from motcua.indicators.models import DailyFact
from motcua.indicators.period import Period
from motcua.indicators.registry import Count, FormulaSet, Group, Indicator
from motcua.indicators.windows import Term, decompose


@dataclass(frozen=True)
class Figure:
    unit_id: int
    indicator: Indicator
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """b / a as a fraction; None when a = 0."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def score(self) -> float:
        return self.indicator.scoring.score(self.rate)


@dataclass(frozen=True)
class GroupFigure:
    unit_id: int
    group: Group
    score: float


def _aggregate(source: str, q: Q) -> Any:
    if source == "dossiers":
        return Sum("n", filter=q, default=0)
    return CountAgg("procedure_id", filter=q, distinct=True)


def count_by_unit(
    counts: Mapping[str, Count], unit_ids: Iterable[int], period: Period
) -> dict[int, dict[str, int]]:
    """``{unit_id: {key: n}}`` for every named count.

    Dossier and procedure counts whose predicate decomposes into running totals
    (windows.py) are read from them (series.py); the others with one aggregate query over
    the daily aggregates; payments with one query over the transactions.
    """
    ids = list(unit_ids)
    result: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(counts, 0))
    fast, slow = _split(counts)
    if fast and ids:
        for unit_id, values in _fast_counts(fast, ids, period).items():
            result[unit_id].update(values)
    fact_filters = {key: c.where.q(period) for key, c in slow.items() if c.where}
    if fact_filters and ids:
        annotations = {key: _aggregate(counts[key].source, q) for key, q in fact_filters.items()}
        fact_rows: Any = (
            DailyFact.objects.filter(unit_id__in=ids)
            .filter(reduce(or_, fact_filters.values()))
            .values("unit_id")
            .annotate(**annotations)
        )
        for row in fact_rows:
            unit_id = row.pop("unit_id")
            result[unit_id].update({k: int(v or 0) for k, v in row.items()})
    payment_filters = {
        key: c.payment_where(period)
        for key, c in counts.items()
        if c.source == "payments" and c.payment_where
    }
    if payment_filters and ids:
        payment_rows: Any = (
            Payment.objects.filter(dossier__unit_id__in=ids)
            .filter(reduce(or_, payment_filters.values()))
            .values("dossier__unit_id")
            .annotate(**{k: CountAgg("pk", filter=q) for k, q in payment_filters.items()})
        )
        for row in payment_rows:
            unit_id = row.pop("dossier__unit_id")
            result[unit_id].update(row)
    return result


def _split(
    counts: Mapping[str, Count],
) -> tuple[dict[str, tuple[str, list[Term]]], dict[str, Count]]:
    """Counts answered by the running totals or procedure activity (with their source and
    terms), and the rest (not payments), counted from the daily aggregates."""
    done = series.built()
    fast: dict[str, tuple[str, list[Term]]] = {}
    slow: dict[str, Count] = {}
    for key, count in counts.items():
        if count.source == "payments" or count.where is None:
            continue
        terms = decompose(count.where)
        if terms is not None and _answerable(count.source, terms, done):
            fast[key] = (count.source, terms)
        else:
            slow[key] = count
    return fast, slow


def _answerable(source: str, terms: list[Term], done: set[str]) -> bool:
    if source == "dossiers":
        return all(t.kind == "span" or series.built_key("d", t.measure) in done for t in terms)
    if source == "procedures":
        measure = terms[0].measure
        return series.is_received_in(terms) and series.built_key("p", measure) in done
    return False


def _fast_counts(
    fast: Mapping[str, tuple[str, list[Term]]], ids: list[int], period: Period
) -> dict[int, dict[str, int]]:
    dossier_terms = {k: terms for k, (source, terms) in fast.items() if source == "dossiers"}
    procedure_measures = {
        k: terms[0].measure for k, (source, terms) in fast.items() if source == "procedures"
    }
    all_terms = [t for terms in dossier_terms.values() for t in terms]
    running = series.running_counts({t.measure for t in all_terms if t.kind != "span"}, ids, period)
    span_measures = {t.measure for t in all_terms if t.kind == "span"}
    spans = series.span_counts(span_measures, ids, period) if span_measures else {}
    activity = (
        series.procedure_counts(procedure_measures.values(), ids, period)
        if procedure_measures
        else {}
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id in ids:
        mine, my_spans = running.get(unit_id, {}), spans.get(unit_id, {})
        for key, terms in dossier_terms.items():
            out[unit_id][key] = series.combine(terms, mine, my_spans)
        mine_p = activity.get(unit_id, {})
        for key, measure in procedure_measures.items():
            out[unit_id][key] = mine_p.get(measure.key, 0)
    return out


def compute(
    formula_set: FormulaSet, members: Mapping[int, set[int]], period: Period
) -> list[Figure]:
    """One figure per requested unit (the keys of ``members``) and indicator."""
    counts: dict[str, Count] = {}
    for indicator in formula_set.indicators:
        counts[f"{indicator.code}__b"] = indicator.numerator
        counts[f"{indicator.code}__a"] = indicator.denominator
    all_ids: set[int] = set().union(*members.values()) if members else set()
    per_unit = count_by_unit(counts, all_ids, period)
    figures = []
    for unit_id, member_ids in members.items():
        totals = dict.fromkeys(counts, 0)
        for member in member_ids:
            for key, value in per_unit.get(member, {}).items():
                totals[key] += value
        for indicator in formula_set.indicators:
            b, a = totals[f"{indicator.code}__b"], totals[f"{indicator.code}__a"]
            figures.append(Figure(unit_id, indicator, b, a))
    return figures


def group_scores(formula_set: FormulaSet, figures: Iterable[Figure]) -> list[GroupFigure]:
    """Each group's score: the sum of its indicators' scores, capped at the group's max."""
    by_unit: dict[int, dict[str, Figure]] = defaultdict(dict)
    for figure in figures:
        by_unit[figure.unit_id][figure.indicator.code] = figure
    result = []
    for unit_id, figs in by_unit.items():
        for group in formula_set.groups:
            total = sum(figs[code].score for code in group.indicators if code in figs)
            result.append(GroupFigure(unit_id, group, min(group.max, total)))
    return result


@dataclass(frozen=True)
class Explained:
    dossier_id: int
    code: str
    reason: str


def explain(
    indicator: Indicator,
    member_ids: Iterable[int],
    period: Period,
    *,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Explained], list[Explained], int, int]:
    """The dossiers in b and in a−b with their reasons, paginated; and both totals."""
    where_b, where_a = indicator.numerator.where, indicator.denominator.where
    if indicator.numerator.source == "payments" or where_b is None or where_a is None:
        raise ValueError(f"{indicator.code} counts payment transactions, not dossiers")
    candidates = (
        Dossier.objects.filter(unit_id__in=list(member_ids), received_at__lt=period.end_at)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=period.start_at))
        .order_by("received_at", "pk")
    )
    procedures = load_procedures()
    calendar = current_calendar()
    in_b: list[Explained] = []
    not_b: list[Explained] = []
    n_b = n_not_b = 0
    for row in candidates.values("code", *DOSSIER_COLUMNS).iterator(chunk_size=2000):
        facts = facts_of(row, procedures[row["procedure_id"]], calendar)
        if not where_a.test(facts, period):
            continue
        if where_b.test(facts, period):
            if offset <= n_b < offset + limit:
                in_b.append(Explained(row["id"], row["code"], indicator.numerator.label or "✓"))
            n_b += 1
        else:
            if offset <= n_not_b < offset + limit:
                reason = where_b.why_not(facts, period)
                not_b.append(Explained(row["id"], row["code"], reason))
            n_not_b += 1
    return in_b, not_b, n_b, n_not_b
