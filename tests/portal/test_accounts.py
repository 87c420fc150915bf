"""Citizen accounts: sign-up, sign-in (rate-limited like staff), kept apart from staff."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import reverse

from motcua.accounts.roles import Role, capabilities_of
from motcua.accounts.services import grant
from motcua.audit.models import AuditEvent
from motcua.dossiers import pii
from motcua.portal import citizens
from motcua.portal.models import CitizenProfile
from tests.portal.conftest import PASSWORD

SIGNUP = {
    "full_name": "Lê Văn Cường",
    "id_number": "0010 9100 0222",
    "email": "Cuong@Example.vn",
    "phone": "0987654321",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def test_a_citizen_signs_up_and_is_signed_in(client, db) -> None:
    response = client.post(reverse("portal:signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(username="cuong@example.vn")
    profile = user.citizen
    assert (profile.full_name, profile.id_masked) == ("Lê Văn Cường", "*********222")
    assert profile.id_hash == pii.id_hash("001091000222")
    assert "001091000222" not in profile.pii  # encrypted
    assert citizens.personal(profile)["SoGiayToChuHoSo"] == "001091000222"
    assert not profile.vneid_verified
    assert capabilities_of(user) == frozenset()
    assert AuditEvent.objects.filter(action="citizen.signup", actor=user).exists()
    assert client.get(reverse("portal:dossiers")).status_code == 200


def test_sign_up_names_what_is_wrong(client, db) -> None:
    bad = {**SIGNUP, "id_number": "12AB", "phone": "12", "password2": "khac"}
    page = client.post(reverse("portal:signup"), bad).content.decode()
    assert "12 chữ số" in page
    assert "Số điện thoại không hợp lệ" in page
    assert "Hai mật khẩu không khớp" in page
    assert not CitizenProfile.objects.exists()


def test_an_email_is_used_by_one_account_only(client, world) -> None:
    page = client.post(reverse("portal:signup"), {**SIGNUP, "email": "AN@example.vn"})
    assert "đã được dùng" in page.content.decode()


def test_a_citizen_signs_in_with_email_in_any_case(client, world) -> None:
    response = client.post(
        reverse("portal:signin"), {"username": " An@Example.VN ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dossiers")


def test_a_staff_account_cannot_sign_in_to_the_portal(client, world) -> None:
    officer = User.objects.create_user("motcua.officer", password=PASSWORD)
    grant(officer, Role.ONE_STOP_OFFICER)
    response = client.post(
        reverse("portal:signin"), {"username": "motcua.officer", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "không phải tài khoản công dân" in response.content.decode()


def test_a_citizen_given_a_staff_role_is_no_longer_a_citizen(world) -> None:
    grant(world.an, Role.UNIT_LEADER)
    assert not citizens.is_citizen(User.objects.get(pk=world.an.pk))


def test_portal_sign_in_is_rate_limited_like_staff_login(client, world, settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("portal:signin"), {"username": "an@example.vn", "password": "sai"})
    locked = client.post(
        reverse("portal:signin"), {"username": "an@example.vn", "password": PASSWORD}
    )
    assert locked.status_code == 200
    assert "tạm bị khóa" in locked.content.decode()


def test_sign_up_is_rate_limited_per_address(client, db, monkeypatch) -> None:
    monkeypatch.setattr("motcua.portal.views.SIGNUPS_PER_HOUR", 2)
    codes = []
    for i in range(3):
        response = client.post(reverse("portal:signup"), {**SIGNUP, "email": f"c{i}@example.vn"})
        codes.append(response.status_code)
        client.logout()
    assert codes == [302, 302, 429]
    assert CitizenProfile.objects.count() == 2


def test_signing_out_returns_to_the_portal(client, world) -> None:
    client.force_login(world.an)
    response = client.post(reverse("portal:signout"))
    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:dossiers")).status_code == 302
