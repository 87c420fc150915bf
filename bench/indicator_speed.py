"""Indicator speed: ``python -m bench.indicator_speed --n 2000000 --db sqlite|postgres``.

Builds (or, with ``--reuse``, keeps) a synthetic province of N dossiers received in 2024
(bench/indicator_data.py: 151 units, 2,000 procedures), then measures, in one run:

- ``rebuild``: ``motcua indicators rebuild`` (every daily aggregate from the dossiers);
- ``engine``: all plan indicators and the full 766 index (``figure_rows`` of both formula
  sets, units in scope and roll-up included) for every unit, for several periods; the
  first run of each period is cold, the median of the next ``--repeat`` runs is reported;
- ``naive``: per-unit ORM ``count()`` queries over the dossiers table for the indicators
  that translate directly to dossier columns (checked equal to the engine's figures);
- ``duckdb``: the engine's aggregate-path queries (every count a scan of the daily
  aggregates, as without running totals) run by DuckDB over one row per dossier (the facts
  exported to Parquet): the "scan everything" reference.

SQLite uses ``/tmp/motcua-bench-indicators/``; PostgreSQL the database
``motcua_bench_indicators`` on 127.0.0.1. DuckDB is a benchmark dependency only
(bench/requirements.txt). Not part of the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PG_NAME = "motcua_bench_indicators"
SQLITE_DIR = Path(
    os.environ.get("MOTCUA_BENCH_DIR") or Path(tempfile.gettempdir()) / "motcua-bench-indicators"
)
PERIODS = [
    "2024",
    "2024-Q3",
    "2024-10",
    "2024-W36",
    "2024-03-17..2024-08-09",
]


def _setup(db: str, fresh: bool) -> None:
    os.environ.update(
        DEBUG="0", SECRET_KEY="bench-secret", DJANGO_SETTINGS_MODULE="motcua.settings"
    )
    if db == "postgres":
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
        if fresh:
            for sql in (f"DROP DATABASE IF EXISTS {PG_NAME}", f"CREATE DATABASE {PG_NAME}"):
                subprocess.run(
                    ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True
                )
    else:
        os.environ["DATABASE_URL"] = ""
        os.environ["VAR_DIR"] = str(SQLITE_DIR)
        if fresh:
            for name in ("motcua.sqlite3", "motcua.sqlite3-wal", "motcua.sqlite3-shm"):
                (SQLITE_DIR / name).unlink(missing_ok=True)
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def _timed(fn: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def phase_generate(n: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from bench.indicator_data import generate

    call_command("migrate", verbosity=0)
    seconds, _ = _timed(generate, n)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"generate_s": round(seconds, 1)}


def phase_rebuild() -> dict[str, Any]:
    from django.db import connection

    from motcua.indicators.facts import rebuild
    from motcua.indicators.models import DailyFact

    cpu_before = _cpu()
    seconds, rows = _timed(rebuild)
    cpu = _cpu() - cpu_before
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "rebuild_s": round(seconds, 1),
        "rebuild_cpu_s": round(cpu, 1),
        "aggregate_rows": DailyFact.objects.count(),
        "written": rows,
    }


def _cpu() -> float:
    """CPU seconds of this process and its finished children (not the database server)."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _all_figures(period: Any) -> list[dict[str, Any]]:
    from motcua.indicators.registry import formula_set
    from motcua.indicators.report import figure_rows, units_in_scope

    units = units_in_scope(period, None, None)
    rows = figure_rows(formula_set("plan"), period, units)
    return rows + figure_rows(formula_set("qd766-2025"), period, units)


def phase_engine(repeat: int) -> dict[str, Any]:
    from motcua.indicators.period import Period

    out: dict[str, Any] = {}
    for text in PERIODS:
        period = Period.parse(text)
        cold, rows = _timed(_all_figures, period)
        warm = [_timed(_all_figures, period)[0] for _ in range(repeat)]
        out[text] = {
            "cold_s": round(cold, 3),
            "median_s": round(statistics.median(warm), 3),
            "max_s": round(max(warm), 3),
            "rows": len(rows),
        }
    return out


def _naive_counts(period: Any) -> dict[tuple[str, str], tuple[int, int]]:
    """Per unit (its whole subtree) and indicator: one ORM count per numerator and
    denominator, straight over the dossiers table."""
    from django.db.models import Q
    from django.db.models.functions import Coalesce

    from motcua.dossiers.models import FINISHED_STATUSES, Dossier, SyncState
    from motcua.indicators.report import units_in_scope
    from motcua.units.history import rollup_map

    start, end = period.start_at, period.end_at
    received = Q(received_at__gte=start, received_at__lt=end)
    online = Q(channel=2)
    finished = Q(status__in=FINISHED_STATUSES, fin__gte=start, fin__lt=end)
    processed = Q(status__in=(9, 10), fin__lt=end)
    requires = Q(procedure__requires_result=True)
    definitions = {
        "online_received": (received & online, received),
        "online_resolved": (received & online & processed, received),
        "online_share_of_resolved": (finished & online, finished),
        "digitized": (
            received
            & Q(all_components_filed=True)
            & (Q(has_result_file=True) | Q(procedure__requires_result=False)),
            received,
        ),
        "reused": (received & Q(reused=True), received),
        "e_result": (finished & requires & Q(has_result_file=True), finished & requires),
        "national_sync": (received & Q(sync_state=SyncState.ACKNOWLEDGED), received),
        "online_paid_dossiers": (
            finished & Q(fee_total__gt=0, online_paid__in=(1, 2)),
            finished & Q(fee_total__gt=0),
        ),
    }
    members = rollup_map(period.start, period.end)
    base = Dossier.objects.annotate(fin=Coalesce("finished_at", "refused_at", "returned_at"))
    result = {}
    for unit in units_in_scope(period, None, None):
        ids = list(members.get(unit.id, {unit.id}))
        for code, (b, a) in definitions.items():
            mine = base.filter(unit_id__in=ids)
            result[(unit.code, code)] = (mine.filter(b).count(), mine.filter(a).count())
    return result


