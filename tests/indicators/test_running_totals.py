"""The fast path (running totals, spans, procedure activity) against the daily aggregates
and against a direct count of every dossier, on random dossiers and random periods."""

import datetime as dt
import itertools
import json
from collections import defaultdict
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.calendar.services import current_calendar
from motcua.dossiers.models import Dossier
from motcua.indicators import series, windows
from motcua.indicators.engine import count_by_unit
from motcua.indicators.facts import (
    DOSSIER_COLUMNS,
    bucket_of,
    facts_of,
    load_procedures,
    rebuild,
    refresh_buckets,
)
from motcua.indicators.models import ProcedureActivity, RunningTotal
from motcua.indicators.period import Period
from motcua.indicators.predicates import Eq, Not
from motcua.indicators.registry import FORMULA_SETS, dossiers, received
from motcua.indicators.windows import decompose
from tests.indicators.conftest import at, make_dossier, make_unit

START = dt.date(2024, 11, 20)  # the random dossiers and periods cross a new year

dossier = st.fixed_dictionaries(
    {
        "unit": st.integers(0, 2),
        "procedure": st.integers(0, 1),
        "day": st.integers(0, 60),
        "channel": st.sampled_from([1, 2, 3]),
        "status": st.sampled_from([2, 4, 5, 3, 7, 8, 9, 10]),
        "finish_after": st.integers(0, 45),
        "due_after": st.none() | st.integers(-2, 40),
        "supplements": st.integers(0, 2),
        "flags": st.integers(0, 63),
    }
)
period = st.tuples(st.integers(-5, 70), st.integers(0, 50))


# Shapes no registered indicator uses yet, registered as a source would (feedback's).
EXTRA = {
    "received_timely": dossiers(
        received & Not(Eq("multi_supplement", True)) & windows.FINISHED_ON_TIME_OR_NOT_DUE
    ),
}
series.register_counts(EXTRA.values())


def _counts(sources=("dossiers", "procedures")) -> dict:
    counts = dict(EXTRA) if "dossiers" in sources else {}
    for fs in FORMULA_SETS.values():
        for ind in fs.indicators:
            for side, count in (("b", ind.numerator), ("a", ind.denominator)):
                if count.source in sources:
                    counts[f"{fs.id}:{ind.code}:{side}"] = count
    return counts


def _make(units, procedures, spec) -> Dossier:
    received = at((START + dt.timedelta(days=spec["day"])).isoformat(), 8 + spec["day"] % 9)
    finished = received + dt.timedelta(days=spec["finish_after"], hours=spec["flags"] % 5)
    done = spec["status"] in (3, 7, 8, 9, 10)
    flags = spec["flags"]
    supplements = [
        {
            "NgayBoSung": (received + dt.timedelta(days=1 + 3 * i)).strftime("%Y%m%d%H%M%S"),
            "NgayTiepNhanBoSung": (received + dt.timedelta(days=2 + 3 * i)).strftime(
                "%Y%m%d%H%M%S"
            ),
        }
        for i in range(spec["supplements"])
    ]
    due = spec["due_after"]
    return make_dossier(
        units[spec["unit"]],
        procedures[spec["procedure"]],
        channel=spec["channel"],
        status=spec["status"],
        received_at=received,
        finished_at=finished if done and spec["status"] != 3 else None,
        refused_at=finished if spec["status"] == 3 else None,
        due_at=None if due is None else received + dt.timedelta(days=due),
        supplements=json.loads(json.dumps(supplements)),
        supplement_count=len(supplements),
        reused=bool(flags & 1),
        all_components_filed=bool(flags & 2),
        has_result_file=bool(flags & 4),
        sync_state="acknowledged" if flags & 8 else "pending",
        online_paid=(flags >> 4) % 3,
        fee_total=50_000 if flags & 16 else 0,
        vneid_verified=bool(flags & 32),
    )


