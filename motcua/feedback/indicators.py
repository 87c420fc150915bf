"""Group 5 of Decision 766 (satisfaction) and the plans' ``feedback_on_time`` and
``satisfaction``, as a count source for the indicator engine.

:func:`count_by_unit` has the engine's shape: ``{key: count name}`` → ``{unit_id: {key: n}}``
for one period. The count names are in :data:`COUNTS`; :data:`INDICATORS` says which counts
are each indicator's b and a, and how it scores. Exact definitions: docs/feedback.md.

- A petition belongs to its responsible unit (``Petition.unit``) and to the period in
  which it was received. Its state is taken as of the period's end.
- A rating belongs to its unit and to the period in which it was given.
- Dossiers are counted by the dossier source (its running totals) by the unit handling
  them, received in the period, late or not as of its end as group 2 judges it.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q

from motcua.feedback.deadlines import on_time
from motcua.feedback.models import Petition, Rating, Topic
from motcua.feedback.ratings import SATISFIED_FROM
from motcua.feedback.workflow import times_of
from motcua.indicators import series
from motcua.indicators.period import Period
from motcua.indicators.predicates import Eq, Not
from motcua.indicators.registry import dossiers, received
from motcua.indicators.sources import get_source
from motcua.indicators.windows import FINISHED_ON_TIME_OR_NOT_DUE

COUNTS = (
    "petitions",  # PAKN received in the period
    "petitions_on_time",  # … handled on time or in progress within the deadline
    "petitions_satisfactory",  # … neither dissatisfied, late nor repeated
    "petitions_rules",  # … about administrative rules (TTHC)
    "petitions_staff",  # … about staff behaviour
    "ratings",  # ratings given in the period
    "ratings_satisfied",  # … scoring 4 or 5
    "dossiers_received",  # dossiers received in the period
    "dossiers_late",  # … late as of the period's end (group 2's rule)
    "dossiers_complained",  # … with a petition or a disliking rating by the period's end
    "dossiers_receiving_satisfied",  # max(0, received − late − complained)
)


@dataclass(frozen=True)
class Group5Indicator:
    code: str
    numerator: str
    denominator: str
    max: float
    full_at: float = 1.0
    if_empty: float = 0.0

    def score(self, b: int, a: int) -> float:
        """min(max, max × (b/a) / full_at); ``if_empty`` when a = 0."""
        if a == 0:
            return self.if_empty
        return min(self.max, self.max * (b / a) / self.full_at)


INDICATORS = (
    Group5Indicator("PETITION_PROCESSING_ON_TIME", "petitions_on_time", "petitions", 6, 1, 6),
    Group5Indicator(
        "PETITION_HANDLING_SATISFACTION", "petitions_satisfactory", "petitions", 6, 1, 6
    ),
    Group5Indicator(
        "DOSSIER_RECEIVING_SATISFACTION",
        "dossiers_receiving_satisfied",
        "dossiers_received",
        6,
        0.9,
        0,
    ),
    Group5Indicator("PETITION_CLASSIFICATION_TTHC", "petitions_rules", "petitions", 0),
    Group5Indicator("PETITION_CLASSIFICATION_STAFF", "petitions_staff", "petitions", 0),
    Group5Indicator("feedback_on_time", "petitions_on_time", "petitions", 0),
    Group5Indicator("satisfaction", "ratings_satisfied", "ratings", 0),
)


def count_by_unit(
    counts: Mapping[str, str], unit_ids: Iterable[int], period: Period
) -> dict[int, dict[str, int]]:
    """``{unit_id: {key: n}}`` for every ``key: count name`` of :data:`COUNTS`."""
    unknown = set(counts.values()) - set(COUNTS)
    if unknown:
        raise ValueError(f"unknown feedback count(s): {', '.join(sorted(unknown))}")
    ids = list(unit_ids)
    per_unit: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    wanted = set(counts.values())
    if wanted & {n for n in COUNTS if n.startswith("petitions")}:
        _petitions(ids, period, per_unit)
    if wanted & {"ratings", "ratings_satisfied"}:
        _ratings(ids, period, per_unit)
    if wanted & {n for n in COUNTS if n.startswith("dossiers")}:
        _dossiers(ids, period, per_unit)
    return {
        unit: {key: values[name] for key, name in counts.items()}
        for unit, values in per_unit.items()
    }


def count_by_unit_periods(
    counts: Mapping[str, str], unit_ids: Iterable[int], periods: Sequence[Period]
) -> dict[Period, dict[int, dict[str, int]]]:
    """:func:`count_by_unit` for each period: petitions, ratings and complained dossiers
    read once for all of them, the dossiers from the dossier source's multi-period pass."""
    unknown = set(counts.values()) - set(COUNTS)
    if unknown:
        raise ValueError(f"unknown feedback count(s): {', '.join(sorted(unknown))}")
    ids = list(unit_ids)
    ordered = list(dict.fromkeys(periods))
    per: dict[Period, dict[int, dict[str, int]]] = {
        p: defaultdict(lambda: dict.fromkeys(COUNTS, 0)) for p in ordered
    }
    wanted = set(counts.values())
    if ordered and wanted & {n for n in COUNTS if n.startswith("petitions")}:
        _petitions_periods(ids, ordered, per)
    if ordered and wanted & {"ratings", "ratings_satisfied"}:
        _ratings_periods(ids, ordered, per)
    if ordered and wanted & {n for n in COUNTS if n.startswith("dossiers")}:
        _dossiers_periods(ids, ordered, per)
    return {
        p: {
            unit: {key: values[name] for key, name in counts.items()}
            for unit, values in per[p].items()
        }
        for p in ordered
    }


