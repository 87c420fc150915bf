"""Two officers at once (PostgreSQL: SQLite serialises writers with a database lock)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from motcua.dossiers.models import Channel, Dossier, DossierEvent, Status
from motcua.dossiers.workflow import WorkflowError
from motcua.onestop import services
from tests.onestop.conftest import build_desk


def race(*actions: Callable[[], Any]) -> tuple[list[Any], list[Exception]]:
    barrier = threading.Barrier(len(actions))
    results: list[Any] = []
    errors: list[Exception] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers with a database lock")


@pytest.mark.django_db(transaction=True)
def test_two_officers_acting_at_once_one_wins_the_other_is_refused(postgres):
    desk = build_desk()
    dossier = desk.receive()
    services.start_processing(dossier.pk, actor=desk.nam)
    seen = Dossier.objects.get(pk=dossier.pk).version
    results, errors = race(
        lambda: services.request_supplement(
            dossier.pk, "Bổ sung", actor=desk.nam, expected_version=seen
        ),
        lambda: services.stop(
            dossier.pk, "Không đủ điều kiện", actor=desk.nam, expected_version=seen
        ),
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], WorkflowError)
    final = Dossier.objects.get(pk=dossier.pk)
    assert final.status in (Status.SUPPLEMENT_REQUESTED, Status.STOPPED)
    seqs = list(DossierEvent.objects.filter(dossier=final).values_list("seq", flat=True))
    assert seqs == list(range(1, final.version + 1)) and final.version == seen + 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_actions_at_once_apply_once(postgres):
    desk = build_desk()
    dossier = desk.receive()
    services.start_processing(dossier.pk, actor=desk.nam)
    results, errors = race(
        lambda: services.request_supplement(dossier.pk, "Bổ sung A", actor=desk.nam),
        lambda: services.request_supplement(dossier.pk, "Bổ sung B", actor=desk.nam),
    )
    assert len(results) == 1 and len(errors) == 1
    final = Dossier.objects.get(pk=dossier.pk)
    assert final.supplement_count == 1
    assert DossierEvent.objects.filter(dossier=final).count() == final.version


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_intake_at_once_creates_one_dossier(postgres):
    desk = build_desk()

    def submit() -> Dossier:
        dossier, _ = services.receive_at_counter(
            key="same-form",
            officer=desk.mai,
            unit=desk.commune,
            procedure=desk.procedure,
            channel=Channel.COUNTER,
            applicant={"applicant_name": "Nguyễn Văn An"},
        )
        return dossier

    results, errors = race(submit, submit, submit)
    assert errors == []
    assert len({d.pk for d in results}) == 1 and Dossier.objects.count() == 1
