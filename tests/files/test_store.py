"""The personal data store: items by ID hash or account, reuse sets the flags the
digitization indicators count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Channel, DossierEvent
from motcua.dossiers.services import create_dossier
from motcua.files import services, store
from motcua.files.models import Attachment, StoreItem
from motcua.indicators.engine import compute
from motcua.indicators.period import Period
from motcua.indicators.registry import FORMULA_SETS
from tests.factories import BASE, AgencyFactory, ProcedureFactory
from tests.files.conftest import MINIMAL_PDF, image_bytes

ALICE_ID = "001090012345"


@pytest.fixture
def unit():
    return AgencyFactory()


def counter_dossier(unit, applicant_id=ALICE_ID, **kwargs):
    return create_dossier(
        procedure=kwargs.pop("procedure", None) or ProcedureFactory(),
        unit=unit,
        channel=Channel.COUNTER,
        actor="test",
        applicant_name="Nguyễn Thị An",
        applicant_id=applicant_id,
        received_at=BASE,
        **kwargs,
    )


def indicator(unit, code):
    period = Period(dt.date(2024, 8, 1), dt.date(2024, 8, 31))
    figures = compute(FORMULA_SETS["plan"], {unit.pk: {unit.pk}}, period)
    found = next(f for f in figures if f.indicator.code == code)
    return found.numerator, found.denominator


@pytest.mark.django_db
def test_items_are_found_by_id_number_or_by_account() -> None:
    alice = User.objects.create_user("alice.citizen")
    pdf = services.store_bytes(MINIMAL_PDF, "cccd.pdf", actor="test")
    png = services.store_bytes(image_bytes("PNG"), "anh.png", actor="test")
    by_id = store.store_component(store.owner(applicant_id=ALICE_ID), pdf, code="TP01", actor="t")
    by_account = store.store_component(store.owner(account=alice), png, actor="t")
    assert list(store.items_for(store.owner(applicant_id=" 0010 9001 2345 "))) == [by_id]
    assert list(store.items_for(store.owner(account=alice))) == [by_account]
    both = store.owner(applicant_id=ALICE_ID, account=alice)
    assert set(store.items_for(both)) == {by_id, by_account}
    assert not store.items_for(store.owner(applicant_id="079000000001")).exists()


@pytest.mark.django_db
def test_storing_the_same_file_twice_keeps_one_item() -> None:
    pdf = services.store_bytes(MINIMAL_PDF, "cccd.pdf", actor="test")
    who = store.owner(applicant_id=ALICE_ID)
    first = store.store_component(who, pdf, code="TP01", actor="t")
    assert store.store_component(who, pdf, code="TP01", actor="t") == first
    assert StoreItem.objects.count() == 1


@pytest.mark.django_db
def test_a_store_item_needs_an_owner() -> None:
    pdf = services.store_bytes(MINIMAL_PDF, "cccd.pdf", actor="test")
    with pytest.raises(ValueError, match="owner"):
        store.store_component(store.Owner(), pdf, actor="t")


@pytest.mark.django_db
def test_reuse_sets_the_flags_and_the_indicators_count_it(unit) -> None:
    earlier = counter_dossier(unit)
    result = services.store_bytes(MINIMAL_PDF, "giay_phep.pdf", actor="test")
    item = store.store_result(
        store.owner_of(earlier),
        result,
        title="Giấy phép",
        code="KQ-1",
        source_dossier=earlier,
        actor="test",
    )
    later = counter_dossier(unit)
    other = counter_dossier(unit, applicant_id="079000000001")
    assert (later.reused, later.from_data_store) == (False, False)
    assert indicator(unit, "reused") == (0, 3)

    reused = store.reuse(item, later, actor="officer")

    assert (reused.reused, reused.from_data_store, reused.has_digitized_component) == (
        True,
        True,
        True,
    )
    component = reused.components[-1]
    assert component["DuocLayTuKhoDMQG"] == "1"
    assert component["DuocTaiSuDung"] == "1"
    assert component["MaKetQuaThayThe"] == "KQ-1"
    assert component["DuongDanTaiTepTin"] == services.file_link(result)
    event = reused.events.get(seq=2)
    assert event.kind == DossierEvent.Kind.UPDATED
    assert event.changes["reused"] == [False, True]
    assert Attachment.objects.filter(dossier=later, file=result).exists()
    assert AuditEvent.objects.filter(action="store.reuse", object_id=str(later.pk)).exists()
    # Counted through the aggregates the change refreshed (no rebuild).
    assert indicator(unit, "reused") == (1, 3)
    # Another applicant's dossier cannot take Alice's document.
    with pytest.raises(store.NotOwnersItem):
        store.reuse(item, other, actor="officer")


@pytest.mark.django_db
def test_reusing_the_same_item_twice_adds_it_once(unit) -> None:
    dossier = counter_dossier(unit)
    pdf = services.store_bytes(MINIMAL_PDF, "cccd.pdf", actor="test")
    item = store.store_component(store.owner_of(dossier), pdf, code="TP01", actor="t")
    store.reuse(item, dossier, actor="officer")
    again = store.reuse(item, dossier, actor="officer")
    assert len(again.components) == 1
    assert again.version == 2


@pytest.mark.django_db
def test_a_new_dossier_can_carry_a_reused_component_from_the_start(unit) -> None:
    pdf = services.store_bytes(MINIMAL_PDF, "cccd.pdf", actor="test")
    item = store.store_component(store.owner(applicant_id=ALICE_ID), pdf, code="TP01", actor="t")
    dossier = counter_dossier(unit, components=[store.reused_component(item)])
    assert (dossier.reused, dossier.from_data_store, dossier.all_components_filed) == (
        True,
        True,
        True,
    )
    assert indicator(unit, "reused") == (1, 1)
    # Not yet "digitized": the procedure issues a result and it has no file yet.
    assert indicator(unit, "digitized") == (0, 1)
