from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "motcua.sync"
    label = "sync"
    verbose_name = _("Đồng bộ DVCQG")

    def ready(self) -> None:
        from motcua.dossiers.models import Dossier
        from motcua.dossiers.signals import dossier_changed, dossiers_imported
        from motcua.sync import outbox

        dossier_changed.connect(outbox.on_dossier_changed, sender=Dossier)
        dossiers_imported.connect(outbox.on_dossiers_imported, sender=Dossier)
