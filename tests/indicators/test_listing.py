"""engine.explain reads only the page's dossiers (listing.py): every page must equal what a
scan of every dossier gives, and the totals the engine's figure."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from motcua.calendar.services import current_calendar
from motcua.dossiers.models import Dossier
from motcua.indicators import listing
from motcua.indicators.engine import compute, explain
from motcua.indicators.facts import DOSSIER_COLUMNS, facts_of, load_procedures, rebuild
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS, FormulaSet
from tests.indicators.conftest import at, make_dossier, make_unit

JULY = Period(dt.date(2024, 7, 1), dt.date(2024, 7, 31))


def scanned(indicator, unit_ids: set[int], period: Period) -> tuple[list, list]:
    """Every dossier in b and in a − b, in order of receipt, with its reason: a scan."""
    procedures, calendar = load_procedures(), current_calendar()
    a, b = indicator.denominator.where, indicator.numerator.where
    in_b, not_b = [], []
    rows = Dossier.objects.filter(unit_id__in=unit_ids).order_by("received_at", "pk")
    for row in rows.values("code", *DOSSIER_COLUMNS):
        if row["received_at"] is None:
            continue
        facts = facts_of(row, procedures[row["procedure_id"]], calendar)
        if not a.test(facts, period):
            continue
        if b.test(facts, period):
            in_b.append((row["code"], indicator.numerator.label or "✓"))
        else:
            not_b.append((row["code"], b.why_not(facts, period)))
    return in_b, not_b


def some_dossiers(units, procedure, n: int, seed: int) -> None:
    """Dossiers received from April to August, several a day in several units, some
    unfinished (spanning July), some finished late, online or not."""
    rng = random.Random(seed)
    for _ in range(n):
        day = dt.date(2024, 4, 1) + dt.timedelta(days=rng.randrange(150))
        received = at(day.isoformat(), rng.randrange(7, 17))
        due = received + dt.timedelta(days=rng.choice([1, 3, 10, 40]))
        finished = None
        if rng.random() < 0.75:
            finished = received + dt.timedelta(days=rng.choice([0, 1, 2, 5, 20, 70]), hours=1)
        make_dossier(
            rng.choice(units),
            procedure,
            channel=rng.choice([1, 2]),
            received_at=received,
            due_at=due,
            status=10 if finished else 4,
            finished_at=finished,
        )


CASES = [
    ("plan", "online_received"),  # received in the period
    ("plan", "online_share_of_resolved"),  # finished in the period
    ("qd766-2025", "PROGRESS_ON_TIME"),  # in progress in the period
    ("plan", "on_time"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("set_id", "code"), CASES)
@pytest.mark.parametrize("few", [False, True])
def test_every_page_is_the_scans_page_and_the_totals_the_engines(procedure, set_id, code, few):
    units = [make_unit(f"H67.0{i}") for i in range(1, 4)]
    if few:  # the members a small share of the units: their own rows are read
        for i in range(6):
            make_unit(f"H68.0{i}")
    some_dossiers(units, procedure, 160, seed=len(code))
    rebuild()
    fs: FormulaSet = FORMULA_SETS[set_id]
    indicator = fs.get(code)
    members = {u.pk for u in units[:2]}  # not every unit: others' rows must be left out
    expected_b, expected_not_b = scanned(indicator, members, JULY)
    assert expected_b and expected_not_b  # the case tests something
    (figure,) = compute(FormulaSet(fs.id, fs.valid_from, (indicator,), ()), {0: members}, JULY)
    limit = 7
    pages = max(len(expected_b), len(expected_not_b)) // limit + 2  # one past the end
    for page in range(pages):
        in_b, not_b, n_b, n_not_b = explain(
            indicator, members, JULY, offset=page * limit, limit=limit
        )
        assert (n_b, n_not_b) == (len(expected_b), len(expected_not_b))
        assert (n_b, n_b + n_not_b) == (figure.numerator, figure.denominator)
        window = slice(page * limit, (page + 1) * limit)
        assert [(e.code, e.reason) for e in in_b] == expected_b[window]
        assert [(e.code, e.reason) for e in not_b] == expected_not_b[window]


@pytest.mark.django_db
def test_a_page_reads_only_its_own_days_dossiers(procedure, monkeypatch):
    """A page of a long list reads the page's buckets, not every dossier of the period."""
    unit = make_unit("H67.01")
    for day in range(1, 31):
        for hour in (8, 9, 10):
            make_dossier(unit, procedure, channel=1, received_at=at(f"2024-07-{day:02d}", hour))
    rebuild()
    indicator = FORMULA_SETS["plan"].get("online_received")
    read: list[int] = []
    original = listing.facts_of

    def counting(row, *args):
        read.append(row["id"])
        return original(row, *args)

    monkeypatch.setattr(listing, "facts_of", counting)
    _, not_b, _, total = explain(indicator, {unit.pk}, JULY, offset=30, limit=3)
    assert total == 90
    assert len(not_b) == 3
    assert len(read) <= 6  # the page's day (3 a day), not the 90 of the month


def test_the_scope_of_a_predicate_follows_its_temporal_shape() -> None:
    plan, qd = FORMULA_SETS["plan"], FORMULA_SETS["qd766-2025"]
    assert listing.scope(plan.get("online_received").denominator.where) == "received"
    assert listing.scope(plan.get("online_resolved").denominator.where) == "received"
    assert listing.scope(plan.get("online_share_of_resolved").denominator.where) == "spanning"
    assert listing.scope(qd.get("PROGRESS_ON_TIME").denominator.where) == "spanning"
    on_time = plan.get("on_time")
    assert listing.implies(on_time.numerator.where, on_time.denominator.where)
    assert not listing.implies(on_time.denominator.where, on_time.numerator.where)