def _direct(counts, unit_ids, p: Period) -> dict:
    procedures = load_procedures()
    calendar = current_calendar()
    result = {key: 0 for key in counts}
    seen: dict[str, set] = {key: set() for key in counts}
    rows = Dossier.objects.filter(unit_id__in=unit_ids).values(*DOSSIER_COLUMNS)
    for row in rows:
        facts = facts_of(row, procedures[row["procedure_id"]], calendar)
        for key, count in counts.items():
            if count.where.test(facts, p):
                if count.source == "dossiers":
                    result[key] += 1
                else:
                    seen[key].add(facts.procedure_id)
    for key, count in counts.items():
        if count.source == "procedures":
            result[key] = len(seen[key])
    return result


@pytest.fixture
def two_procedures(procedure):
    from motcua.procedures.models import Procedure, ServiceLevelVersion

    procedure.applies_agency = True
    procedure.save()
    other = Procedure.objects.create(
        code="1.000002",
        name="Đăng ký khai sinh",
        time_limit=3,
        requires_result=False,
        applies_agency=True,
    )
    ServiceLevelVersion.objects.create(procedure=other, level="full", valid_from=START)
    return [procedure, other]


_example = iter(range(10**6))


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(dossier, max_size=20), st.lists(period, min_size=1, max_size=4))
def test_every_count_agrees_with_the_aggregates_and_a_direct_count(
    two_procedures, specs, periods
) -> None:
    n = next(_example)
    units = [make_unit(f"H70.{n}.{i}") for i in range(3)]
    for spec in specs:
        _make(units, two_procedures, spec)
    rebuild()
    counts = _counts()
    ids = [u.pk for u in units]
    for offset, length in periods:
        p = Period(START + dt.timedelta(days=offset), START + dt.timedelta(days=offset + length))
        fast = count_by_unit(counts, ids, p)
        with mock.patch.object(series, "built", return_value=set()):
            slow = count_by_unit(counts, ids, p)
        for unit_id in ids:
            direct = _direct(counts, [unit_id], p)
            got_fast = {k: fast[unit_id][k] for k in counts}
            got_slow = {k: slow[unit_id][k] for k in counts}
            assert got_slow == direct, p
            assert got_fast == direct, p
        # Counts of catalogue pairs with dossiers read the procedure activity too.
        having = {k: c for k, c in _counts(("catalogue", "units")).items() if c.having}
        fast = count_by_unit(having, ids, p)
        with mock.patch.object(series, "built", return_value=set()):
            slow = count_by_unit(having, ids, p)
        got = {u: {k: fast[u][k] for k in having} for u in ids}
        assert got == {u: {k: slow[u][k] for k in having} for u in ids}, p
    Dossier.objects.filter(unit__in=units).delete()
    rebuild()


@pytest.mark.django_db
def test_every_registered_dossier_count_takes_the_fast_path() -> None:
    rebuild()
    _fast, slow = series.split(_counts())
    assert not slow
    assert all(decompose(c.where) is not None for c in _counts().values())


def _stored() -> tuple[list, list]:
    totals = sorted(
        (r.unit_id, r.year, r.anchor, r.measure, r.total, bytes(r.cum))
        for r in RunningTotal.objects.all()
    )
    activity = sorted(
        ProcedureActivity.objects.values_list(
            "unit_id", "procedure_id", "year", "measure", "w0", "w1", "w2", "w3", "w4", "w5"
        )
    )
    return totals, activity


edits = st.lists(
    st.tuples(
        st.integers(0, 7),
        st.sampled_from(["status", "received_at", "unit", "channel", "due_at"]),
        st.integers(0, 60),
    ),
    min_size=1,
    max_size=10,
)


