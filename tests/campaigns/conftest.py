"""A small province for campaign tests: two agencies and a district with dossiers in a
baseline (July 2024) and a campaign (September 2024)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from motcua.indicators.facts import rebuild
from motcua.units.models import Level
from tests.indicators.conftest import at, make_dossier, make_unit, procedure  # noqa: F401


def dossiers(unit, proc, day: str, online: int, total: int) -> None:
    for i in range(total):
        make_dossier(unit, proc, channel=2 if i < online else 1, received_at=at(day))


@pytest.fixture
def province(db, procedure) -> dict[str, Any]:  # noqa: F811
    a1 = make_unit("H67.01")
    a2 = make_unit("H67.02")
    d1 = make_unit("H67.30", Level.DISTRICT)
    dossiers(a1, procedure, "2024-07-10", 5, 10)  # baseline 50%
    dossiers(a2, procedure, "2024-07-10", 2, 10)  # baseline 20%
    dossiers(d1, procedure, "2024-07-10", 1, 10)  # baseline 10%
    dossiers(a1, procedure, "2024-09-03", 8, 10)  # campaign week 1: 80%
    dossiers(a2, procedure, "2024-09-03", 3, 10)  # 30%
    dossiers(d1, procedure, "2024-09-03", 3, 10)  # 30%
    rebuild()
    return {"a1": a1, "a2": a2, "d1": d1, "procedure": procedure}


SPEC: dict[str, Any] = {
    "name": "Chiến dịch thử",
    "plan": {"number": "1/KH-TEST", "date": "2024-08-20", "issuer": "Sở TTTT"},
    "period": {"from": "2024-09-01", "to": "2024-09-30"},
    "baseline": {"from": "2024-07-01", "to": "2024-07-31"},
    "scope": {"levels": ["agency", "district"]},
    "indicators": ["online_received"],
    "min_dossiers": 5,
    "targets": [
        {"indicator": "online_received", "level": "agency", "increase": 20},
        {"indicator": "online_received", "level": "district", "increase": 10},
        {"indicator": "online_received", "unit": "H67.02", "absolute": 25},
    ],
}


@pytest.fixture
def spec_file(tmp_path: Path):
    def write(spec: dict[str, Any] | None = None, name: str = "c.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(spec if spec is not None else SPEC, ensure_ascii=False))
        return path

    return write
