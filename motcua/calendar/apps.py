from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "motcua.calendar"
    label = "workcalendar"
    verbose_name = _("Lịch làm việc")

    def ready(self) -> None:
        from motcua.calendar.models import CalendarOverride
        from motcua.calendar.services import clear_calendar_cache

        # Any change to the overrides invalidates this process's cached calendar.
        for signal in (post_save, post_delete):
            signal.connect(
                clear_calendar_cache,
                sender=CalendarOverride,
                dispatch_uid=f"workcalendar-clear-cache-{signal}",
            )
