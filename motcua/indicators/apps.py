from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "motcua.indicators"
    label = "indicators"
    verbose_name = _("Chỉ số")

    def ready(self) -> None:
        # Count sources register themselves on import (sources.py, catalogue.py).
        from motcua.indicators import catalogue, sources  # noqa: F401
