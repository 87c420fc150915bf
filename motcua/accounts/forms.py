from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form; says so plainly when the rate limiter has locked the login."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Đăng nhập sai quá nhiều lần: tài khoản hoặc địa chỉ này tạm bị khóa. "
            "Vui lòng thử lại sau %(minutes)s phút."
        ),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "motcua_locked_out", False):
                raise ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"minutes": settings.LOGIN_FAILURE_WINDOW},
                ) from None
            raise