def _any_of(field: str, periods: Sequence[Period]) -> Q:
    """``field`` in one of the periods (their ``[start_at, end_at)`` ranges)."""
    return reduce(
        or_, (Q(**{f"{field}__gte": p.start_at, f"{field}__lt": p.end_at}) for p in periods)
    )


def _petitions(ids: list[int], period: Period, out: dict[int, dict[str, int]]) -> None:
    rows = Petition.objects.filter(
        unit_id__in=ids, received_at__gte=period.start_at, received_at__lt=period.end_at
    )
    for p in rows.iterator():
        _count_petition(p, times_of(p), period.end_at, out[p.unit_id])


def _petitions_periods(
    ids: list[int], periods: Sequence[Period], out: dict[Period, dict[int, dict[str, int]]]
) -> None:
    bounds = [(p, p.start_at, p.end_at) for p in periods]
    for petition in Petition.objects.filter(unit_id__in=ids).filter(
        _any_of("received_at", periods)
    ):
        times = times_of(petition)
        for p, start, end in bounds:
            if start <= petition.received_at < end:
                _count_petition(petition, times, end, out[p][petition.unit_id])


def _count_petition(p: Petition, times: Any, end: Any, counts: dict[str, int]) -> None:
    timely = on_time(times, end)
    published = p.published_at is not None and p.published_at < end
    dissatisfied = published and p.dislikes > p.likes
    counts["petitions"] += 1
    counts["petitions_on_time"] += timely
    counts["petitions_satisfactory"] += timely and not dissatisfied and p.repeat_of_id is None
    counts["petitions_rules"] += p.topic == Topic.RULES
    counts["petitions_staff"] += p.topic == Topic.STAFF


def _ratings_periods(
    ids: list[int], periods: Sequence[Period], out: dict[Period, dict[int, dict[str, int]]]
) -> None:
    sums: dict[str, Any] = {}
    for i, p in enumerate(periods):
        given = Q(at__gte=p.start_at, at__lt=p.end_at)
        sums[f"n{i}"] = Count("pk", filter=given)
        sums[f"ok{i}"] = Count("pk", filter=given & Q(score__gte=SATISFIED_FROM))
    rows: Any = (
        Rating.objects.filter(unit_id__in=ids)
        .filter(_any_of("at", periods))
        .values("unit_id")
        .annotate(**sums)
    )
    for row in rows:
        for i, p in enumerate(periods):
            if row[f"n{i}"]:
                counts = out[p][row["unit_id"]]
                counts["ratings"] += row[f"n{i}"]
                counts["ratings_satisfied"] += row[f"ok{i}"]


