from django.urls import path

from . import views

urlpatterns = [
    path("", views.nothing),
    path("ballot/", views.ballot, name="ballot"),
    path("ballot/confirm/", views.confirm, name="confirm"),
]
