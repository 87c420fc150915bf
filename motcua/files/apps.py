from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "motcua.files"
    label = "files"
    verbose_name = _("Tệp và kho dữ liệu điện tử")

    def ready(self) -> None:
        from motcua.dossiers.signals import dossier_changed
        from motcua.files.results import keep_signed_results

        dossier_changed.connect(keep_signed_results, dispatch_uid="files.keep_signed_results")
