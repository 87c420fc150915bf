"""The demo province, built once for the tests of this package.

The build runs inside an outer transaction that is rolled back when the package's tests are
done, so later packages see an empty database again. Each test's own ``db`` transaction
nests inside it as a savepoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from pytest_django import DjangoDbBlocker

from motcua.demo.build import DEFAULT_SEED, Summary, build_demo


class _Rollback(Exception):
    pass


@pytest.fixture(scope="package")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Summary]:
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                summary = build_demo(DEFAULT_SEED)
                # Check the deferred foreign keys now, once, rather than at every test's end.
                connection.check_constraints()
                yield summary
                raise _Rollback
        except _Rollback:
            pass


@pytest.fixture(autouse=True)
def _signing_dir(settings: Any, tmp_path: Path) -> None:
    """``motcua demo`` creates a demo PKI: keep it out of the checkout's var/."""
    settings.SIGNING_DIR = tmp_path / "signing"
