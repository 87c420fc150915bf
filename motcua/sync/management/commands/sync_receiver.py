"""``motcua sync receiver --port P --mode ok|fail|timeout|slow [--delay S] [--log FILE]``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.sync.receiver import MODES, Receiver


class Command(BaseCommand):
    help = "Serve a stand-in DVCQG sync endpoint on 127.0.0.1 (tests and demo only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--mode", choices=MODES, default="ok")
        parser.add_argument("--delay", type=float, default=None, help="seconds (slow/timeout)")
        parser.add_argument("--log", type=Path, default=None, help="JSON line per request")

    def handle(self, *args: Any, **options: Any) -> None:
        mode = options["mode"]
        delay = options["delay"]
        if delay is None:
            delay = 30.0 if mode == "timeout" else 0.2
        try:
            server = Receiver(options["port"], mode, delay, options["log"])
        except OSError as exc:
            raise CommandError(f"cannot listen on 127.0.0.1:{options['port']}: {exc}") from None
        self.stdout.write(f"receiver on http://127.0.0.1:{options['port']}/ mode={mode}")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