@pytest.mark.django_db
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits)
def test_refreshing_buckets_keeps_the_running_totals_equal_to_a_rebuild(
    two_procedures, changes
) -> None:
    n = next(_example)
    units = [make_unit(f"H71.{n}.{i}") for i in range(2)]
    dossiers = [
        _make(
            units,
            two_procedures,
            {
                "unit": i % 2,
                "procedure": i % 2,
                "day": 5 * i,
                "channel": 1 + i % 3,
                "status": 4,
                "finish_after": 3,
                "due_after": 5,
                "supplements": 0,
                "flags": 7 * i,
            },
        )
        for i in range(8)
    ]
    rebuild()
    for index, field, value in changes:
        d = Dossier.objects.get(pk=dossiers[index].pk)
        before = bucket_of(d.unit_id, d.received_at)
        if field == "status":
            d.status = [2, 4, 9, 10, 3][value % 5]
            d.finished_at = d.received_at + dt.timedelta(days=value) if d.status != 4 else None
        elif field == "received_at":
            d.received_at = at("2024-12-10") + dt.timedelta(days=value)
        elif field == "unit":
            d.unit = units[value % 2]
        elif field == "channel":
            d.channel = 1 + value % 3
        else:
            d.due_at = d.received_at + dt.timedelta(days=value % 30)
        d.save()
        refresh_buckets([before, bucket_of(d.unit_id, d.received_at)])
    incremental = _stored()
    rebuild()
    assert incremental == _stored()
    Dossier.objects.filter(unit__in=units).delete()
    rebuild()


@pytest.mark.django_db
def test_catalogue_pairs_with_dossiers_come_from_the_procedure_activity(two_procedures) -> None:
    unit = make_unit("H72.01")
    spec = {"unit": 0, "procedure": 1, "day": 3, "channel": 2, "status": 4, "finish_after": 0}
    _make([unit], two_procedures, spec | {"due_after": 2, "supplements": 0, "flags": 0})
    rebuild()
    p = Period(START, START + dt.timedelta(days=10))
    having = {k: c for k, c in _counts(("catalogue", "units")).items() if c.having}
    with mock.patch.object(series, "procedure_pairs", wraps=series.procedure_pairs) as spy:
        counts = count_by_unit(having, [unit.pk], p)[unit.pk]
    assert spy.called
    assert counts["plan:procedures_with_dossiers:b"] == 1
    later = Period(START + dt.timedelta(days=4), START + dt.timedelta(days=10))
    assert count_by_unit(having, [unit.pk], later)[unit.pk]["plan:procedures_with_dossiers:b"] == 0


@pytest.mark.django_db
def test_a_parallel_rebuild_writes_what_a_serial_one_does(two_procedures, monkeypatch) -> None:
    from motcua.indicators import facts
    from tests.indicators.conftest import aggregate_totals

    units = [make_unit(f"H73.{i}") for i in range(3)]
    for i in range(40):
        spec = {"unit": i % 3, "procedure": i % 2, "day": i, "channel": 1 + i % 3}
        spec |= {"status": [2, 4, 9, 10, 3][i % 5], "finish_after": i % 11}
        due = None if i % 4 == 0 else i % 7  # no due date: through facts_of
        _make(units, two_procedures, spec | {"due_after": due, "supplements": i % 3, "flags": i})
    monkeypatch.setattr(facts, "PARALLEL_FROM", 10**9)
    rebuild()
    serial = aggregate_totals(), _stored()
    monkeypatch.setattr(facts, "PARALLEL_FROM", 1)
    with mock.patch.object(facts, "_counting", wraps=facts._counting) as counting:
        rebuild()
    assert counting.call_args.args[1] is True  # counted by the forked workers
    assert (aggregate_totals(), _stored()) == serial
    assert serial[0]
    # The SQL path writes while the rest is still being read (batches of 2, 1 ahead).
    monkeypatch.setattr(facts, "BATCH", 2)
    monkeypatch.setattr(facts, "AHEAD", 1)
    read: list[int] = []
    raw_batches = facts._raw_batches

    def counted_reads(*args):
        for batch in raw_batches(*args):
            read.append(len(batch))
            yield batch

    def recount(*args):
        assert len(read) == 1  # the first batch is with the workers, the rest is pending
        return sql_recount(*args)

    sql_recount = facts._sql_recount
    monkeypatch.setattr(facts, "_raw_batches", counted_reads)
    monkeypatch.setattr(facts, "_sql_recount", recount)
    rebuild()
    assert len(read) > 2
    assert (aggregate_totals(), _stored()) == serial


