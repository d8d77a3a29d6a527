"""Proposal actions that are not pages of a process (those are routed by ProcessPage): debate and offline."""

from django.urls import URLPattern

from proposals.debate.urls import urlpatterns as debate_urlpatterns
from proposals.followup.urls import urlpatterns as followup_urlpatterns
from proposals.offline.urls import urlpatterns as offline_urlpatterns

app_name = "proposals"

urlpatterns: list[URLPattern] = [*debate_urlpatterns, *offline_urlpatterns, *followup_urlpatterns]
