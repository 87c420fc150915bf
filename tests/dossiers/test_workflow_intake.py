"""Local intake (create_dossier): the TT 01/2018 code, the first version, personal data."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.calendar.services import current_calendar
from motcua.dossiers import pii, services
from motcua.dossiers.history import content_hash
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.dossiers.services import CODE_PATTERN, create_dossier
from tests.factories import VN, AgencyFactory, DossierFactory, ProcedureFactory, UnitFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2024, 8, 5, 9, 0, tzinfo=VN)


@pytest.fixture
def agency():
    return AgencyFactory(parent=UnitFactory(code="H44"), code="H44.07")


@pytest.fixture
def procedure():
    return ProcedureFactory()


def intake(procedure, unit, **kwargs):
    kwargs.setdefault("channel", Channel.COUNTER)
    kwargs.setdefault("actor", "motcua")
    return create_dossier(procedure=procedure, unit=unit, **kwargs)


def test_counter_intake_gets_a_tt01_code_numbered_per_unit_and_day(agency, procedure):
    first = intake(procedure, agency, received_at=MONDAY)
    second = intake(procedure, agency, received_at=MONDAY + dt.timedelta(hours=7))
    next_day = intake(procedure, agency, received_at=MONDAY + dt.timedelta(days=1))
    assert first.code == "000.00.07.H44-240805-0001"
    assert second.code == "000.00.07.H44-240805-0002"
    assert next_day.code == "000.00.07.H44-240806-0001"
    assert CODE_PATTERN.match(first.code)


def test_the_code_date_is_the_provinces_local_date_of_receipt(agency, procedure):
    # 23:30 UTC on 4 August is 06:30 on 5 August in Hà Nội.
    late_utc = dt.datetime(2024, 8, 4, 23, 30, tzinfo=dt.UTC)
    with timezone.override("UTC"):  # whatever zone a request activated
        assert intake(procedure, agency, received_at=late_utc).code.endswith("-240805-0001")


def test_units_number_their_dossiers_independently(agency, procedure):
    other = AgencyFactory(parent=agency.parent_links.get().parent)
    intake(procedure, agency, received_at=MONDAY)
    assert intake(procedure, other, received_at=MONDAY).code.endswith("-240805-0001")


def test_numbering_continues_after_imported_codes_and_past_9999(agency, procedure):
    DossierFactory(unit=agency, code="000.00.07.H44-240805-0041")
    assert intake(procedure, agency, received_at=MONDAY).code.endswith("-0042")
    DossierFactory(unit=agency, code="000.00.07.H44-240805-9999")
    assert intake(procedure, agency, received_at=MONDAY).code.endswith("-10000")
    assert intake(procedure, agency, received_at=MONDAY).code.endswith("-10001")


def test_intake_retries_with_the_next_number_when_an_import_took_it(agency, procedure, monkeypatch):
    DossierFactory(unit=agency, code="000.00.07.H44-240805-0001")
    real = services.next_sequence
    answers = iter([1])  # a stale answer first, as if an import landed in between

    monkeypatch.setattr(
        services, "next_sequence", lambda prefix: next(answers, None) or real(prefix)
    )
    dossier = intake(procedure, agency, received_at=MONDAY)
    assert dossier.code == "000.00.07.H44-240805-0002"
    assert dossier.events.count() == 1


def test_a_unit_without_a_dvcqg_code_cannot_receive_dossiers(procedure):
    unit = UnitFactory(code=None)
    with pytest.raises(ValueError, match="no DVCQG code"):
        intake(procedure, unit, received_at=MONDAY)
    assert not Dossier.objects.exists()


def test_counter_intake_is_received_with_its_due_date_from_the_calendar(agency, procedure):
    dossier = intake(procedure, agency, received_at=MONDAY)
    assert dossier.status == Status.RECEIVED
    assert dossier.submitted_at == dossier.received_at == MONDAY
    expected = current_calendar().due_at(MONDAY, procedure.time_limit, procedure.time_limit_unit)
    assert dossier.due_at == expected
    assert dossier.finished_at is None


def test_online_submission_waits_for_receipt_without_a_due_date(agency, procedure):
    dossier = intake(procedure, agency, channel=Channel.ONLINE, submitted_at=MONDAY)
    assert dossier.status == Status.SUBMITTED
    assert dossier.received_at is None and dossier.due_at is None
    assert dossier.code.endswith("-240805-0001")


def test_a_new_dossier_has_version_1_one_created_event_and_an_audit_record(agency, procedure):
    dossier = intake(procedure, agency, received_at=MONDAY, actor="motcua-counter")
    dossier.refresh_from_db()
    assert dossier.version == 1
    event = dossier.events.get()
    assert (event.seq, event.kind, event.actor_label) == (1, "created", "motcua-counter")
    assert event.changes["code"] == [None, dossier.code]
    assert event.changes["status"] == [None, Status.RECEIVED]
    record = AuditEvent.objects.get(action="dossier.create")
    assert record.object_id == str(dossier.pk) and record.data["code"] == dossier.code


def test_personal_data_is_stored_encrypted_and_shown_masked(agency, procedure):
    dossier = intake(
        procedure,
        agency,
        received_at=MONDAY,
        applicant_name="Trần Thị B",
        applicant_id="001099012345",
        phone="0912345678",
        email="b@example.vn",
    )
    dossier.refresh_from_db()
    assert dossier.applicant_id_masked == "*********345"
    assert dossier.phone_masked == "*******678"
    assert dossier.applicant_id_hash == pii.id_hash("001 099 012 345")
    assert "001099012345" not in dossier.pii and "b@example.vn" not in dossier.pii
    revealed = pii.reveal(dossier.pii)
    assert revealed["SoGiayToChuHoSo"] == "001099012345"
    assert revealed["Email"] == "b@example.vn"
    assert "001099012345" not in str(dossier.events.get().changes)


def test_the_content_hash_covers_the_stored_fields(agency, procedure):
    dossier = intake(procedure, agency, received_at=MONDAY, summary="Cấp bản sao")
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.content_hash == content_hash(stored) == dossier.content_hash
    stored.summary = "Cấp bản sao trích lục"
    assert content_hash(stored) != dossier.content_hash


def test_derived_flags_follow_the_components_and_fees(agency, procedure):
    dossier = intake(
        procedure,
        agency,
        received_at=MONDAY,
        components=[{"DuongDanTaiTepTin": "https://f/1.pdf", "DuocSoHoa": "1"}],
        fees=[{"Gia": "30000"}, {"Gia": "20000"}],
    )
    assert dossier.has_digitized_component and dossier.all_components_filed
    assert dossier.fee_total == 50_000


@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_at_one_unit_get_distinct_consecutive_codes():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers with a database lock")
    agency = AgencyFactory(parent=UnitFactory(code="H44"), code="H44.07")
    procedure = ProcedureFactory()
    workers = 6
    barrier = threading.Barrier(workers)
    codes: list[str] = []
    errors: list[Exception] = []

    def run() -> None:
        try:
            barrier.wait()
            codes.append(intake(procedure, agency, received_at=MONDAY).code)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(codes) == [f"000.00.07.H44-240805-{n:04d}" for n in range(1, workers + 1)]
