"""Roles and unit scope are assigned in the admin; API keys are revoked there."""

from django.test import Client

from motcua.accounts.models import ApiKey, UnitAssignment
from motcua.accounts.services import create_api_key
from motcua.audit.models import AuditEvent
from tests.accounts.cast import Cast


def test_an_administrator_assigns_units_and_roles_on_the_user_page(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.root)
    url = f"/admin/auth/user/{cast.dave.pk}/change/"
    page = client.get(url).content.decode()
    assert "Đơn vị phụ trách" in page and "unit_assignments-TOTAL_FORMS" in page
    assert "Lãnh đạo đơn vị" in page  # the role groups are offered
    form = {
        "username": "dave",
        "is_active": "on",
        "groups": [str(g) for g in cast.bob.groups.values_list("pk", flat=True)],
        "date_joined_0": "01/01/2025",
        "date_joined_1": "08:00:00",
        "unit_assignments-TOTAL_FORMS": "1",
        "unit_assignments-INITIAL_FORMS": "0",
        "unit_assignments-MIN_NUM_FORMS": "0",
        "unit_assignments-MAX_NUM_FORMS": "1000",
        "unit_assignments-0-unit": str(cast.d2.pk),
        "unit_assignments-0-user": str(cast.dave.pk),
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert UnitAssignment.objects.filter(user=cast.dave, unit=cast.d2).exists()
    assert set(cast.dave.groups.values_list("name", flat=True)) == {"Lãnh đạo đơn vị"}


def test_keys_are_revoked_from_the_admin_and_the_revocation_is_audited(cast: Cast) -> None:
    key, _ = create_api_key("kho", [cast.d1], actor="test")
    client = Client()
    client.force_login(cast.root)
    response = client.post(
        "/admin/accounts/apikey/",
        {"action": "revoke", "_selected_action": [str(key.pk)]},
    )
    assert response.status_code == 302
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action="apikey.revoke", actor=cast.root).exists()
    assert client.get("/admin/accounts/apikey/add/").status_code == 403