def phase_naive(text: str) -> dict[str, Any]:
    from motcua.indicators.period import Period

    period = Period.parse(text)
    seconds, naive = _timed(_naive_counts, period)
    engine_s, rows = _timed(_all_figures, period)
    engine = {(r["unit_code"], r["indicator"]): (r["numerator"], r["denominator"]) for r in rows}
    mismatches = [key for key, value in naive.items() if engine.get(key) != value]
    return {
        "period": text,
        "naive_s": round(seconds, 2),
        "naive_queries": 2 * len(naive),
        "naive_indicators": len({k[1] for k in naive}),
        "engine_all_indicators_s": round(engine_s, 3),
        "mismatches": mismatches[:5],
    }


def _export_facts(path: Path) -> int:
    """One row per dossier with the facts columns, as CSV (DuckDB turns it into Parquet)."""
    import csv

    from motcua.calendar.services import current_calendar
    from motcua.dossiers.models import Dossier
    from motcua.indicators.facts import DOSSIER_COLUMNS, FACT_FIELDS, facts_of, load_procedures

    procedures = load_procedures()
    calendar = current_calendar()
    n = 0
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*FACT_FIELDS, "n"])
        for row in Dossier.objects.values(*DOSSIER_COLUMNS).iterator(chunk_size=10_000):
            facts = facts_of(row, procedures[row["procedure_id"]], calendar)
            writer.writerow([*("" if v is None else v for v in facts), 1])
            n += 1
    return n


def _engine_sql(period: Any) -> list[str]:
    """The SQL the engine runs for both formula sets (dossier and procedure sources)."""
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.indicators import series
    from motcua.indicators.registry import formula_set
    from motcua.indicators.report import figure_rows, units_in_scope

    units = units_in_scope(period, None, None)
    # The aggregate path (no running totals): every count is a scan of DailyFact rows.
    with (
        mock.patch.object(series, "built", return_value=set()),
        CaptureQueriesContext(connection) as captured,
    ):
        figure_rows(formula_set("plan"), period, units)
        figure_rows(formula_set("qd766-2025"), period, units)
    return [q["sql"] for q in captured.captured_queries if "dailyfact" in q["sql"]]


def phase_duckdb(repeat: int) -> dict[str, Any]:
    import duckdb

    from motcua.indicators.facts import FACT_FIELDS
    from motcua.indicators.models import DailyFact
    from motcua.indicators.period import Period

    work = Path(tempfile.mkdtemp(prefix="motcua-duckdb-"))
    csv_path, parquet = work / "facts.csv", work / "facts.parquet"
    export_s, n = _timed(_export_facts, csv_path)
    table = DailyFact._meta.db_table
    con = duckdb.connect()
    types = {f.attname: f.get_internal_type() for f in DailyFact._meta.concrete_fields}
    duck_types = {
        name: {"DateField": "DATE", "BooleanField": "BOOLEAN", "CharField": "VARCHAR"}.get(
            types[name], "INTEGER"
        )
        for name in FACT_FIELDS
    }
    columns = ", ".join(f"'{k}': '{v}'" for k, v in [*duck_types.items(), ("n", "INTEGER")])
    con.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}', header=true, columns={{{columns}}})) "
        f"TO '{parquet}' (FORMAT parquet)"
    )
    csv_path.unlink()
    con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{parquet}')")
    out: dict[str, Any] = {"export_s": round(export_s, 1), "dossiers": n}
    for text in PERIODS:
        statements = _engine_sql(Period.parse(text))

        def run(statements: list[str] = statements) -> None:
            for sql in statements:
                con.execute(sql).fetchall()

        run()
        warm = [_timed(run)[0] for _ in range(repeat)]
        out[text] = {"median_s": round(statistics.median(warm), 3)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a former run")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip", default="", help="comma list of phases to skip")
    parser.add_argument("--naive-period", default="2024-10")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    _setup(args.db, fresh=not args.reuse)
    result: dict[str, Any] = {
        "db": args.db,
        "n": args.n,
        "python": platform.python_version(),
        "load": os.getloadavg(),
    }
    if not args.reuse:
        result |= phase_generate(args.n)
        print(json.dumps(result), file=sys.stderr)
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # apps added since the data was generated
    if "rebuild" not in skip:
        result |= phase_rebuild()
        print(json.dumps(result), file=sys.stderr)
    if "engine" not in skip:
        result["engine"] = phase_engine(args.repeat)
        print(json.dumps(result["engine"]), file=sys.stderr)
    if "naive" not in skip:
        result["naive"] = phase_naive(args.naive_period)
        print(json.dumps(result["naive"]), file=sys.stderr)
    if "duckdb" not in skip:
        result["duckdb"] = phase_duckdb(args.repeat)
    result["load_after"] = os.getloadavg()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
