"""WSGI entry point: pages and forms can be served by gunicorn while /ws/ goes to ASGI."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "decide.settings.production")
application = get_wsgi_application()
