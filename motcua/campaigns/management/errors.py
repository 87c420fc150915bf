"""One-line CLI errors with exit status 2."""

from __future__ import annotations

import datetime as dt
import sys
from typing import NoReturn


def fail(command: str, message: str) -> NoReturn:
    one_line = " ".join(str(message).strip("'\"").split())
    sys.stderr.write(f"motcua {command}: {one_line}\n")
    sys.exit(2)


def parse_date(command: str, option: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(command, f"{option}: ngày không hợp lệ {value!r} (YYYY-MM-DD)")