@pytest.mark.django_db
def test_a_dossier_open_across_the_period_is_not_received_in_it(two_procedures) -> None:
    unit = make_unit("H74.01")
    spec = {"unit": 0, "procedure": 0, "day": 0, "channel": 1, "status": 4, "finish_after": 0}
    _make([unit], two_procedures, spec | {"due_after": 30, "supplements": 0, "flags": 0})
    rebuild()
    counts = {"timely": EXTRA["received_timely"], "scope": _counts()["plan:on_time:a"]}
    inside = Period(START + dt.timedelta(days=5), START + dt.timedelta(days=10))
    assert count_by_unit(counts, [unit.pk], inside)[unit.pk] == {"timely": 0, "scope": 1}
    first = Period(START, START + dt.timedelta(days=10))
    assert count_by_unit(counts, [unit.pk], first)[unit.pk] == {"timely": 1, "scope": 1}


def _series_by_definition() -> tuple[list, list]:
    """The running totals and procedure activity of every registered measure, computed here
    from the aggregate rows by their definitions (models.py), in _stored()'s shape: the
    reference series.build must equal."""
    from motcua.indicators.facts import FACT_FIELDS, Facts
    from motcua.indicators.models import DailyFact

    dossier_measures, procedure_measures = series.registered()
    daily: dict[tuple, list[int]] = defaultdict(lambda: [0] * 366)
    bits: dict[tuple, list[int]] = defaultdict(lambda: [0] * 6)
    any_period = Period(START, START)
    for *values, n in DailyFact.objects.values_list(*FACT_FIELDS, "n"):
        facts = Facts(*values)
        f, d = facts.finished_day, facts.due_day
        days = {"R": facts.received_day, "F": f, "D": d, "M": max(f, d) if f and d else None}

        def holds(m, facts=facts) -> bool:
            return m.static is None or m.static.test(facts, any_period)

        for m in dossier_measures:
            day = days[m.anchor]
            if day is not None and holds(m):
                daily[(facts.unit_id, day.year, m.anchor, m.key)][day.timetuple().tm_yday - 1] += n
        for m in procedure_measures:
            day = facts.received_day
            if day is not None and holds(m):
                i = day.timetuple().tm_yday - 1
                bits[(facts.unit_id, facts.procedure_id, day.year, m.key)][i // 64] |= 1 << (i % 64)
    totals = sorted(
        (*key, sum(counts), b"".join(c.to_bytes(4, "little") for c in itertools.accumulate(counts)))
        for key, counts in daily.items()
    )
    activity = sorted(
        (*key, *(w - (1 << 64) if w >= 1 << 63 else w for w in words))
        for key, words in bits.items()
    )
    return totals, activity


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(dossier, min_size=1, max_size=20))
def test_the_stored_series_are_the_running_totals_by_definition(two_procedures, specs) -> None:
    """series.build (the database sums, the bitmaps by SQL) against running totals and day
    bitmaps computed here dossier by dossier, after a rebuild and after a partial one."""
    n = next(_example)
    units = [make_unit(f"H77.{n}.{i}") for i in range(3)]
    for spec in specs:
        _make(units, two_procedures, spec)
    rebuild()
    assert _stored() == _series_by_definition()
    rebuild(unit_ids=[units[1].pk])
    assert _stored() == _series_by_definition()
    Dossier.objects.filter(unit__in=units).delete()
    rebuild()


@pytest.mark.django_db
def test_every_word_and_sign_bit_of_the_activity_is_stored(two_procedures) -> None:
    """Days at each word's edges (bit 63 is the sign bit) and the last day of a leap year."""
    unit = make_unit("H78.01")
    first = dt.date(2024, 1, 1)
    for index in (0, 1, 62, 63, 64, 127, 128, 191, 255, 256, 319, 320, 364, 365):
        received = at((first + dt.timedelta(days=index)).isoformat())
        spec = {"unit": 0, "procedure": index % 2, "day": 0, "channel": 2, "status": 9}
        made = _make(
            [unit],
            two_procedures,
            spec | {"finish_after": index % 3, "due_after": 4, "supplements": 0, "flags": 16},
        )
        Dossier.objects.filter(pk=made.pk).update(
            received_at=received, finished_at=received + dt.timedelta(days=index % 3),
            due_at=received + dt.timedelta(days=4),
        )  # fmt: skip
    rebuild()
    totals, activity = _stored()
    assert (totals, activity) == _series_by_definition()
    assert any(row[4 + 5] != 0 for row in activity)  # the last word (days 320–365)
    assert any(w < 0 for row in activity for w in row[4:])  # a sign bit
    Dossier.objects.filter(unit=unit).delete()
    rebuild()


