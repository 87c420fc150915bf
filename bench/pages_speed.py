"""Page speed: ``python -m bench.pages_speed [--source DB] [--n 30]`` (``make bench-pages``).

Copies a database (default: the shared 2,000,000-dossier SQLite file the lead builds with
bench/indicator_data.py) to a work directory, migrates the copy, creates a province
monitor ``bench`` there, starts ``motcua runserver`` on loopback, signs in and requests
every page of :data:`PAGES` N times after one cold request. Reports per page the cold
time, then p50/p95 of the server time (the ``Server-Timing`` header the web app adds) and
of the client time on loopback, with the load average; appends the table to
bench/RESULTS-pages.md. ``/healthz`` runs in the same loop as the baseline (a request
that touches the database and nothing else).

The figure cache (``VAR_DIR/cache``) is emptied before the server starts, so "cold" is the
first computation. ``--writes S``: then, for S seconds, a writer process finishes one open
dossier in a random commune every ``--write-every`` seconds (``workflow.change_status``, as
an officer would) while the client requests the figure pages round-robin; reported per page:
p50/p95 of the server time under writes and the share of answers served stale
(docs/web.md, "Stale while revalidating").

Add a page by appending ``(name, path)`` to :data:`PAGES`; ``{root}``, ``{district}`` and
``{commune}`` are replaced by unit codes found in the database (``{district_id}``,
``{commune_id}`` by their ids), ``{dossier}`` by a dossier's code, ``{code_prefix}`` by its
code without its last 3 characters and ``{procedure_words}`` by a procedure's name without accents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SOURCE = Path("/work/bench-data/2m.sqlite3")
WORK = Path(os.environ.get("MOTCUA_BENCH_PAGES_DIR") or "/tmp/motcua-bench-pages")
USER, PASSWORD = "bench", "bench-pages-mat-khau-1"

PAGES: list[tuple[str, str]] = [
    ("baseline /healthz", "/healthz"),
    ("dashboard (this week)", "/"),
    ("dashboard (this month)", "/?period=month"),
    ("dashboard (this year)", "/?period=year"),
    ("unit: province", "/don-vi/{root}/"),
    ("unit: district", "/don-vi/{district}/?period=month"),
    ("unit: commune", "/don-vi/{commune}/"),
    ("indicator: PROGRESS_ON_TIME, district", "/chi-so/PROGRESS_ON_TIME/?unit={district}"),
    ("indicator: online_received, province", "/chi-so/online_received/?unit={root}"),
    ("indicator: page 3, commune, month", "/chi-so/on_time/?unit={commune}&period=month&page=3"),
    # dossier pages (docs/web-dossiers.md)
    ("dossiers: list", "/ho-so/"),
    ("dossiers: page 50", "/ho-so/?page=50"),
    ("dossiers: 200 a page", "/ho-so/?size=200"),
    ("dossiers: status processing", "/ho-so/?status=4"),
    ("dossiers: overdue, by due date", "/ho-so/?due=overdue&sort=due"),
    ("dossiers: status refused (3% of all)", "/ho-so/?status=3"),
    ("dossiers: status returned, oldest first", "/ho-so/?status=10&sort=received"),
    ("dossiers: status returned, by code", "/ho-so/?status=10&sort=code"),
    ("dossiers: district, online, this year", "/ho-so/?unit={district_id}&online=on&period=year"),
    ("dossiers: search procedure", "/ho-so/?q={procedure_words}"),
    ("dossiers: search 'chung thuc'", "/ho-so/?q=chung+thuc"),
    ("dossiers: search name", "/ho-so/?q=nguyen+van"),
    ("dossiers: search code prefix", "/ho-so/?q={code_prefix}"),
    ("dossiers: search + commune", "/ho-so/?q={procedure_words}&unit={commune_id}"),
    ("dossier: detail", "/ho-so/{dossier}/"),
    ("campaigns: list", "/chien-dich/"),
]


def env_for(work: Path) -> dict[str, str]:
    return os.environ | {
        "VAR_DIR": str(work),
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def prepare(source: Path, work: Path, reuse: bool) -> None:
    target = work / "motcua.sqlite3"
    if not (reuse and target.exists()):
        if not source.exists():
            sys.exit(f"{source}: no database (wait for /work/bench-data/READY, or --source)")
        work.mkdir(parents=True, exist_ok=True)
        for stale in work.glob("motcua.sqlite3*"):
            stale.unlink()
        print(f"copying {source} to {target}…", flush=True)
        subprocess.run(["cp", "--sparse=always", str(source), str(target)], check=True)
    subprocess.run(
        [str(BIN / "motcua"), "migrate", "--noinput", "-v0"], env=env_for(work), check=True
    )
    script = f"""
