"""Poll, ballot, booth, receipt and results URLs."""

from django.urls import path

app_name = "votes"

urlpatterns: list = [
    # filled by the voting and results work
]