def _ratings(ids: list[int], period: Period, out: dict[int, dict[str, int]]) -> None:
    rows = (
        Rating.objects.filter(unit_id__in=ids, at__gte=period.start_at, at__lt=period.end_at)
        .values("unit_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(score__gte=SATISFIED_FROM)))
    )
    for row in rows:
        out[row["unit_id"]]["ratings"] += row["n"]
        out[row["unit_id"]]["ratings_satisfied"] += row["ok"]


# Dossiers received in the period, and those of them on time as of its end (group 2's
# rule): counted by the dossier source, which answers both from its running totals.
RECEIVED = dossiers(received)
RECEIVED_TIMELY = dossiers(
    received & Not(Eq("multi_supplement", True)) & FINISHED_ON_TIME_OR_NOT_DUE
)
series.register_counts([RECEIVED, RECEIVED_TIMELY])


def _dossiers(ids: list[int], period: Period, out: dict[int, dict[str, int]]) -> None:
    counted = get_source("dossiers").count(
        {"received": RECEIVED, "timely": RECEIVED_TIMELY}, ids, period
    )
    for unit_id, row in counted.items():
        out[unit_id]["dossiers_received"] += row.get("received", 0)
        out[unit_id]["dossiers_late"] += row.get("received", 0) - row.get("timely", 0)
    for unit_id, n in _complained(ids, period).items():
        out[unit_id]["dossiers_complained"] += n
    for unit_id in set(out):
        c = out[unit_id]
        c["dossiers_receiving_satisfied"] = max(
            0, c["dossiers_received"] - c["dossiers_late"] - c["dossiers_complained"]
        )


def _dossiers_periods(
    ids: list[int], periods: Sequence[Period], out: dict[Period, dict[int, dict[str, int]]]
) -> None:
    source = get_source("dossiers")
    counted = source.count_periods({"received": RECEIVED, "timely": RECEIVED_TIMELY}, ids, periods)
    complained = _complained_periods(ids, periods)
    for p in periods:
        mine = out[p]
        for unit_id, row in counted[p].items():
            mine[unit_id]["dossiers_received"] += row.get("received", 0)
            mine[unit_id]["dossiers_late"] += row.get("received", 0) - row.get("timely", 0)
        for unit_id, n in complained[p].items():
            mine[unit_id]["dossiers_complained"] += n
        for unit_id in set(mine):
            c = mine[unit_id]
            c["dossiers_receiving_satisfied"] = max(
                0, c["dossiers_received"] - c["dossiers_late"] - c["dossiers_complained"]
            )


def _complained_periods(ids: list[int], periods: Sequence[Period]) -> dict[Period, dict[int, int]]:
    """:func:`_complained` for each period: a dossier counts for a period it was received
    in when its first petition or disliking rating came before the period's end."""
    from motcua.dossiers.models import Dossier

    latest = max(p.end_at for p in periods)
    first: dict[int, Any] = {}
    found = itertools.chain(
        Petition.objects.filter(received_at__lt=latest, dossier__isnull=False).values_list(
            "dossier_id", "received_at"
        ),
        Rating.objects.filter(liked=False, at__lt=latest, dossier__isnull=False).values_list(
            "dossier_id", "at"
        ),
    )
    for dossier_id, moment in found:
        if dossier_id not in first or moment < first[dossier_id]:
            first[dossier_id] = moment
    result: dict[Period, dict[int, int]] = {p: defaultdict(int) for p in periods}
    candidates = sorted(first)
    received = _any_of("received_at", periods)
    for start in range(0, len(candidates), 5000):
        rows: Any = (
            Dossier.objects.filter(pk__in=candidates[start : start + 5000], unit_id__in=ids)
            .filter(received)
            .values_list("pk", "unit_id", "received_at")
        )
        for pk, unit_id, at in rows:
            for p in periods:
                if p.start_at <= at < p.end_at and first[pk] < p.end_at:
                    result[p][unit_id] += 1
    return result


def _complained(ids: list[int], period: Period) -> dict[int, int]:
    """Dossiers received in the period with, by the period's end, a petition about them or a
    rating that dislikes. Starts from the (small) petition and rating tables, so the
    dossiers table is only probed by id."""
    from motcua.dossiers.models import Dossier

    end = period.end_at
    about = set(
        Petition.objects.filter(received_at__lt=end, dossier__isnull=False).values_list(
            "dossier_id", flat=True
        )
    )
    about |= set(
        Rating.objects.filter(liked=False, at__lt=end, dossier__isnull=False).values_list(
            "dossier_id", flat=True
        )
    )
    result: dict[int, int] = defaultdict(int)
    candidates = sorted(about)
    for start in range(0, len(candidates), 5000):
        rows = Dossier.objects.filter(
            pk__in=candidates[start : start + 5000],
            unit_id__in=ids,
            received_at__gte=period.start_at,
            received_at__lt=end,
        ).values_list("unit_id", flat=True)
        for unit_id in rows:
            result[unit_id] += 1
    return result


class FeedbackSource:
    """The count source for the indicator engine's pluggable sources (registered by name,
    one name per count of :data:`COUNTS`, all sharing this instance): a ``Count`` whose
    ``source`` is a feedback count name is counted here. Nothing to list in ``explain``."""

    def count(
        self, counts: Mapping[str, Any], unit_ids: Sequence[int], period: Period
    ) -> dict[int, dict[str, int]]:
        return count_by_unit({key: c.source for key, c in counts.items()}, unit_ids, period)

    def count_periods(
        self, counts: Mapping[str, Any], unit_ids: Sequence[int], periods: Sequence[Period]
    ) -> dict[Period, dict[int, dict[str, int]]]:
        names = {key: c.source for key, c in counts.items()}
        return count_by_unit_periods(names, unit_ids, periods)

    def explain(self, *args: Any, **kwargs: Any) -> None:
        return None
