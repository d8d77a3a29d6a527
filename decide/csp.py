"""Content Security Policy for every page, the admins' included: the site's strict policy, and for
/admin/ and /django-admin/ the strictest one their pages work under.

Wagtail's and Django's admin pages set style attributes (and Wagtail's scripts write inline styles
when they build widgets), so the admin policy allows inline styles; scripts stay 'self' only, no
inline script and no eval, no third party. Wagtail's previews and choosers frame our own pages
(frame-src and frame-ancestors 'self'); images come from our media, data: and blob: URLs (uploads
previewed before they are sent). Checked in Chromium: tests/e2e/test_admin_csp.py.
"""

from __future__ import annotations

from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin policy (settings.ADMIN_CONTENT_SECURITY_POLICY) for admin paths."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith(ADMIN_PREFIXES):
            directives: dict[str, Any] = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
            parts.config = default_config(directives)
        return parts
