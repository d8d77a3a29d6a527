from django.urls import path

from . import verification_views, views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("delete/", views.account_delete, name="delete"),
    path("verify/", verification_views.verify, name="verify"),
    path("verify/code/", verification_views.verify_code, name="verify_code"),
    path("officer/verify/", verification_views.assisted_verify, name="assisted_verify"),
]
