"""The site's own "page not found" and error pages, as the demo now shows them too (DEBUG off in `make run`)."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

pytestmark = pytest.mark.django_db


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom), path("", include("decide.urls"))]
handler500 = "decide.views.server_error"


def test_a_missing_page_is_the_sites_own_page_in_its_chrome(client: Client) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert 'href="#main"' in html  # the site's layout (skip link, header), not Django's debug page
    assert "Using the URLconf" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_an_error_is_the_sites_own_page_in_every_language() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Algo salió mal" in html and "Something went wrong" in html and "Traceback" not in html
