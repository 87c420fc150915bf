from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    label = "feedback"
    verbose_name = _("Phản ánh, kiến nghị và đánh giá")

    def ready(self) -> None:
        # Group 5's counts (and the plan's feedback_on_time, satisfaction): one source
        # under every feedback count name, so the engine asks it once per formula set.
        from motcua.feedback.indicators import COUNTS, FeedbackSource
        from motcua.indicators.sources import register

        source = FeedbackSource()
        for name in COUNTS:
            register(name, source)  # type: ignore[arg-type]
