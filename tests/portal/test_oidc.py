"""Signing in through an OpenID Connect provider (VNeID), against a fake provider on
127.0.0.1: accounts flagged VNeID-verified, found again by subject, linked to a signed-in
local account only when the ID numbers agree; forged tokens refused."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import User
from django.urls import reverse

from motcua.dossiers import pii
from motcua.portal import citizens
from motcua.portal.models import CitizenProfile
from tests.portal.conftest import AN_ID
from tests.portal.fake_oidc import FakeProvider

CLAIMS = {"sub": "vneid-0001", "identity_number": "038095001234", "name": "Phạm Thị Dung"}


@pytest.fixture
def provider(settings):
    with FakeProvider() as fake:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        yield fake


def sign_in(client, provider, claims):
    start = client.get(reverse("portal:oidc_start"))
    assert start.status_code == 302
    assert start["Location"].startswith(provider.url + "/authorize?")
    return client.get(provider.approve(start["Location"], claims))


def test_a_new_person_gets_a_vneid_verified_citizen_account(client, db, provider) -> None:
    response = sign_in(client, provider, CLAIMS)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dossiers")
    profile = CitizenProfile.objects.get(oidc_subject="vneid-0001")
    assert profile.vneid_verified and profile.verified_at is not None
    assert profile.full_name == "Phạm Thị Dung"
    assert profile.id_hash == pii.id_hash("038095001234")
    assert not profile.user.has_usable_password()
    assert client.get(reverse("portal:dossiers")).status_code == 200


def test_the_same_subject_signs_in_to_the_same_account(client, db, provider) -> None:
    sign_in(client, provider, CLAIMS)
    client.post(reverse("portal:signout"))
    sign_in(client, provider, CLAIMS)
    assert User.objects.count() == 1
    assert client.get(reverse("portal:dossiers")).status_code == 200


def test_a_signed_in_local_account_is_linked_and_verified(client, world, provider) -> None:
    client.force_login(world.an)
    sign_in(client, provider, {**CLAIMS, "sub": "vneid-an", "identity_number": AN_ID})
    profile = citizens.profile_of(User.objects.get(pk=world.an.pk))
    assert profile.vneid_verified and profile.oidc_subject == "vneid-an"
    assert CitizenProfile.objects.count() == 2  # An and Bình: no new account


def test_linking_is_refused_when_the_id_numbers_differ(client, world, provider) -> None:
    client.force_login(world.an)
    response = sign_in(client, provider, CLAIMS)
    assert response["Location"] == reverse("portal:signin") + "?loi=oidc"
    assert not CitizenProfile.objects.get(user=world.an).vneid_verified
    assert not CitizenProfile.objects.filter(oidc_subject="vneid-0001").exists()


def test_a_token_signed_with_another_key_is_refused(client, db, provider) -> None:
    provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = sign_in(client, provider, CLAIMS)
    assert response["Location"] == reverse("portal:signin") + "?loi=oidc"
    assert not User.objects.exists()


def test_claims_without_an_id_number_are_refused(client, db, provider) -> None:
    response = sign_in(client, provider, {"sub": "x", "name": "Không Số"})
    assert response["Location"] == reverse("portal:signin") + "?loi=oidc"
    assert not User.objects.exists()


def test_without_configuration_there_is_no_provider_sign_in(client, db, settings) -> None:
    settings.OIDC_RP_CLIENT_ID = ""
    assert client.get(reverse("portal:oidc_start")).status_code == 404
    assert "oidc-signin" not in client.get(reverse("portal:signin")).content.decode()


def test_the_sign_in_page_offers_the_provider_when_configured(client, db, provider) -> None:
    page = client.get(reverse("portal:signin")).content.decode()
    assert "Đăng nhập bằng VNeID" in page
