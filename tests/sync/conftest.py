"""Fixtures: the import catalogue and sample records of the dossier tests, and API sources."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from motcua.sync.models import InboundSource
from tests.dossiers.conftest import HUYEN, SO_TU_PHAP, catalogue, hoso  # noqa: F401


@pytest.fixture
def source(catalogue: dict[str, Any]) -> tuple[InboundSource, str]:  # noqa: F811
    """A source system scoped to Sở Tư pháp, and its clear API key."""
    key = secrets.token_urlsafe(24)
    src = InboundSource.objects.create(name="mot-cua-so", key_hash=InboundSource.hash_key(key))
    src.units.add(catalogue["units"][SO_TU_PHAP])
    return src, key


__all__ = ["HUYEN", "SO_TU_PHAP", "hoso"]
