"""Public pages and actions of a bill's text, at /legislation/<draft id>/."""

from django.urls import path, register_converter
from django.urls.converters import UUIDConverter

from . import views

app_name = "legislation"


class _Key(UUIDConverter):
    pass


register_converter(_Key, "sectionkey")

urlpatterns = [
    path("<int:draft_id>/", views.draft_read, name="draft"),
    path("<int:draft_id>/articles/<sectionkey:key>/", views.article, name="article"),
    path("<int:draft_id>/articles/<sectionkey:key>/annotate/", views.annotate, name="annotate"),
    path("<int:draft_id>/articles/<sectionkey:key>/amend/", views.amend, name="amend"),
    path("<int:draft_id>/amendments/<int:amendment_id>/", views.amendment_detail, name="amendment"),
    path("<int:draft_id>/amendments/<int:amendment_id>/support/", views.amendment_support, name="amendment_support"),
    path("<int:draft_id>/amendments/<int:amendment_id>/decide/", views.amendment_decide, name="amendment_decide"),
    path("<int:draft_id>/annotations/<int:annotation_id>/debate/", views.annotation_debate, name="annotation_debate"),
    path("<int:draft_id>/versions/", views.versions, name="versions"),
    path("<int:draft_id>/versions/new/", views.version_create, name="version_create"),
    path("<int:draft_id>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:draft_id>/versions/<int:number>.<str:fmt>", views.version_download, name="version_download"),
    path("<int:draft_id>/diff/", views.diff, name="diff"),
    path("<int:draft_id>/data.json", views.data_download, name="data"),
    path("<int:draft_id>/SHA256SUMS", views.checksums, name="checksums"),
]
