"""End to end, in separate processes: a worker killed mid-batch loses and duplicates nothing.

The database is a fresh one (a SQLite file, or a new PostgreSQL database next to the test
database), migrated and filled by subprocesses, so the worker processes see it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
MOTCUA = str(Path(sys.executable).parent / "motcua")
COUNT = 40
BATCH = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _maintenance(settings: dict[str, Any], sql: str) -> None:
    """Run one statement on the server's ``postgres`` database (never the test database's
    connection, which must stay free for pytest-django to drop it at the end)."""
    import psycopg

    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(sql)  # type: ignore[arg-type]


@pytest.fixture
def fresh_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="motcua.settings")
    s = connection.settings_dict
    name = f"motcua_crash_{os.getpid()}"
    postgres = connection.vendor == "postgresql"
    if postgres:
        _maintenance(s, f'DROP DATABASE IF EXISTS "{name}"')
        _maintenance(s, f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{name}"
    subprocess.run([MOTCUA, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    yield env
    if postgres:
        _maintenance(s, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scenario(env: dict[str, str], *args: str) -> str:
    cmd = [sys.executable, "-m", "tests.sync.scenario", *args]
    return subprocess.run(cmd, env=env, check=True, cwd=ROOT, capture_output=True, text=True).stdout


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_a_killed_worker_loses_and_duplicates_nothing(
    fresh_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    env = {**fresh_env, "DVCQG_SYNC_URL": f"http://127.0.0.1:{port}/hoso", "SYNC_RETRY_BASE": "1"}
    scenario(env, "setup", str(COUNT))
    queued = json.loads(scenario(env, "state"))
    assert len(queued) == COUNT
    log = tmp_path / "received.jsonl"
    receiver = subprocess.Popen(
        [
            MOTCUA,
            "sync",
            "receiver",
            "--port",
            str(port),
            "--mode",
            "slow",
            "--delay",
            "0.05",
            "--log",
            str(log),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    worker_cmd = [MOTCUA, "sync", "run", "--batch", str(BATCH), "--lease", "3", "--poll", "0.2"]
    try:
        assert receiver.stdout is not None
        receiver.stdout.readline()  # listening
        first = subprocess.Popen(worker_cmd, env=env, cwd=ROOT)
        wait_for(lambda: len(lines(log)) >= 15, 60, "the first worker to send 15 dossiers")
        first.send_signal(signal.SIGKILL)  # mid-batch: its second batch is leased
        first.wait()
        at_kill = len(lines(log))
        assert at_kill < COUNT, "the worker finished before it could be killed"
        second = subprocess.Popen(worker_cmd, env=env, cwd=ROOT)
        try:
            wait_for(
                lambda: all(v[2] == "done" for v in json.loads(scenario(env, "state")).values()),
                90,
                "the outbox to drain",
            )
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
    finally:
        receiver.terminate()
        receiver.wait()

    final = json.loads(scenario(env, "state"))
    received = lines(log)
    keys = Counter(r["key"] for r in received)
    # every dossier arrived, in its newest version, under its own code
    assert {r["code"] for r in received} == set(final)
    for code, (revision, sent, state, sync_state, _attempts) in final.items():
        assert (sent, state, sync_state) == (revision, "done", "acknowledged")
        assert keys[f"{code}:{revision}"] >= 1
    assert all(r["key"].split(":")[0] == r["code"] for r in received)
    # the only repeats are rows the killed worker had leased but not settled
    repeats = sum(n - 1 for n in keys.values())
    assert repeats <= BATCH
