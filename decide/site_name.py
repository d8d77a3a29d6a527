"""The site's name, for words written outside a page: emails, their subjects, SMS.

Emails said the host ("Hello from decide.example.org!", or "testserver") and "Decide" where the
administrators had named their site. The name lives in the site identity (cms), which accounts
and notifications may not import; so a setting names where to read it, as METRICS_COLLECTORS
does: SITE_NAME_SOURCE, a dotted path to a callable returning the identity (anything with a
`name`) or the name itself. Without it, WAGTAIL_SITE_NAME.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string


def site_name() -> str:
    source: str = getattr(settings, "SITE_NAME_SOURCE", "")
    if source:
        found = import_string(source)()
        name = str(getattr(found, "name", found) or "").strip()
        if name:
            return name
    return str(settings.WAGTAIL_SITE_NAME)
