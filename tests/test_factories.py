"""The factories build consistent objects, whatever traits are combined."""

from __future__ import annotations

import re

import pytest

from motcua.dossiers import pii
from motcua.dossiers.flags import derive_flags
from motcua.dossiers.history import content_hash
from motcua.dossiers.models import FINISHED_STATUSES, Channel, OnlinePaid, Status
from motcua.procedures.models import ServiceLevel
from motcua.units.codes import normalize_unit_code
from motcua.units.models import Level
from tests.factories import (
    AgencyFactory,
    CommuneFactory,
    DistrictFactory,
    DossierFactory,
    ProcedureFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")

STATE_TRAITS = {
    "submitted": Status.SUBMITTED,
    "received": Status.RECEIVED,
    "processing": Status.PROCESSING,
    "supplement_requested": Status.SUPPLEMENT_REQUESTED,
    "supplemented": Status.PROCESSING,
    "finished_on_time": Status.PROCESSED,
    "finished_late": Status.PROCESSED,
    "returned": Status.RETURNED,
    "refused": Status.REFUSED,
    "withdrawn": Status.WITHDRAWN,
}
FEATURE_TRAITS = ["online", "counter", "digitized", "reused", "paid_online"]


def assert_consistent(dossier):
    dossier.refresh_from_db()
    assert CODE.match(dossier.code), dossier.code
    assert dossier.code.startswith(dossier.unit.identifier + "-")
    flags = derive_flags(dossier.components, dossier.fees, dossier.results, dossier.supplements)
    assert {name: getattr(dossier, name) for name in flags} == flags
    assert (dossier.finished_at is not None) == (dossier.status in FINISHED_STATUSES)
    assert (dossier.received_at is None) == (dossier.status in {Status.SUBMITTED, Status.REFUSED})
    assert (dossier.due_at is None) == (dossier.received_at is None)
    assert (dossier.refused_at is not None) == (dossier.status == Status.REFUSED)
    assert (dossier.returned_at is not None) == (dossier.status == Status.RETURNED)
    for earlier, later in [
        ("submitted_at", "received_at"),
        ("received_at", "finished_at"),
        ("submitted_at", "finished_at"),
        ("finished_at", "returned_at"),
    ]:
        a, b = getattr(dossier, earlier), getattr(dossier, later)
        if a and b:
            assert a <= b, (earlier, later)
    assert dossier.version == 1
    assert list(dossier.events.values_list("seq", "kind")) == [(1, "created")]
    assert dossier.content_hash == content_hash(dossier)


@pytest.mark.parametrize("trait", sorted(STATE_TRAITS))
def test_each_state_trait_gives_its_status_with_matching_dates(trait):
    dossier = DossierFactory(**{trait: True})
    assert dossier.status == STATE_TRAITS[trait]
    assert_consistent(dossier)


@pytest.mark.parametrize("state", sorted(STATE_TRAITS))
@pytest.mark.parametrize("feature", FEATURE_TRAITS)
def test_state_and_feature_traits_combine_consistently(state, feature):
    assert_consistent(DossierFactory(**{state: True, feature: True}))


def test_finished_on_time_and_late_sit_either_side_of_the_due_date():
    on_time = DossierFactory(finished_on_time=True)
    late = DossierFactory(finished_late=True)
    assert on_time.finished_at <= on_time.due_at
    assert late.finished_at > late.due_at


def test_supplement_requested_has_one_open_request_and_supplemented_one_closed():
    waiting = DossierFactory(supplement_requested=True)
    done = DossierFactory(supplemented=True)
    assert waiting.supplement_count == 1
    assert waiting.supplements[0]["TrangThaiBoSung"] == "0"
    assert "NgayTiepNhanBoSung" not in waiting.supplements[0]
    assert done.supplements[0]["NgayTiepNhanBoSung"]
    assert done.supplements[0]["NgayHenTraTruoc"] < done.supplements[0]["NgayHenTraMoi"]


def test_feature_traits_set_the_derived_facts():
    assert DossierFactory(online=True).channel == Channel.ONLINE
    assert DossierFactory(counter=True).channel == Channel.COUNTER
    digitized = DossierFactory(digitized=True)
    assert digitized.has_digitized_component
    assert digitized.all_components_filed
    assert digitized.has_result_file
    reused = DossierFactory(reused=True)
    assert reused.reused
    paid = DossierFactory(paid_online=True, processing=True)
    assert paid.online_paid == OnlinePaid.NATIONAL
    assert paid.fee_total == 50_000
    assert paid.payments.get().state == "success"


def test_personal_data_is_encrypted_and_masked():
    dossier = DossierFactory(applicant_id="001099012345", phone="0912345678")
    assert dossier.applicant_id_masked == "*********345"
    assert dossier.phone_masked == "*******678"
    assert dossier.applicant_id_hash == pii.id_hash("001099012345")
    assert "001099012345" not in dossier.pii
    assert pii.reveal(dossier.pii)["SoGiayToChuHoSo"] == "001099012345"


def test_units_have_valid_codes_and_parent_links():
    province = UnitFactory()
    agency = AgencyFactory(parent=province)
    district = DistrictFactory(parent=province)
    commune = CommuneFactory(parent=district)
    assert province.level == Level.PROVINCE and not province.parent_links.exists()
    for child, parent, level in [
        (agency, province, Level.AGENCY),
        (district, province, Level.DISTRICT),
        (commune, district, Level.COMMUNE),
    ]:
        assert child.level == level
        assert child.parent_links.get().parent == parent
        assert normalize_unit_code(child.code) == child.code
        assert child.code.startswith(parent.code + ".")
        assert child.name_key


def test_commune_alone_builds_its_district_and_province():
    commune = CommuneFactory()
    district = commune.parent_links.get().parent
    assert district.level == Level.DISTRICT
    assert district.parent_links.get().parent.level == Level.PROVINCE


def test_procedure_has_a_dated_service_level_history():
    import datetime as dt

    procedure = ProcedureFactory(
        service_levels=[
            (dt.date(2022, 1, 1), ServiceLevel.PARTIAL),
            (dt.date(2024, 1, 1), ServiceLevel.FULL),
        ]
    )
    assert procedure.service_level_on(dt.date(2021, 6, 1)) == ServiceLevel.NONE
    assert procedure.service_level_on(dt.date(2023, 6, 1)) == ServiceLevel.PARTIAL
    assert procedure.service_level_on(dt.date(2024, 6, 1)) == ServiceLevel.FULL
    assert ProcedureFactory().service_level_on(dt.date(2024, 1, 1)) == ServiceLevel.FULL
    assert procedure.name_key