from django.contrib.auth.models import User
from motcua.accounts.roles import Role
from motcua.accounts.services import grant
from motcua.units.models import Unit, UnitParent
user, _ = User.objects.get_or_create(username={USER!r})
user.set_password({PASSWORD!r}); user.save()
children = UnitParent.objects.values_list("unit_id", flat=True)
root = Unit.objects.exclude(pk__in=children).order_by("pk").first()
grant(user, Role.PROVINCE_MONITOR, [root])
"""
    subprocess.run([str(BIN / "motcua"), "shell", "-c", script], env=env_for(work), check=True)


WRITER = """
import os, random, time
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import change_status
from motcua.units.models import Unit
until = time.time() + float(os.environ["BENCH_WRITES"])
every = float(os.environ["BENCH_WRITE_EVERY"])
rng = random.Random(7)
communes = list(Unit.objects.filter(level="commune").values_list("pk", flat=True))
done = 0
while time.time() < until:
    started = time.time()
    unit = rng.choice(communes)
    # (databases made before 2026-12-04 list consulted databases as bare strings, which
    # change_status's content hash rejects: such dossiers are skipped)
    found = Dossier.objects.filter(unit_id=unit, status=4, national_databases=[])
    for pk in found.values_list("pk", flat=True)[:1]:
        change_status(pk, 9, actor="bench")
        done += 1
    time.sleep(max(0.0, every - (time.time() - started)))
print("WRITES", done)
"""


def unit_codes(work: Path) -> dict[str, str]:
    script = """
