from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "motcua.files"
    label = "files"
    verbose_name = _("Tệp và kho dữ liệu điện tử")
