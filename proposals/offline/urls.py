"""URLs of offline participation (mounted in proposals.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("desk/support/", views.desk_support, name="desk_support"),
    path("desk/propose/", views.desk_propose, name="desk_propose"),
    path("<int:proposal_id>/sheets/new/", views.sheet_new, name="sheet_new"),
    path("sheets/<int:sheet_id>/", views.sheet_detail, name="sheet_detail"),
    path("<int:proposal_id>/print/", views.print_sheet, name="print_sheet"),
    path("sms/inbound/", views.sms_inbound, name="sms_inbound"),
]
