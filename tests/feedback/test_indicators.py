"""Group 5 counts and scores from real petitions, votes, ratings and dossiers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from motcua.feedback import indicators, ratings, workflow
from motcua.feedback.models import PetitionState, RatingChannel, Topic
from motcua.indicators.facts import rebuild
from motcua.indicators.period import Period
from tests.factories import AgencyFactory, DossierFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
P = PetitionState
AUGUST = Period(dt.date(2024, 8, 1), dt.date(2024, 8, 31))
ALL = {name: name for name in indicators.COUNTS}


def at(m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(2024, m, d, h, 0, tzinfo=VN)


def petition(unit: object, day: tuple[int, int], contact: str, **kw: object) -> int:
    p = workflow.submit(
        unit=unit,  # type: ignore[arg-type]
        topic=kw.pop("topic", Topic.RULES),  # type: ignore[arg-type]
        title="t",
        content="c",
        sender_name="s",
        contact=contact,
        at=at(*day),
        **kw,  # type: ignore[arg-type]
    )
    return p.pk


def answer_and_publish(pk: int, answered: dt.datetime, published: dt.datetime) -> None:
    workflow.transition(pk, P.ANSWERED, actor="cb", at=answered, answer="Trả lời")
    workflow.transition(pk, P.PUBLISHED, actor="cb", at=published)


@pytest.fixture
def unit() -> object:
    """One unit's August: 5 petitions, 6 dossiers, 3 ratings (see each line)."""
    unit = AgencyFactory()
    d1 = DossierFactory(unit=unit, finished_on_time=True)  # noqa: F841 clean
    DossierFactory(unit=unit, finished_late=True)  # late
    d3 = DossierFactory(unit=unit, returned=True)  # rated with a dislike → complained
    DossierFactory(unit=unit, processing=True)  # due 08/08, unfinished on 31/08 → late
    d5 = DossierFactory(unit=unit, finished_on_time=True)  # a petition about it → complained
    DossierFactory(unit=unit, finished_on_time=True)  # clean
    rebuild()

    p1 = petition(unit, (8, 1), "a@example.vn")  # answered and published in time, liked
    answer_and_publish(p1, at(8, 10), at(8, 12))
    for reader in ("r1", "r2"):
        workflow.vote(p1, reader, 1)
    petition(unit, (8, 1), "b@example.vn", dossier=d5)  # open past its answer deadline: late
    p3 = petition(unit, (8, 5), "c@example.vn", topic=Topic.STAFF)  # refused in time
    workflow.transition(p3, P.REFUSED, actor="cb", at=at(8, 6), note="Không thuộc thẩm quyền")
    petition(unit, (8, 20), "a@example.vn")  # repeats p1 (same sender, unit, topic); open
    p5 = petition(unit, (8, 2), "e@example.vn")  # in time but more dislikes than likes
    answer_and_publish(p5, at(8, 5), at(8, 6))
    for reader, value in (("r1", -1), ("r2", -1), ("r3", 1)):
        workflow.vote(p5, reader, value)
    petition(unit, (9, 2), "f@example.vn")  # September: not in the period

    ratings.rate_dossier(d3, 2, liked=False, channel=RatingChannel.COUNTER, at=at(8, 8))
    ratings.rate_at_kiosk(unit, 5, at=at(8, 9))  # type: ignore[arg-type]
    ratings.rate_at_kiosk(unit, 4, liked=True, at=at(8, 9))  # type: ignore[arg-type]
    ratings.rate_at_kiosk(unit, 1, at=at(9, 1))  # type: ignore[arg-type]  September
    return unit


def test_group5_counts(unit: object) -> None:
    counts = indicators.count_by_unit(ALL, [unit.pk], AUGUST)[unit.pk]  # type: ignore[attr-defined]
    assert counts == {
        "petitions": 5,
        "petitions_on_time": 4,
        "petitions_satisfactory": 2,
        "petitions_rules": 4,
        "petitions_staff": 1,
        "ratings": 3,
        "ratings_satisfied": 2,
        "dossiers_received": 6,
        "dossiers_late": 2,
        "dossiers_complained": 2,
        "dossiers_receiving_satisfied": 2,
    }


def test_group5_scores(unit: object) -> None:
    counts = indicators.count_by_unit(ALL, [unit.pk], AUGUST)[unit.pk]  # type: ignore[attr-defined]
    scores = {
        i.code: round(i.score(counts[i.numerator], counts[i.denominator]), 2)
        for i in indicators.INDICATORS
    }
    assert scores["PETITION_PROCESSING_ON_TIME"] == 4.8
    assert scores["PETITION_HANDLING_SATISFACTION"] == 2.4
    assert scores["DOSSIER_RECEIVING_SATISFACTION"] == 2.22  # 6 × (2/6) / 0.9


