from django.apps import AppConfig


class DecideConfig(AppConfig):
    """The project package as an app: templates, static files, commands shared by all."""

    name = "decide"
    verbose_name = "Decide"
