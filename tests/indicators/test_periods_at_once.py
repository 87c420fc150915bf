"""Several periods in one engine pass (``engine.compute_periods``, ``Source.count_periods``)
give exactly what one period at a time gives: for every count of every registered formula
set and source, on random dossiers, petitions, ratings, payments and random periods."""

import contextlib
import datetime as dt
import itertools
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers.models import Dossier, Payment
from motcua.feedback import workflow
from motcua.feedback.models import Petition, PetitionState, Rating, RatingChannel, Topic
from motcua.indicators import series
from motcua.indicators.engine import compute, compute_periods, count_by_unit, count_by_unit_periods
from motcua.indicators.facts import rebuild
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS, formula_set
from motcua.indicators.sources import Source, count_periods, get_source
from tests.indicators.conftest import at, make_unit
from tests.indicators.test_running_totals import EXTRA, START, _make, dossier, two_procedures

__all__ = ["two_procedures"]  # the fixture, used by name

period = st.tuples(st.integers(-40, 70), st.integers(0, 50))
petition = st.fixed_dictionaries(
    {
        "unit": st.integers(0, 2),
        "day": st.integers(-10, 60),
        "dossier": st.none() | st.integers(0, 19),
        "answered_after": st.none() | st.integers(0, 30),
        "published_after": st.none() | st.integers(0, 10),
        "votes": st.lists(st.sampled_from([1, -1]), max_size=3),
        "staff": st.booleans(),
    }
)
rating = st.fixed_dictionaries(
    {
        "unit": st.integers(0, 2),
        "day": st.integers(-10, 60),
        "score": st.integers(1, 5),
        "liked": st.none() | st.booleans(),
        "dossier": st.none() | st.integers(0, 19),
    }
)
payment = st.tuples(
    st.integers(0, 19),
    st.integers(0, 60),
    st.sampled_from(["online", "counter"]),
    st.sampled_from(["success", "failed"]),
)


def every_count() -> dict:
    """Every count of every registered formula set, whatever its source."""
    counts = dict(EXTRA)
    for fs in FORMULA_SETS.values():
        for ind in fs.indicators:
            for key, count in ind.counts().items():
                counts[f"{fs.id}:{key}"] = count
    return counts


def table(found, ids, keys) -> dict:
    return {u: {k: found[u][k] for k in keys} for u in ids}


def day(offset: int, hour: int = 9) -> dt.datetime:
    return at((START + dt.timedelta(days=offset)).isoformat(), hour)


_example = itertools.count()


def _populate(units, procedures, specs, petitions, ratings, payments) -> list[Dossier]:
    made = [_make(units, procedures, spec) for spec in specs]
    for spec in petitions:
        linked = made[spec["dossier"] % len(made)] if spec["dossier"] is not None and made else None
        if linked is not None and linked.unit_id != units[spec["unit"]].pk:
            linked = None
        p = workflow.submit(
            unit=units[spec["unit"]],
            topic=Topic.STAFF if spec["staff"] else Topic.RULES,
            title="t",
            content="c",
            sender_name="s",
            contact=f"{next(_example)}@example.vn",
            dossier=linked,
            at=day(spec["day"]),
        )
        if spec["answered_after"] is not None:
            answered = day(spec["day"] + spec["answered_after"], 15)
            workflow.transition(p.pk, PetitionState.ANSWERED, actor="cb", at=answered, answer="a")
            if spec["published_after"] is not None:
                published = answered + dt.timedelta(days=spec["published_after"])
                workflow.transition(p.pk, PetitionState.PUBLISHED, actor="cb", at=published)
                for i, value in enumerate(spec["votes"]):
                    workflow.vote(p.pk, f"r{i}", value)
    rated: set[int] = set()
    for spec in ratings:
        linked = made[spec["dossier"] % len(made)] if spec["dossier"] is not None and made else None
        if linked is not None and linked.pk in rated:
            linked = None
        if linked is not None:
            rated.add(linked.pk)
        Rating.objects.create(
            unit=units[spec["unit"]],
            dossier=linked,
            channel=RatingChannel.COUNTER,
            score=spec["score"],
            liked=spec["liked"],
            at=day(spec["day"], 10),
        )
    for i, (index, offset, channel, state) in enumerate(payments):
        if made:
            Payment.objects.create(
                dossier=made[index % len(made)],
                reference=f"T{next(_example)}-{i}",
                amount=10_000,
                channel=channel,
                state=state,
                at=day(offset, 11),
            )
    return made


