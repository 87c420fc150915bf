"""A stand-in for DVCQG's sync endpoint, for tests and the demo (never for production).

``motcua sync receiver --port P --mode ok|fail|timeout|slow`` accepts ``POST`` on any path,
answers according to the mode, and appends one JSON line per request to ``--log`` with the
dossier code, the ``Idempotency-Key`` header and the answer given:

- ok: 200 ``{"status": "ok", "MaHoSo": ...}``
- fail: 500 with an error body (the worker must retry with backoff)
- timeout: never answers in time (sleeps ``--delay``, default 30 s, before answering 200)
- slow: answers 200 after ``--delay`` seconds (default 0.2)
Only 127.0.0.1 is served.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MODES = ("ok", "fail", "timeout", "slow")


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            code = str(json.loads(raw).get("hoSo", {}).get("MaHoSo", ""))
        except (ValueError, AttributeError):
            code = ""
        mode = self.server.mode
        if mode in ("slow", "timeout"):
            time.sleep(self.server.delay)
        status = 500 if mode == "fail" else 200
        body = {"status": "error", "message": "simulated failure"} if status == 500 else {}
        if status == 200:
            body = {"status": "ok", "MaHoSo": code}
        self.server.record(
            {"code": code, "key": self.headers.get("Idempotency-Key", ""), "status": status}
        )
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, mode: str, delay: float, log: Path | None) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        super().__init__(("127.0.0.1", port), _Handler)
        self.mode, self.delay, self.log = mode, delay, log
        self.received: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.received.append(entry)
            if self.log is not None:
                with self.log.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(entry) + "\n")
