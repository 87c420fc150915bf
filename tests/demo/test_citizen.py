"""The demo has a citizen account with a document in its data store (README.md)."""

from django.contrib.auth import authenticate

from motcua.accounts.demo import DEMO_PASSWORD
from motcua.files import store
from motcua.portal import citizens
from motcua.portal.demo import DEMO_CITIZEN_EMAIL, create_demo_citizen


def test_the_demo_citizen_signs_in_and_has_a_stored_document(demo, db) -> None:
    user = authenticate(username=DEMO_CITIZEN_EMAIL, password=DEMO_PASSWORD)
    assert user is not None and citizens.is_citizen(user)
    items = store.items_for(store.owner(account=user))
    assert [i.title for i in items] == ["Bản sao căn cước công dân"]
    assert items[0].file.content.read(5) == b"%PDF-"
    assert create_demo_citizen() is None  # present: left alone