def _table_schema() -> list[tuple]:
    """The aggregate table's indexes and foreign keys, as the database defines them."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'indicators_dailyfact'"
            )
            found = cursor.fetchall()
            cursor.execute("PRAGMA foreign_key_list(indicators_dailyfact)")
            return sorted(found) + sorted(cursor.fetchall())
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = 'indicators_dailyfact'::regclass"
        )
        found = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), condeferrable, condeferred, convalidated "
            "FROM pg_constraint WHERE conrelid = 'indicators_dailyfact'::regclass"
        )
        return sorted(found) + sorted(cursor.fetchall())


@pytest.mark.django_db
def test_a_full_rebuild_gives_the_table_back_its_indexes_and_keys(two_procedures) -> None:
    """Set aside during the rebuild (indexes; foreign keys on PostgreSQL), then restored as
    they were; a dossier's rows still refer to a unit that exists."""
    from motcua.indicators.models import DailyFact

    unit = make_unit("H79.01")
    spec = {"unit": 0, "procedure": 0, "day": 1, "channel": 1, "status": 9, "finish_after": 2}
    _make([unit], two_procedures, spec | {"due_after": 5, "supplements": 0, "flags": 0})
    before = _table_schema()
    assert len(before) >= 6
    rebuild()
    assert _table_schema() == before
    assert DailyFact.objects.filter(unit=unit).exists()
    Dossier.objects.filter(unit=unit).delete()
    rebuild()


def _all_facts() -> list[tuple]:
    """Every column of the aggregate table, summed by the full key (rows may split)."""
    from motcua.indicators.facts import FACT_FIELDS
    from motcua.indicators.models import DailyFact

    totals: dict[tuple, int] = {}
    for *key, n in DailyFact.objects.values_list(*FACT_FIELDS, "n"):
        totals[tuple(key)] = totals.get(tuple(key), 0) + n
    return sorted(totals.items(), key=repr)


# Single supplement requests: (the JSON text stored, the pause facts_of takes from it).
_ASKED, _GIVEN = "20241130080000", "20241201093015"
PAUSES = [
    (json.dumps([{"NgayBoSung": _ASKED, "NgayTiepNhanBoSung": _GIVEN}]), 91815),
    (json.dumps([{"NgayBoSung": _GIVEN, "NgayTiepNhanBoSung": _ASKED}]), 0),  # earlier
    (json.dumps([{"NgayBoSung": _ASKED, "NgayTiepNhanBoSung": _ASKED}]), 0),
    (json.dumps([{"NgayBoSung": "2024-11-30T08:00:00", "NgayTiepNhanBoSung": _GIVEN}]), 91815),
    (json.dumps([{"NgayBoSung": f" {_ASKED}", "NgayTiepNhanBoSung": _GIVEN}]), 91815),
    (json.dumps([{"NgayBoSung": int(_ASKED), "NgayTiepNhanBoSung": _GIVEN}]), 91815),
    (json.dumps([{"NgayBoSung": _ASKED}]), 0),
    (json.dumps([{"NgayBoSung": "", "NgayTiepNhanBoSung": _GIVEN}]), 0),
    (json.dumps([{"NgayBoSung": "19700101000000", "NgayTiepNhanBoSung": _GIVEN}]), None),
    (json.dumps([{"NgayBoSung": "20240229235959", "NgayTiepNhanBoSung": "20240301000001"}]), 2),
    # A key twice: JSON readers keep the last one (Python, PostgreSQL), SQLite the first.
    (
        f'[{{"NgayBoSung": "{_GIVEN}", "NgayBoSung": "{_ASKED}", '
        f'"NgayTiepNhanBoSung": "{_GIVEN}"}}]',
        91815,
    ),
]

