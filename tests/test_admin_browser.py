import pytest
from django.contrib.auth.models import User


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_signs_in_and_reads_the_catalogue_in_vietnamese(live_server, page) -> None:
    User.objects.create_superuser("quantri", "qt@example.vn", "mat-khau-dai-va-kho-doan-1")
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill("mat-khau-dai-va-kho-doan-1")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/admin/")
    body = page.locator("#content-main").text_content() or ""
    assert "Đơn vị" in body
    assert "Thủ tục hành chính" in body
    assert "Lịch làm việc" in body


@pytest.mark.django_db
def test_passwords_are_stored_hashed_with_scrypt() -> None:
    user = User.objects.create_user("canbo", password="mat-khau-dai-va-kho-doan-2")
    assert user.password.startswith("scrypt$")
    assert "mat-khau" not in user.password