def _clean(units) -> None:
    Rating.objects.filter(unit__in=units).delete()
    Petition.objects.filter(unit__in=units).delete()
    Payment.objects.filter(dossier__unit__in=units).delete()
    Dossier.objects.filter(unit__in=units).delete()
    rebuild()


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(dossier, max_size=20),
    st.lists(period, min_size=1, max_size=5),
    st.lists(petition, max_size=6),
    st.lists(rating, max_size=6),
    st.lists(payment, max_size=4),
)
def test_every_source_counts_several_periods_as_it_counts_each(
    two_procedures, specs, spans, petitions, ratings, payments
) -> None:
    n = next(_example)
    units = [make_unit(f"H71.{n}.{i}") for i in range(3)]
    _populate(units, two_procedures, specs, petitions, ratings, payments)
    rebuild()
    periods = [
        Period(START + dt.timedelta(days=offset), START + dt.timedelta(days=offset + length))
        for offset, length in spans
    ]
    counts = every_count()
    ids = [u.pk for u in units]
    slow_path = mock.patch.object(series, "built", return_value=set())
    for path in (contextlib.nullcontext(), slow_path):
        with path:
            together = count_by_unit_periods(counts, ids, periods)
            assert list(together) == list(dict.fromkeys(periods))
            for p in periods:
                alone = count_by_unit(counts, ids, p)
                assert table(together[p], ids, counts) == table(alone, ids, counts), p
    # Every formula set's figures, a parent summing its members (as the pages ask).
    members = {ids[0]: set(ids), ids[1]: {ids[1]}, ids[2]: {ids[2]}}
    for fs in FORMULA_SETS.values():
        together_f = compute_periods(fs, {p: members for p in periods})
        for p in periods:
            assert together_f[p] == compute(fs, members, p), (fs.id, p)
    _clean(units)


@pytest.mark.django_db
def test_periods_with_different_members_are_counted_with_their_own(two_procedures) -> None:
    """A unit's members may differ between periods (a merger): each period's figures sum
    its own members, as one period at a time does."""
    units = [make_unit(f"H72.{i}") for i in range(3)]
    specs = [
        {
            "unit": i % 3,
            "procedure": i % 2,
            "day": 3 * i,
            "channel": 1 + i % 3,
            "status": [2, 4, 5, 3, 7, 8, 9, 10][i % 8],
            "finish_after": i % 11,
            "due_after": None if i % 4 == 0 else i % 9,
            "supplements": i % 3,
            "flags": (7 * i) % 64,
        }
        for i in range(18)
    ]
    _populate(units, two_procedures, specs, [], [], [])
    rebuild()
    ids = [u.pk for u in units]
    weeks = [
        Period(START + dt.timedelta(days=7 * k), START + dt.timedelta(days=7 * k + 6))
        for k in range(8)
    ]
    members = {
        p: ({ids[0]: {ids[0], ids[1]}, ids[2]: {ids[2]}} if k < 4 else {ids[0]: set(ids)})
        for k, p in enumerate(weeks)
    }
    for set_id in ("qd766-2025", "plan"):
        fs = formula_set(set_id)
        together = compute_periods(fs, members)
        assert list(together) == weeks
        for p in weeks:
            assert together[p] == compute(fs, members[p], p), (set_id, p)
    # The figures differ between weeks: the comparison above is not of empty figures.
    totals = {
        sum(f.denominator for f in compute_periods(formula_set("plan"), members)[p]) for p in weeks
    }
    assert len(totals) > 1
    _clean(units)


@pytest.mark.django_db
def test_a_merged_units_pairs_count_for_its_heir_in_the_periods_after_the_merger() -> None:
    from motcua.units.services import merge
    from tests.factories import CommuneFactory, DistrictFactory, DossierFactory, ProcedureFactory

    district = DistrictFactory()
    kept = CommuneFactory(parent=district)
    old = CommuneFactory(parent=district)
    procedure = ProcedureFactory(applies_agency=False, applies_district=False)
    DossierFactory(received=True, online=True, unit=old, procedure=procedure)  # 01/08/2024
    merge([old], kept, dt.date(2024, 8, 15))
    rebuild()
    ids = [kept.pk, old.pk]
    early = Period(dt.date(2024, 8, 1), dt.date(2024, 8, 10))
    late = Period(dt.date(2024, 8, 1), dt.date(2024, 8, 31))
    counts = {
        k: c
        for k, c in every_count().items()
        if c.source in ("catalogue", "units") and c.having is not None
    }
    assert counts
    together = count_by_unit_periods(counts, ids, [early, late])
    for p in (early, late):
        assert table(together[p], ids, counts) == table(count_by_unit(counts, ids, p), ids, counts)
    # The heir has the old commune's procedure with dossiers in the late period only.
    assert any(together[late][kept.pk][k] for k in counts)
    assert not any(together[early][kept.pk][k] for k in counts)


