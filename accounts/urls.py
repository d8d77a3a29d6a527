from django.urls import path

from . import phone_views, verification_views, views
from .desk import views as desk_views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("delete/", views.account_delete, name="delete"),
    path("verify/", verification_views.verify, name="verify"),
    path("verify/code/", verification_views.verify_code, name="verify_code"),
    path("officer/verify/", verification_views.assisted_verify, name="assisted_verify"),
    path("desk/", desk_views.desk, name="desk"),
    path("desk/end/", desk_views.desk_end, name="desk_end"),
    path("desk/acts/", desk_views.desk_acts_log, name="desk_acts"),
    path("code/", desk_views.code_login, name="code_login"),
    path("phone/", phone_views.phone_own, name="phone"),
    path("desk/phone/", phone_views.phone_at_desk, name="desk_phone"),
]
