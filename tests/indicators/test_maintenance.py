"""The aggregates follow every dossier write in the writer's own transaction."""

import datetime as dt

import pytest

from motcua.dossiers.models import Channel, Status
from motcua.dossiers.services import create_dossier
from motcua.dossiers.workflow import change_status
from motcua.indicators.engine import compute
from motcua.indicators.facts import rebuild
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS
from tests.factories import AgencyFactory, ProcedureFactory
from tests.indicators.conftest import aggregate_totals

DAY = dt.date(2024, 8, 1)


@pytest.mark.django_db
def test_intake_and_status_changes_keep_the_aggregates_current() -> None:
    unit, procedure = AgencyFactory(), ProcedureFactory()
    received = dt.datetime(2024, 8, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    dossier = create_dossier(
        procedure=procedure,
        unit=unit,
        channel=Channel.ONLINE,
        actor="mot-cua",
        applicant_name="Trần Thị Bình",
        received_at=received,
    )
    change_status(dossier.pk, Status.PROCESSING, actor="chuyen-vien")
    change_status(
        dossier.pk, Status.PROCESSED, actor="chuyen-vien", at=received + dt.timedelta(hours=2)
    )
    figures = compute(FORMULA_SETS["plan"], {unit.pk: {unit.pk}}, Period(DAY, DAY))
    resolved = next(f for f in figures if f.indicator.code == "online_resolved")
    assert (resolved.numerator, resolved.denominator) == (1, 1)
    live = aggregate_totals()
    rebuild()
    assert live == aggregate_totals()
