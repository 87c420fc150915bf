"""Login and logout pages, the rate limiter, the audit of logins, CSRF and headers."""

import datetime as dt
import json
import os
import subprocess
import sys

from django.test import Client
from django.utils import timezone

from motcua.accounts.models import LoginAttempt
from motcua.audit.models import AuditEvent
from tests.accounts.cast import PASSWORD, Cast

LOCKED = "Đăng nhập sai quá nhiều lần"


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_the_login_page_speaks_vietnamese(client: Client, db: None) -> None:
    body = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập" in body
    assert "Tên đăng nhập" in body
    assert "Mật khẩu" in body


def test_a_good_login_redirects_home_and_is_audited(client: Client, cast: Cast) -> None:
    response = login(client, "bob", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor, event.data["ip"]) == (cast.bob, "10.0.0.1")
    home = client.get("/").content.decode()
    assert "Huyện Một" in home and "Xã Một" not in home  # assigned unit, not its subtree
    assert "2 đơn vị trong phạm vi" in home


def test_a_failed_login_is_audited_without_the_password(client: Client, cast: Cast) -> None:
    response = login(client, "bob", "sai-mat-khau")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="login-errors"' in body and "mật khẩu chính xác" in body
    assert LOCKED not in body
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.object_id == "bob"
    assert event.actor_label == "anonymous"
    assert "sai-mat-khau" not in json.dumps(event.data)


def test_five_failures_lock_the_username_even_with_the_right_password(
    client: Client, cast: Cast
) -> None:
    for _ in range(5):
        assert LOCKED not in login(client, "bob", "sai").content.decode()
    response = login(client, "bob", PASSWORD, ip="10.0.0.2")  # another address: still locked
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "15 phút" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed", data__locked=True).count() == 1
    # another account from the first address is not locked by bob's failures
    assert login(Client(), "alice", PASSWORD).status_code == 302


def test_the_lock_ends_when_the_failures_age_out(client: Client, cast: Cast) -> None:
    for _ in range(5):
        login(client, "bob", "sai")
    assert LOCKED in login(client, "bob", PASSWORD).content.decode()
    LoginAttempt.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert login(client, "bob", PASSWORD).status_code == 302


def test_a_success_resets_the_usernames_count(client: Client, cast: Cast) -> None:
    for _ in range(4):
        login(client, "bob", "sai")
    assert login(client, "bob", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        login(client, "bob", "sai")
    assert login(client, "bob", PASSWORD).status_code == 302


def test_failures_from_one_address_lock_that_address(client: Client, cast: Cast, settings) -> None:
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    for name in ("x1", "x2", "x3"):
        login(client, name, "sai", ip="10.9.9.9")
    assert LOCKED in login(client, "alice", PASSWORD, ip="10.9.9.9").content.decode()
    assert login(Client(), "alice", PASSWORD, ip="10.9.9.8").status_code == 302


def test_every_login_path_goes_through_the_limiter(client: Client, cast: Cast) -> None:
    for _ in range(5):
        assert not client.login(username="root", password="sai")
    assert not client.login(username="root", password=PASSWORD)
    admin = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert admin.status_code == 200  # the form again, not a redirect into the admin


def test_logout_is_a_post_and_is_audited(client: Client, cast: Cast) -> None:
    client.force_login(cast.alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=cast.alice).exists()
    assert "_auth_user_id" not in client.session


def test_the_login_form_needs_its_csrf_token(cast: Cast) -> None:
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert refused.status_code == 403
    page = strict.get("/accounts/login/")
    token = page.context["csrf_token"]
    accepted = strict.post(
        "/accounts/login/",
        {"username": "bob", "password": PASSWORD, "csrfmiddlewaretoken": str(token)},
    )
    assert accepted.status_code == 302


def test_pages_carry_a_strict_content_security_policy(client: Client, db: None) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    body = response.content.decode()
    assert "<script>" not in body and "onchange=" not in body and "<style" not in body


def _production_setting(name: str, **env: str) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='motcua.settings'; "
        f"from django.conf import settings; print(repr(getattr(settings, {name!r}, None)))"
    )
    environ = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_production_settings_send_hsts_and_secure_cookies() -> None:
    prod = {"DEBUG": "0", "DATABASE_URL": "postgres://u@db/motcua", "SECRET_KEY": "k" * 50}
    assert _production_setting("SECURE_HSTS_SECONDS", **prod) == "31536000"
    assert _production_setting("SESSION_COOKIE_SECURE", **prod) == "True"
    assert _production_setting("CSRF_COOKIE_SECURE", **prod) == "True"
    assert _production_setting("SECURE_HSTS_SECONDS", DEBUG="1") in ("0", "None")


def test_attempts_older_than_a_day_are_dropped_but_stay_in_the_audit(
    client: Client, cast: Cast
) -> None:
    login(client, "bob", "sai")
    LoginAttempt.objects.update(at=timezone.now() - dt.timedelta(days=2))
    login(client, "alice", "sai")
    assert list(LoginAttempt.objects.values_list("username", flat=True)) == ["alice"]
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 2
