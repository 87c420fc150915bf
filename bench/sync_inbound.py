"""Inbound sync under load: ``python -m bench.sync_inbound [--clients 20] [--seconds 60]
[--batch 10] [--db sqlite|postgres] [--port 8150]``.

Serves motcua on 127.0.0.1 only on a fresh database, from a WSGI server with a fixed pool
of ``--threads`` threads (as a production server would: runserver starts a thread per
request, so each leaves a persistent database connection behind),
with one API key scoped to the synthetic units of bench.import_speed. N client threads POST
batches of new DVCQG records to ``/api/sync/dossiers`` for the given time; every 10th request
resends the previous batch (must change nothing). A 429/503 answer is waited out for its
Retry-After and the same batch sent again, so a client never drops a record. At the end
the dossier codes in the database are compared with the codes the server acknowledged:
nothing may be missing or extra. Prints a Markdown summary. Not part of the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from bench.import_speed import UNITS, synthetic

ROOT = Path(__file__).resolve().parent.parent
MOTCUA = str(Path(sys.executable).parent / "motcua")
PG_URL = "postgres://postgres@127.0.0.1:5432/motcua_feedback_bench"


class Client(threading.Thread):
    def __init__(self, n: int, url: str, key: str, batch: int, until: float) -> None:
        super().__init__(daemon=True)
        self.n, self.url, self.key, self.batch, self.until = n, url, key, batch, until
        self.answers: Counter[int] = Counter()
        self.latencies: list[float] = []
        self.acked: set[str] = set()
        self.unchanged = 0
        self.rng = random.Random(n)

    def post(self, records: list[dict[str, Any]]) -> tuple[int, dict[str, Any], float]:
        body = json.dumps(records, ensure_ascii=False).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"},
        )
        start = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read()), time.monotonic() - start
        except urllib.error.HTTPError as exc:
            retry = float(exc.headers.get("Retry-After") or 0)
            exc.read()
            return exc.code, {"retry": retry}, time.monotonic() - start

    def send(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """Send until accepted (waiting out 429/503); raise on any other answer."""
        while True:
            status, answer, took = self.post(records)
            self.answers[status] += 1
            if status == 200:
                self.latencies.append(took)
                return answer
            if status in (429, 503):
                time.sleep(answer["retry"] or 1)
                continue
            raise RuntimeError(f"client {self.n}: HTTP {status} {answer}")

    def run(self) -> None:
        seq, sent, previous = 0, 0, None
        while time.monotonic() < self.until:
            sent += 1
            if previous is not None and sent % 10 == 0:
                answer = self.send(previous)  # a resend: must be a no-op
                assert answer["unchanged"] == len(previous), answer
                self.unchanged += answer["unchanged"]
                continue
            records = []
            for _ in range(self.batch):
                records.append(synthetic(self.n * 10_000_000 + seq, self.rng))
                seq += 1
            answer = self.send(records)
            assert answer["created"] == len(records), answer
            self.acked.update(r["hoSo"]["MaHoSo"] for r in records)
            previous = records


def run(env: dict[str, str], *args: str) -> str:
    cmd = [MOTCUA, *args]
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def prepare(env: dict[str, str], db: str) -> None:
    if db == "postgres":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute("DROP DATABASE IF EXISTS motcua_feedback_bench WITH (FORCE)")
            c.execute("CREATE DATABASE motcua_feedback_bench")
    code = "from bench.import_speed import worker_prepare; worker_prepare()"
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def serve(port: int, threads: int) -> None:
    """The application on 127.0.0.1:port, requests handled by a fixed thread pool."""
    from concurrent.futures import ThreadPoolExecutor
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    pool = ThreadPoolExecutor(threads)

    class Pooled(WSGIServer):
        request_queue_size = 128

        def process_request(self, request: Any, client_address: Any) -> None:
            pool.submit(self._handle, request, client_address)

        def _handle(self, request: Any, client_address: Any) -> None:
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", port, app, server_class=Pooled, handler_class=Quiet)
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--threads", type=int, default=8, help="server threads")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.serve:
        serve(opts.serve, opts.threads)
        return
    tmp = tempfile.mkdtemp(prefix="motcua-sync-bench-")
    env = {
        **os.environ,
        "VAR_DIR": tmp,
        "DEBUG": os.environ.get("BENCH_DEBUG", "0"),
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    if opts.db == "postgres":
        env["DATABASE_URL"] = PG_URL
    prepare(env, opts.db)
    unit_args = [arg for code in UNITS for arg in ("--unit", code)]
    key = run(env, "sync", "source", "bench", *unit_args).strip()
    log = Path(tmp) / "server.log"
    print(f"server log: {log}", file=sys.stderr)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.sync_inbound",
            "--serve",
            str(opts.port),
            "--threads",
            str(opts.threads),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        time.sleep(3)
        url = f"http://127.0.0.1:{opts.port}/api/sync/dossiers"
        until = time.monotonic() + opts.seconds
        started = time.monotonic()
        clients = [Client(n, url, key, opts.batch, until) for n in range(opts.clients)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait()
    report(opts, env, clients, elapsed)


def report(
    opts: argparse.Namespace, env: dict[str, str], clients: list[Client], elapsed: float
) -> None:
    code = (
        "import django,sys; django.setup(); from motcua.dossiers.models import Dossier; "
        "sys.stdout.write('\\n'.join(Dossier.objects.values_list('code', flat=True)))"
    )
    check = (
        "import django,sys; django.setup(); from django.db.models import Sum; "
        "from motcua.indicators.models import DailyFact; "
        "sys.stdout.write(str(DailyFact.objects.aggregate(n=Sum('n'))['n'] or 0))"
    )
    aggregated = int(
        subprocess.run(
            [sys.executable, "-c", check],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    stored = set(
        subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    )
    acked = set().union(*(c.acked for c in clients))
    answers: Counter[int] = sum((c.answers for c in clients), Counter())
    latencies = sorted(t for c in clients for t in c.latencies)
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else 0.0
    print(
        f"## Inbound sync, {opts.db}: {opts.clients} clients × {opts.seconds:.0f} s, "
        f"{opts.batch} records per request\n"
    )
    print("| figure | value |\n|---|---|")
    print(f"| requests answered 200 | {answers[200]} |")
    print(f"| answered 429 (back-pressure, resent) | {answers[429]} |")
    print(f"| answered 503 (database busy, resent) | {answers[503]} |")
    print(
        f"| other answers | {sum(answers.values()) - answers[200] - answers[429] - answers[503]} |"
    )
    print(f"| dossiers acknowledged | {len(acked)} |")
    print(f"| dossiers stored | {len(stored)} |")
    print(f"| missing / extra | {len(acked - stored)} / {len(stored - acked)} |")
    print(f"| dossiers in the indicator aggregates (sum of DailyFact.n) | {aggregated} |")
    print(f"| resent records reported unchanged | {sum(c.unchanged for c in clients)} |")
    print(
        f"| throughput | {len(acked) / elapsed:.1f} dossiers/s, {answers[200] / elapsed:.1f} "
        f"accepted requests/s |"
    )
    print(
        f"| latency of accepted requests | median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms |"
    )
    if acked != stored:
        sys.exit("LOST OR EXTRA DOSSIERS")


if __name__ == "__main__":
    main()
