"""Content Security Policy for every page, the admins' included: the site's strict policy, and for
/admin/ and /django-admin/ the strictest one their pages work under.

Wagtail's and Django's admin pages set style attributes (and Wagtail's scripts write inline styles
when they build widgets), so the admin policy allows inline styles. Scripts stay 'self' only, with
one exception made by hash: Wagtail's date-time widget renders an inline call
`initDateTimeChooser("id_…", {…});` beside each field (its page chooser: `new PageChooser("id_…",
{…});`); each such call found in the page, and only a call of exactly that shape, is allowed by its
SHA-256 hash. No other inline script, no eval, no third party. Wagtail's previews and choosers frame
our own pages (frame-src and frame-ancestors 'self'); images come from our media, data: and blob:
URLs. Checked in Chromium: tests/e2e/test_admin_csp.py (and the newsletter editor's page chooser:
tests/e2e/test_notifications_journey.py).
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
# Wagtail's widget initialisers: a known function, a field id, a JSON object of options; nothing else.
# (The page chooser, e.g. a newsletter's process, is built by `new PageChooser("id_…", {…});`.)
WIDGET_INIT = re.compile(r'(?:init(?:Date|Time|DateTime)Chooser|new PageChooser)\("[A-Za-z0-9_-]+", \{[^<>{}]*\}\);')


def widget_init_hashes(html: str) -> list[str]:
    """CSP hash sources of the inline widget initialisers Wagtail rendered into this page."""
    found = {script for script in INLINE_SCRIPT.findall(html) if WIDGET_INIT.fullmatch(script.strip())}
    return sorted(f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'" for script in found)


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin policy (settings.ADMIN_CONTENT_SECURITY_POLICY) for admin paths."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith(ADMIN_PREFIXES):
            directives: dict[str, Any] = dict(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
            content = getattr(response, "content", b"") if not getattr(response, "streaming", False) else b""
            if content and "html" in response.get("Content-Type", ""):
                hashes = widget_init_hashes(content.decode(response.charset or "utf-8", "replace"))
                directives["script-src"] = [*directives["script-src"], *hashes]
            parts.config = default_config(directives)
        return parts