edge = st.fixed_dictionaries(
    {
        "databases": st.sampled_from(
            [
                [],
                ["CSDLQGDC"],
                ["dancu", "OTHER"],
                ["OTHER"],
                [{"MaCSDL": "dancu"}],
                [" CSDLDC "],
                ["cſdlqgdc"],  # upper() gives CSDLQGDC in Python, not in SQL: not plain
                [5, ""],
                {"MaCSDL": "CSDLQGDC"},
            ]
        ),
        "received": st.sampled_from(["set", "none", "1970", "midnight"]),
        # µs from the finish moment (less the pause): ties, and an hour either side
        "due_tie": st.sampled_from([None, 0, 1, -1, 500_000, 3_600_000_000, -3_600_000_000]),
        "plain": st.integers(0, 3),  # 1–3: no supplements, a due date, no database records
        "pause": st.sampled_from(range(len(PAUSES) + 1)),  # 0: as made; else PAUSES[i - 1]
    }
)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(dossier, edge), min_size=1, max_size=25))
def test_the_sql_facts_of_a_rebuild_equal_facts_of(two_procedures, monkeypatch, specs) -> None:
    """The rebuild's SQL path (facts.SQL_FACTS) writes exactly what facts_of gives, on every
    fact column, for dossiers on either side of its guards."""
    from motcua.indicators import facts
    from motcua.procedures.models import ServiceLevelVersion

    n = next(_example)
    units = [make_unit(f"H75.{n}.{i}") for i in range(3)]
    # Level history: a version inside the random days, on top of the fixture's.
    for procedure, level, day in ((0, "partial", 9), (0, "full", 20), (1, "none", 30)):
        ServiceLevelVersion.objects.get_or_create(
            procedure=two_procedures[procedure],
            valid_from=START + dt.timedelta(days=day),
            defaults={"level": level},
        )
    for spec, extra in specs:
        if extra["plain"]:
            spec = spec | {"due_after": spec["due_after"] or extra["plain"]}
            if extra["plain"] < 3:
                spec["supplements"] = 0
        made = _make(units, two_procedures, spec)
        changes: dict = {"national_databases": extra["databases"]}
        finished = made.finished_at or made.refused_at
        if extra["received"] == "none":
            changes["received_at"] = None
        elif extra["received"] == "1970":
            changes["received_at"] = dt.datetime(1970, 1, 1, 18, tzinfo=dt.UTC)
        elif extra["received"] == "midnight":  # 17:00 UTC is 00:00 the next local day
            changes["received_at"] = dt.datetime.combine(
                START + dt.timedelta(days=spec["day"]), dt.time(17), dt.UTC
            )
        paused = 0
        if extra["pause"] and finished is not None:
            text, paused = PAUSES[extra["pause"] - 1]
            paused = paused or 0
            _store_supplements(made.pk, text)
        if extra["due_tie"] is not None and finished is not None:
            # Ties of finish − pause and the due moment, to the microsecond.
            changes["due_at"] = finished - dt.timedelta(
                seconds=paused, microseconds=-extra["due_tie"]
            )
        Dossier.objects.filter(pk=made.pk).update(**changes)
    monkeypatch.setattr(facts, "SQL_FACTS", False)
    rebuild()
    by_facts_of = _all_facts(), _stored()
    monkeypatch.setattr(facts, "SQL_FACTS", True)
    with mock.patch.object(facts, "_sql_recount", wraps=facts._sql_recount) as sql_path:
        rebuild()
    assert sql_path.called
    assert (_all_facts(), _stored()) == by_facts_of
    # A partial rebuild takes the same paths.
    rebuild(unit_ids=[units[0].pk, units[2].pk])
    assert (_all_facts(), _stored()) == by_facts_of
    Dossier.objects.filter(unit__in=units).delete()


