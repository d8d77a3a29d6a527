"""Debate actions, mounted with the other proposal actions under /proposals/ (namespace `proposals`)."""

from django.urls import path

from proposals.debate import views as debate_views

urlpatterns = [
    path("<int:proposal_id>/comments/", debate_views.comment_create, name="comment_create"),
    path("<int:proposal_id>/debate/lock/", debate_views.debate_lock, name="debate_lock"),
    path("comments/<int:comment_id>/edit/", debate_views.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", debate_views.comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/react/", debate_views.comment_react, name="comment_react"),
    path("comments/<int:comment_id>/flag/", debate_views.comment_flag, name="comment_flag"),
    path("comments/<int:comment_id>/moderate/", debate_views.comment_moderate, name="comment_moderate"),
]
