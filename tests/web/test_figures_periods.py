"""The dashboard's several periods fetched together (``figures.scores_periods``,
``figures_periods``) equal one period at a time, and each is cached under the key a
one-period call uses."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from motcua.indicators.facts import rebuild
from motcua.indicators.period import Period
from motcua.indicators.registry import formula_set
from motcua.web import figures
from motcua.web.generation import FigureCache
from motcua.web.periods import week_of
from tests.factories import AgencyFactory, DistrictFactory, DossierFactory, UnitFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
TRAITS = ("finished_on_time", "finished_late", "processing", "returned", "received")


@pytest.fixture
def units():
    province = UnitFactory()
    agency = AgencyFactory(parent=province)
    district = DistrictFactory(parent=province)
    for i in range(40):
        unit = (agency, district)[i % 2]
        moment = dt.datetime(2024, 7, 1, 9, tzinfo=VN) + dt.timedelta(days=2 * i)
        online = {"online": True} if i % 3 == 0 else {}
        DossierFactory(unit=unit, submitted_at=moment, **{TRAITS[i % 5]: True}, **online)
    rebuild()
    return [province, agency, district]


def test_the_trend_weeks_fetched_together_equal_each_week_alone(units) -> None:
    ids = [u.pk for u in units]
    weeks = [week_of(dt.date(2024, 7, 1) + dt.timedelta(days=7 * k)) for k in range(12)]
    fs = figures.index_set(weeks[-1].end)
    cache.clear()
    together = figures.scores_periods(FigureCache(), fs, ids, weeks)
    cache.clear()
    alone = {w: figures.scores(FigureCache(), fs, ids, w) for w in weeks}
    assert together == alone
    assert len({s[units[0].pk].total for s in alone.values()}) > 1  # the weeks differ
    # Each week was filed under its own key: a one-week call after the batch is a hit.
    cache.clear()
    figures.scores_periods(FigureCache(), fs, ids, weeks)
    fc = FigureCache()
    assert figures.scores(fc, fs, ids, weeks[5]) == alone[weeks[5]]
    assert fc.misses == 0


def test_a_period_and_the_previous_one_fetched_together_equal_each_alone(units) -> None:
    ids = [units[0].pk]
    plan = formula_set("plan")
    periods = [
        Period(dt.date(2024, 7, 1), dt.date(2024, 7, 31)),
        Period(dt.date(2024, 8, 1), dt.date(2024, 8, 31)),
    ]
    cache.clear()
    together = figures.figures_periods(FigureCache(), plan, None, ids, periods)
    cache.clear()
    alone = {p: figures.figures(FigureCache(), plan, None, ids, p) for p in periods}
    assert together == alone
    assert any(f.denominator for f in together[periods[1]].values())
    # A later miss computes the missing periods only from there on, once.
    cache.clear()
    fc = FigureCache()
    figures.figures(fc, plan, None, ids, periods[0])
    before = fc.misses
    assert figures.figures_periods(fc, plan, None, ids, periods) == alone
    assert fc.misses == before + 2  # the second period's members and counts


def test_a_cold_unit_page_makes_one_engine_pass_per_formula_set(client, monkeypatch) -> None:
    """The 766 index (the unit, its headline, its sub-units) and the plan's indicators,
    each for this period and the previous one together."""
    from motcua.web import figures
    from tests.accounts.cast import build_cast
    from tests.web.test_pages import _july

    cast = build_cast()
    _july(cast)
    calls: list[tuple[str, int]] = []
    real = figures.compute_periods

    def counted(fs, by_period):
        calls.append((fs.id, len(by_period)))
        return real(fs, by_period)

    monkeypatch.setattr(figures, "compute_periods", counted)
    client.force_login(cast.alice)
    assert client.get("/don-vi/H67/?period=2024-07").status_code == 200
    assert sorted(calls) == [("plan", 2), ("qd766-2025", 2)]