class _Counting(Source):
    """A source without a multi-period method: counts each period on its own."""

    def __init__(self) -> None:
        self.calls: list[Period] = []

    def count(self, counts, unit_ids, period):
        self.calls.append(period)
        return {u: {k: period.start.day for k in counts} for u in unit_ids}


def test_a_source_without_a_multi_period_count_is_asked_once_per_period() -> None:
    source = _Counting()
    periods = [Period(dt.date(2024, 1, d), dt.date(2024, 1, d)) for d in (3, 5, 3)]
    found = count_periods(source, {"x": object()}, [1, 2], periods)
    assert source.calls == [periods[0], periods[1]]
    assert found[periods[1]] == {1: {"x": 5}, 2: {"x": 5}}

    class Plain:  # registered without subclassing Source
        def count(self, counts, unit_ids, period):
            return {u: {"x": period.start.day} for u in unit_ids}

    assert count_periods(Plain(), {"x": object()}, [1], periods) == {
        periods[0]: {1: {"x": 3}},
        periods[1]: {1: {"x": 5}},
    }
    assert get_source("dossiers").count_periods.__func__ is not Source.count_periods


@pytest.mark.django_db
def test_each_table_read_for_several_periods_gives_each_periods_values(two_procedures) -> None:
    """The running totals, spans and procedure activity read for a trend's weeks (and
    overlapping months across a new year) equal each period's own reading, on dossiers
    that span the periods (open, finished 9 or 20 days after receipt, due after 30)."""
    units = [make_unit(f"H73.{i}") for i in range(3)]
    specs = [
        {
            "unit": d % 3,
            "procedure": d % 2,
            "day": d,
            "channel": channel,
            "status": status,
            "finish_after": lag,
            "due_after": 30 if d % 5 else 3,
            "supplements": 0,
            "flags": d % 64,
        }
        for d in range(0, 60, 3)
        for channel, status, lag in ((1, 8, 0), (2, 8, 9), (3, 10, 20), (2, 4, 0))
    ]
    _populate(units, two_procedures, specs, [], [], [])
    rebuild()
    ids = [u.pk for u in units]
    weeks = [
        Period(START + dt.timedelta(days=7 * k), START + dt.timedelta(days=7 * k + 6))
        for k in range(9)
    ]
    months = [
        Period(dt.date(2024, 11, 1), dt.date(2024, 11, 30)),
        Period(dt.date(2024, 12, 15), dt.date(2025, 1, 14)),
    ]
    periods = weeks + months
    counts = {k: c for k, c in every_count().items() if c.source in ("dossiers", "procedures")}
    fast, slow = series.split(counts)
    assert fast and not slow
    terms = [t for _, terms in fast.values() for t in terms]
    measures = {t.measure for t in terms if t.kind not in series.SPANS}
    procedure_measures = [
        terms[0].measure for source, terms in fast.values() if source == "procedures"
    ]
    assert procedure_measures
    running = series.running_counts_periods(measures, ids, periods)
    spans = series.span_counts_periods(terms, ids, periods)
    pairs = series.procedure_pairs_periods(procedure_measures, ids, periods)
    seen_spans = 0
    for p in periods:
        one = series.running_counts(measures, ids, p)
        assert _nonzero(running[p]) == _nonzero(one), p
        one_spans = series.span_counts(terms, ids, p)
        assert _nonzero(spans[p]) == _nonzero(one_spans), p
        seen_spans += sum(sum(v.values()) for v in one_spans.values())
        assert _nonzero(pairs[p]) == _nonzero(series.procedure_pairs(procedure_measures, ids, p)), p
        assert series.count_periods(fast, ids, periods)[p] == series.count(fast, ids, p), p
    assert seen_spans > 0  # the data do span the periods
    _clean(units)


def _nonzero(found) -> dict:
    """Nested counts without their zeros and empty parts (readers may leave them out)."""
    if isinstance(found, dict):
        inner = {k: _nonzero(v) for k, v in found.items()}
        return {k: v for k, v in inner.items() if v not in (0, {}, set())}
    return found
