"""Site URLs: accounts, health, admin, app routes; Wagtail serves the page tree last."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import login_views
from cms import views as cms_views
from decide import metrics, views
from decide.api import api, api_docs

handler400 = "decide.views.bad_request"
handler403 = "decide.views.permission_denied"
handler404 = "decide.views.page_not_found"
handler500 = "decide.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The site identity: its colours as a stylesheet, and the favicon browsers ask for unprompted.
    path("favicon.ico", cms_views.favicon, name="favicon"),
    path("", include("cms.urls")),
    # One sign-in path (allauth's): the admins' own login forms only send people there.
    path("admin/login/", login_views.to_allauth_login, name="admin_login_elsewhere"),
    path("django-admin/login/", login_views.to_allauth_login, name="django_admin_login_elsewhere"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    # allauth's sign-in view, answering 429 when its failed-sign-in limit refuses (same URL and name).
    path("accounts/login/", login_views.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("proposals/", include("proposals.urls")),
    path("legislation/", include("legislation.urls")),
    path("polls/", include("votes.urls")),
    path("api/v1/docs", api_docs, name="api_docs"),
    path("api/v1/", api.urls),
]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    from django.views.static import serve

    # Django's static() helper adds nothing unless DEBUG: written out for `make run`, whose DEBUG is off.
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

# Wagtail last: it serves the page tree, and process pages route their own proposal URLs.
urlpatterns += [
    # Wagtail's front-end login (private pages) is a sign-in form too: allauth's instead.
    path("_util/login/", login_views.to_allauth_login, name="wagtailcore_login_elsewhere"),
    path("", include(wagtail_urls)),
]
