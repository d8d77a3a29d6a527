"""The one follow-up route outside a process page: a proposal's attached file (namespace `proposals`)."""

from django.urls import path

from proposals.followup import views as followup_views

urlpatterns = [
    path("files/<int:attachment_id>/<str:name>", followup_views.attachment_file, name="attachment_file"),
]