def test_a_unit_without_petitions_or_dossiers_scores_as_the_rules_say() -> None:
    empty = AgencyFactory()
    counts = indicators.count_by_unit(ALL, [empty.pk], AUGUST).get(empty.pk, {})
    scores = {
        i.code: i.score(counts.get(i.numerator, 0), counts.get(i.denominator, 0))
        for i in indicators.INDICATORS
    }
    assert scores["PETITION_PROCESSING_ON_TIME"] == 6
    assert scores["PETITION_HANDLING_SATISFACTION"] == 6
    assert scores["DOSSIER_RECEIVING_SATISFACTION"] == 0


def test_keys_are_the_callers_and_unknown_counts_are_refused(unit: object) -> None:
    result = indicators.count_by_unit(
        {"b": "petitions_on_time", "a": "petitions"}, [unit.pk], AUGUST
    )  # type: ignore[attr-defined]
    assert result[unit.pk] == {"b": 4, "a": 5}  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="nope"):
        indicators.count_by_unit({"x": "nope"}, [1], AUGUST)


def test_response_and_satisfaction_rates_by_channel(unit: object) -> None:
    figures = {f.channel: f for f in ratings.by_channel([unit.pk], AUGUST)}  # type: ignore[attr-defined]
    assert (figures["counter"].returned, figures["counter"].ratings) == (1, 1)
    assert figures["counter"].response_rate == 1.0
    assert figures["counter"].satisfaction_rate == 0.0
    assert (figures["kiosk"].ratings, figures["kiosk"].satisfaction_rate) == (2, 1.0)
    assert figures["online"].response_rate is None


def test_only_a_returned_dossier_can_be_rated_and_only_once() -> None:
    with pytest.raises(ratings.RatingError):
        ratings.rate_dossier(DossierFactory(processing=True), 5)
    returned = DossierFactory(returned=True)
    ratings.rate_dossier(returned, 5)
    with pytest.raises(ratings.RatingError):
        ratings.rate_dossier(returned, 4)
    with pytest.raises(ratings.RatingError):
        ratings.rate_dossier(DossierFactory(returned=True), 6)


def test_the_engine_adapter_counts_by_source_name(unit: object) -> None:
    from types import SimpleNamespace

    counts = {
        "b": SimpleNamespace(source="petitions_on_time"),
        "a": SimpleNamespace(source="petitions"),
    }
    got = indicators.FeedbackSource().count(counts, [unit.pk], AUGUST)  # type: ignore[attr-defined]
    assert got[unit.pk] == {"b": 4, "a": 5}  # type: ignore[attr-defined]


def test_the_766_index_and_the_plan_score_group_5_from_petitions_and_ratings(unit) -> None:
    from motcua.indicators.engine import compute, group_scores
    from motcua.indicators.registry import formula_set

    qd766 = formula_set("qd766-2025")
    figures = compute(qd766, {unit.pk: {unit.pk}}, AUGUST)  # type: ignore[attr-defined]
    by_code = {f.indicator.code: f for f in figures}
    assert (
        by_code["PETITION_PROCESSING_ON_TIME"].numerator,
        by_code["PETITION_PROCESSING_ON_TIME"].denominator,
    ) == (4, 5)
    assert round(by_code["PETITION_PROCESSING_ON_TIME"].score, 2) == 4.8
    assert round(by_code["PETITION_HANDLING_SATISFACTION"].score, 2) == 2.4
    assert round(by_code["DOSSIER_RECEIVING_SATISFACTION"].score, 2) == 2.22
    assert by_code["PETITION_CLASSIFICATION_STAFF"].rate == pytest.approx(1 / 5)
    group5 = next(g for g in group_scores(qd766, figures) if g.group.code == "5")
    assert group5.score == pytest.approx(4.8 + 2.4 + 6 * (2 / 6) / 0.9)
    plan = {f.indicator.code: f for f in compute(formula_set("plan"), {unit.pk: {unit.pk}}, AUGUST)}  # type: ignore[attr-defined]
    assert (plan["feedback_on_time"].numerator, plan["feedback_on_time"].denominator) == (4, 5)
    assert (plan["satisfaction"].numerator, plan["satisfaction"].denominator) == (2, 3)
