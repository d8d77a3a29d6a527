from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DecideConfig(AppConfig):
    """The project package as an app: templates, static files, commands shared by all."""

    default = True  # this module also holds the Django admin's config below
    name = "decide"
    verbose_name = "Decide"

    def ready(self) -> None:
        from .cache_pages import connect_signals

        connect_signals()  # Wagtail's publishing drops cached anonymous pages (decide.cache_pages)


class SuperuserAdminConfig(admin_apps.AdminConfig):
    """The Django admin with its site replaced: superusers only, no login form of its own (decide.admin_site)."""

    default = False  # named in INSTALLED_APPS explicitly; DecideConfig stays this module's default
    default_site = "decide.admin_site.SuperuserAdminSite"