def _store_supplements(pk: int, text: str) -> None:
    """The supplement requests as this JSON text (duplicate keys kept as written)."""
    from django.db import connection

    cast = "%s" if connection.vendor == "sqlite" else "CAST(%s AS jsonb)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE dossiers_dossier SET supplements = {cast}, supplement_count = 1 WHERE id = %s",
            [text, pk],
        )


@pytest.mark.django_db
def test_the_sql_facts_agree_on_every_lag_class_and_level(two_procedures, monkeypatch) -> None:
    """Finish lags around every power of two, days around each level change, midnights."""
    from motcua.indicators import facts

    units = [make_unit(f"H76.{i}") for i in range(2)]
    for lag in range(70):
        for hour in (0, 16, 17):  # 17:00 UTC is local midnight
            received = dt.datetime.combine(
                START + dt.timedelta(days=lag % 40), dt.time(hour), dt.UTC
            )
            Dossier.objects.filter(
                pk=_make(
                    units,
                    two_procedures,
                    {"unit": lag % 2, "procedure": lag % 2, "day": 0, "channel": 1 + lag % 3,
                     "status": [9, 10, 3, 4][lag % 4], "finish_after": 0, "due_after": 3,
                     "supplements": 0, "flags": lag},
                ).pk
            ).update(
                received_at=received,
                finished_at=received + dt.timedelta(days=lag),
                refused_at=received + dt.timedelta(days=lag),
                due_at=received + dt.timedelta(days=lag % 9, hours=hour),
            )  # fmt: skip
    monkeypatch.setattr(facts, "SQL_FACTS", False)
    rebuild()
    by_facts_of = _all_facts()
    monkeypatch.setattr(facts, "SQL_FACTS", True)
    rebuild()
    assert _all_facts() == by_facts_of
    assert len({row[0][-1] // windows.SPAN_CLASS for row in by_facts_of}) > 6  # lag classes


@given(
    st.datetimes(min_value=dt.datetime(1000, 1, 1)).map(lambda d: d.strftime("%Y%m%d%H%M%S"))
    | st.text(alphabet="0123456789٢", min_size=14, max_size=14)
)
def test_compact_moments_parse_as_strptime_does(text) -> None:
    from motcua.indicators.facts import _compact

    try:
        expected = dt.datetime.strptime(text, "%Y%m%d%H%M%S")
    except ValueError:
        with pytest.raises(ValueError):
            _compact(text)
    else:
        assert _compact(text) == expected


@pytest.mark.django_db
def test_a_single_supplement_pause_goes_through_facts_of(two_procedures, monkeypatch) -> None:
    """On time only thanks to the pause, and late even with it: a finished dossier's single
    supplement request goes through facts_of, whatever its shape, and both paths agree."""
    from motcua.indicators import facts

    unit = make_unit("H80.01")
    for i, (text, paused) in enumerate(PAUSES * 2):
        spec = {"unit": 0, "procedure": i % 2, "day": i % 20, "channel": 1, "status": 9}
        spec |= {"finish_after": 5, "due_after": 3, "supplements": 0, "flags": 0}
        made = _make([unit], two_procedures, spec)
        _store_supplements(made.pk, text)
        hour = dt.timedelta(hours=1 if i < len(PAUSES) else -1)
        due = made.finished_at - dt.timedelta(seconds=paused or 0) + hour
        Dossier.objects.filter(pk=made.pk).update(due_at=due)
    monkeypatch.setattr(facts, "SQL_FACTS", False)
    rebuild()
    by_facts_of = _all_facts()
    monkeypatch.setattr(facts, "SQL_FACTS", True)
    with mock.patch.object(facts, "facts_of", wraps=facts.facts_of) as in_python:
        rebuild()
    assert _all_facts() == by_facts_of
    on_time = sum(n for key, n in by_facts_of if key[9])  # Facts.on_time
    # The +1 h half, and the 1970 request's pause (54 years) in the −1 h half too.
    assert on_time == len(PAUSES) + sum(paused is None for _, paused in PAUSES)
    assert in_python.call_count == 2 * len(PAUSES)
    Dossier.objects.filter(unit=unit).delete()
    rebuild()
