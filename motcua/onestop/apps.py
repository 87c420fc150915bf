from django.apps import AppConfig


class OnestopConfig(AppConfig):
    name = "motcua.onestop"
    label = "onestop"
    verbose_name = "Một cửa"

    def ready(self) -> None:
        from motcua.onestop import notifications

        notifications.connect()
