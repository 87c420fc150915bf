"""The demo's shape: campaign effect, dossier invariants, determinism, --if-empty."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from motcua.calendar.services import current_calendar
from motcua.demo.build import DEFAULT_SEED
from motcua.demo.plan import make_plan
from motcua.dossiers.models import Dossier, DossierEvent, Payment

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

pytestmark = pytest.mark.django_db


def online_rate(start: dt.date, end: dt.date) -> float:
    received = Dossier.objects.filter(
        received_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=TZ),
        received_at__lte=dt.datetime.combine(end, dt.time.max, tzinfo=TZ),
    )
    return received.filter(channel=2).count() / received.count()


def test_the_campaign_raises_the_provinces_online_rate(demo):
    first_half = online_rate(dt.date(2024, 1, 1), dt.date(2024, 7, 16))
    campaign = online_rate(dt.date(2024, 9, 1), dt.date(2024, 10, 31))
    assert campaign > first_half + 0.05


def test_every_dossier_has_version_1_and_one_created_event(demo):
    assert Dossier.objects.exclude(version=1).count() == 0
    events = DossierEvent.objects.filter(seq=1, kind="created")
    assert events.count() == DossierEvent.objects.count() == Dossier.objects.count()


def test_applicant_keys_are_the_folded_names(demo):
    """The dossier list searches names through applicant_key (docs/web-dossiers.md)."""
    from motcua.core.text import fold

    rows = Dossier.objects.values_list("applicant_name", "applicant_key")[:500]
    assert rows and all(key == fold(name) for name, key in rows)


def test_dossiers_are_consistent_with_their_status(demo):
    finished = [3, 7, 8, 9, 10]
    assert not Dossier.objects.filter(status__in=finished, finished_at__isnull=True).exists()
    assert (
        not Dossier.objects.exclude(status__in=finished).filter(finished_at__isnull=False).exists()
    )
    assert Dossier.objects.exclude(status__in=finished).exists()  # some still open at year end
    assert (
        Dossier.objects.filter(finished_at__gt=dt.datetime(2024, 12, 31, 17, tzinfo=TZ)).count()
        == 0
    )
    assert Dossier.objects.filter(due_at__isnull=True).count() == 0


def test_the_same_seed_gives_the_same_dossiers(demo):
    codes = "\n".join(Dossier.objects.order_by("id").values_list("code", flat=True))
    again = make_plan(DEFAULT_SEED, current_calendar())
    assert again.fingerprint() == demo.fingerprint
    assert hashlib.sha256("\n".join(d.code for d in again.dossiers).encode()).hexdigest() == (
        hashlib.sha256(codes.encode()).hexdigest()
    )


def test_if_empty_skips_a_database_that_has_data(demo, capsys):
    call_command("demo", "--if-empty")
    assert "nothing done" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("demo")


def test_the_dossier_tables_keep_their_indexes(demo):
    """The build sets the tables' secondary indexes aside while it loads (core.bulk) and
    builds them again: the tables end with the indexes the migrations gave them."""
    with connection.cursor() as cursor:
        for model in (Dossier, DossierEvent, Payment):
            table = model._meta.db_table
            found = connection.introspection.get_constraints(cursor, table)
            names = {n for n, c in found.items() if c["index"] and not c["primary_key"]}
            declared = {index.name for index in model._meta.indexes}
            assert declared <= names, table
            # SQLite reports an inline UNIQUE as a constraint, not an index.
            indexed = {tuple(c["columns"]) for c in found.values() if c["index"] or c["unique"]}
            for field in model._meta.concrete_fields:
                if (field.db_index or field.unique) and not field.primary_key:
                    assert (field.column,) in indexed, (table, field.column)
