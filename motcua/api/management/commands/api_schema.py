"""``motcua api schema [--output FILE]``: the OpenAPI schema (committed as docs/openapi.json)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand


def schema_text() -> str:
    from motcua.api.main import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Print (or write) the JSON API's OpenAPI schema."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        text = schema_text()
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
