"""Poll, ballot, booth, receipt and results URLs (mounted at /polls/)."""

from django.urls import URLPattern, URLResolver, path

from . import views
from .results import views as results_views

app_name = "votes"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.poll_list, name="list"),
    path("<int:poll_id>/", views.poll_detail, name="detail"),
    path("<int:poll_id>/vote/", views.ballot, name="ballot"),
    path("<int:poll_id>/vote/confirm/", views.ballot_confirm, name="ballot_confirm"),
    path("<int:poll_id>/bulletin/", views.bulletin, name="bulletin"),
    path("<int:poll_id>/receipt/", views.receipt_check, name="receipt_check"),
    path("<int:poll_id>/booths/", views.booth_list, name="booth_list"),
    path("<int:poll_id>/booths/<int:booth_id>/", views.booth_desk, name="booth_desk"),
    path("<int:poll_id>/booths/<int:booth_id>/record/", views.booth_record, name="booth_record"),
    path("<int:poll_id>/booths/<int:booth_id>/tally/", views.booth_tally, name="booth_tally"),
    # results routes (results helper) below
    path("<int:poll_id>/results/", results_views.results_page, name="results"),
    path("<int:poll_id>/results/review/", results_views.results_review, name="results_review"),
    path("<int:poll_id>/results/publish/", results_views.results_publish, name="results_publish"),
    path("<int:poll_id>/turnout/", results_views.turnout_dashboard, name="turnout"),
    path(
        "<int:poll_id>/<slug:dataset>.<slug:fmt>.sha256",
        results_views.export_file_checksum,
        name="results_export_checksum",
    ),
    path("<int:poll_id>/<slug:dataset>.<slug:fmt>", results_views.export_file, name="results_export"),
    path(
        "processes/<int:process_id>/statistics/",
        results_views.process_statistics_page,
        name="process_statistics",
    ),
]
