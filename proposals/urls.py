"""Proposal actions that are not pages of a process (those are routed by ProcessPage): the debate's."""

from django.urls import URLPattern

from proposals.debate.urls import urlpatterns as debate_urlpatterns

app_name = "proposals"

urlpatterns: list[URLPattern] = [*debate_urlpatterns]