from motcua.units.models import Unit, UnitParent
children = UnitParent.objects.values_list("unit_id", flat=True)
root = Unit.objects.exclude(pk__in=children).order_by("pk").first()
district = Unit.objects.filter(level="district").order_by("code").first()
commune = Unit.objects.filter(level="commune").order_by("code").first()
from motcua.core.text import fold
from motcua.dossiers.models import Dossier
from motcua.procedures.models import Procedure
dossier = Dossier.objects.filter(unit__level="district").order_by("id").first()
words = fold(Procedure.objects.order_by("-id").first().name).replace(" ", "+")
print(root.code, district.code, commune.code, district.pk, commune.pk, dossier.code, words)
"""
    out = subprocess.run(
        [str(BIN / "motcua"), "shell", "-c", script],
        env=env_for(work),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    root, district, commune, district_id, commune_id, dossier, words = out[-7:]
    return {
        "root": root,
        "district": district,
        "commune": commune,
        "district_id": district_id,
        "commune_id": commune_id,
        "dossier": dossier,
        "code_prefix": dossier[:-3],
        "procedure_words": words,
    }


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.timing = ""

    def get(self, path: str) -> tuple[int, float, float | None, bytes]:
        started = time.perf_counter()
        with self.opener.open(self.base + path, timeout=300) as response:
            body = response.read()
            client_ms = (time.perf_counter() - started) * 1000
            self.timing = response.headers.get("Server-Timing", "")
            found = re.search(r"app;dur=([\d.]+)", self.timing)
            return response.status, client_ms, float(found[1]) if found else None, body

    def sign_in(self) -> None:
        _, _, _, body = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert token, "no CSRF token on the login page"
        data = urllib.parse.urlencode(
            {"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token[1].decode()}
        ).encode()
        request = urllib.request.Request(
            self.base + "/accounts/login/", data=data, headers={"Referer": self.base + "/"}
        )
        with self.opener.open(request, timeout=60) as response:
            assert response.url.rstrip("/") == self.base, f"sign-in failed: {response.url}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def wait_for(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            sys.exit("the server stopped")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5).read()
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("the server did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--reuse", action="store_true", help="keep an existing copy")
    parser.add_argument("--n", type=int, default=30, help="warm requests per page")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-write", action="store_true", help="do not append the results")
    parser.add_argument("--only", default="", help="pages whose name matches (and the baseline)")
    parser.add_argument("--writes", type=float, default=0, help="seconds of pages under writes")
    parser.add_argument("--write-every", type=float, default=2.0, help="seconds between writes")
    args = parser.parse_args()
    prepare(args.source, args.work, args.reuse)
    shutil.rmtree(args.work / "cache", ignore_errors=True)
    codes = unit_codes(args.work)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(BIN / "motcua"), "runserver", "--noreload", f"127.0.0.1:{args.port}"],
        env=env_for(args.work),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base, server)
        browser = Browser(base)
        browser.sign_in()
        load_before = os.getloadavg()
        rows = []
        for name, template in PAGES:
            if args.only and not (re.search(args.only, name) or name.startswith("baseline")):
                continue
            path = template.format(**codes)
            status, cold_client, cold_server, _ = browser.get(path)
            assert status == 200, f"{path}: {status}"
            server_ms: list[float] = []
            client_ms: list[float] = []
            for _ in range(args.n):
                _, c, s, _ = browser.get(path)
                client_ms.append(c)
                server_ms.append(s if s is not None else c)
            rows.append(
                (
                    name,
                    path,
                    cold_server if cold_server is not None else cold_client,
                    statistics.median(server_ms),
                    percentile(server_ms, 0.95),
                    statistics.median(client_ms),
                    percentile(client_ms, 0.95),
                )
            )
            print(
                f"{name:45} cold {rows[-1][2]:8.1f}  "
                f"p50 {rows[-1][3]:7.1f}  p95 {rows[-1][4]:7.1f} ms",
                flush=True,
            )
        load_after = os.getloadavg()
        mixed = under_writes(browser, rows, args) if args.writes else []
    finally:
        server.terminate()
        server.wait(30)
    report(rows, args, load_before, load_after)
    if mixed:
        report_writes(mixed, args)


FIGURE_PAGES = ("dashboard", "unit:", "indicator:")
Mixed = tuple[str, str, int, float, float, float, int]


def under_writes(browser: Browser, rows: list[Row], args: argparse.Namespace) -> list[Mixed]:
    """The figure pages requested round-robin while a writer finishes dossiers."""
    paths = [(name, path) for name, path, *_ in rows if name.startswith(FIGURE_PAGES)]
    writer = subprocess.Popen(
        [str(BIN / "motcua"), "shell", "-c", WRITER],
        env=env_for(args.work)
        | {"BENCH_WRITES": str(args.writes), "BENCH_WRITE_EVERY": str(args.write_every)},
        stdout=subprocess.PIPE,
        text=True,
    )
    times: dict[str, list[float]] = {name: [] for name, _ in paths}
    stale: dict[str, int] = dict.fromkeys(times, 0)
    ages: list[float] = []  # seconds since the stale values served were computed
    before = os.getloadavg()
    while writer.poll() is None:
        for name, path in paths:
            _, c, server_ms, _ = browser.get(path)
            times[name].append(server_ms if server_ms is not None else c)
            stale[name] += bool(re.search(r"stale=[1-9]", browser.timing))
            age = re.search(r"age=([\d.]+)", browser.timing)
            if age:
                ages.append(float(age[1]))
    out = writer.communicate()[0]
    writes = int(re.search(r"WRITES (\d+)", out)[1]) if "WRITES" in out else -1
    after = os.getloadavg()
    print(f"writes: {writes}; load {before[0]:.2f} -> {after[0]:.2f}", flush=True)
    return [
        (
            name,
            path,
            len(times[name]),
            statistics.median(times[name]),
            percentile(times[name], 0.95),
            max(times[name]),
            stale[name],
        )
        for name, path in paths
        if times[name]
    ] + [
        ("(writes; load before/after)", f"{writes}", 0, before[0], after[0], 0.0, 0),
        (
            "(age of stale answers, s)",
            "",
            len(ages),
            statistics.median(ages) if ages else 0.0,
            percentile(ages, 0.95) if ages else 0.0,
            max(ages, default=0.0),
            0,
        ),
    ]


def report_writes(mixed: list[Mixed], args: argparse.Namespace) -> None:
    *pages, (_, writes, _, before, after, _, _), ages = mixed
    lines = [
        f"\n### Under writes — {args.writes:.0f} s, a dossier finished every "
        f"{args.write_every:g} s ({writes} writes); load average {before:.2f} → {after:.2f}\n",
        "| page | requests | server p50 | server p95 | max | served stale |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, _, n, p50, p95, worst, stale in pages:
        lines.append(f"| {name} | {n} | {p50:.1f} | {p95:.1f} | {worst:.0f} | {stale} |")
    _, _, n, a50, a95, oldest, _ = ages
    lines.append(
        f"\nAge of the stale answers (since their figures were computed): {n} answers, "
        f"median {a50:.1f} s, p95 {a95:.1f} s, oldest {oldest:.1f} s.\n"
    )
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        with (ROOT / "bench" / "RESULTS-pages.md").open("a") as f:
            f.write(text)


Row = tuple[str, str, float, float, float, float, float]


def report(rows: list[Row], args: argparse.Namespace, before: tuple, after: tuple) -> None:
    lines = [
        f"\n## {dt.datetime.now():%Y-%m-%d %H:%M} — {args.source.name}, "
        f"{args.n} warm requests per page\n",
        f"Load average before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, after "
        f"{after[0]:.2f} {after[1]:.2f} {after[2]:.2f} ({os.cpu_count()} CPUs). "
        "`motcua runserver` (SQLite), loopback; server = `Server-Timing` app duration.\n",
        "| page | path | cold (ms) | server p50 | server p95 | client p50 | client p95 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, path, cold, s50, s95, c50, c95 in rows:
        lines.append(
            f"| {name} | `{path}` | {cold:.0f} | {s50:.1f} | {s95:.1f} | {c50:.1f} | {c95:.1f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        results = ROOT / "bench" / "RESULTS-pages.md"
        if not results.exists():
            results.write_text(
                "# Page speed\n\n`make bench-pages` (bench/pages_speed.py). Target: dashboard, "
                "unit "
                "and indicator pages ≤ 300 ms server time at the 95th percentile with 2,000,000 "
                "dossiers.\n"
            )
        with results.open("a") as f:
            f.write(text)


if __name__ == "__main__":
    main()
