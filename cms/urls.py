from django.urls import path

from . import views

app_name = "cms"
urlpatterns = [
    path("identity.css", views.identity_css, name="identity_css"),
]
