"""Proposal actions that are not pages of a process (pages are routed by ProcessPage)."""

from django.urls import path

app_name = "proposals"

urlpatterns: list = [
    # filled by the proposals and debate work
]

from .debate_urls import urlpatterns as debate_urlpatterns  # noqa: E402 - the debate's own routes

urlpatterns += debate_urlpatterns
