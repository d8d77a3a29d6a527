from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class DecideConfig(AppConfig):
    """The project package as an app: templates, static files, commands shared by all."""

    name = "decide"
    verbose_name = "Decide"


class SuperuserAdminConfig(AdminConfig):
    """The Django admin with its site replaced: superusers only, no login form of its own (decide.admin_site)."""

    default_site = "decide.admin_site.SuperuserAdminSite"
