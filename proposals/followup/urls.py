"""Follow-up routes outside a process page (namespace `proposals`): a proposal's attached file, and correcting or
removing one milestone or document (they name the object, whose proposal names the process page)."""

from django.urls import path

from proposals.followup import views as followup_views

urlpatterns = [
    path("files/<int:attachment_id>/<str:name>", followup_views.attachment_file, name="attachment_file"),
    path("attachments/<int:attachment_id>/edit/", followup_views.attachment_edit, name="attachment_edit"),
    path("attachments/<int:attachment_id>/delete/", followup_views.attachment_delete, name="attachment_delete"),
    path("milestones/<int:milestone_id>/edit/", followup_views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:milestone_id>/delete/", followup_views.milestone_delete, name="milestone_delete"),
]
