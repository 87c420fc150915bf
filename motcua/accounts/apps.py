from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "motcua.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self) -> None:
        from motcua.accounts import signals  # noqa: F401  (connects the login audit)
