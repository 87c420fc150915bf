from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "motcua.web"
    label = "web"

    def ready(self) -> None:
        from motcua.web import generation

        generation.connect()
