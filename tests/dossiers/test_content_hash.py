"""One meaning of Dossier.content_hash for import and for local changes."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers.formats import canonical_text, to_json
from motcua.dossiers.history import content_hash
from motcua.dossiers.ingest import import_records
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.workflow import change_status
from tests.dossiers.conftest import hoso


@pytest.mark.django_db
def test_an_imported_dossier_hashes_like_its_import(catalogue) -> None:
    import_records([hoso()], source="a.json")
    dossier = Dossier.objects.get()
    assert content_hash(dossier) == dossier.content_hash


@pytest.mark.django_db
def test_reimporting_after_a_local_status_change_is_seen_as_a_change(catalogue) -> None:
    import_records([hoso(TrangThaiHoSo="4")], source="a.json")
    dossier = Dossier.objects.get()
    change_status(dossier.pk, Status.PROCESSED, actor="chuyen-vien")
    dossier.refresh_from_db()
    assert dossier.content_hash == content_hash(dossier)
    events_before = DossierEvent.objects.count()
    report = import_records([hoso(TrangThaiHoSo="4")], source="a.json")
    assert report.updated == 1
    assert DossierEvent.objects.count() == events_before + 1


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON_VALUES)
def test_the_json_texts_are_exactly_those_of_the_json_module(value: object) -> None:
    """The content hash is taken over this text: it must never change spelling."""
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    assert canonical_text({"v": value}) == json.dumps({"v": value}, sort_keys=True, **compact)
    assert to_json([value]) == json.dumps([value], **compact)
