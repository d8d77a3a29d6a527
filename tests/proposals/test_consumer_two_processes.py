"""Beyond one process: a comment posted through server A reaches a viewer connected to server B.

Two real ASGI servers (daphne) share the PostgreSQL test database and Redis (the
pub/sub channel layer), as two application processes behind a proxy would.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.test import Client
from websockets.sync.client import connect as ws_connect

from proposals.models import Comment
from tests.factories import ProposalFactory, UserFactory
from tests.proposals.helpers import asgi_server

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _post_comment(port: int, *, session: str, proposal_id: int, body: str) -> int:
    token = "a" * 32  # an unmasked CSRF secret: cookie and form field must match
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "body": body, "stance": "for"}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/proposals/{proposal_id}/comments/",
        data=data,
        headers={"Cookie": f"sessionid={session}; csrftoken={token}", "Referer": f"http://127.0.0.1:{port}/"},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=15) as answer:
            status: int = answer.status
    except urllib.error.HTTPError as redirect:
        status = redirect.code
    return status


def test_a_comment_posted_through_one_process_reaches_a_viewer_on_another() -> None:
    proposal = ProposalFactory()
    author = UserFactory(display_name="Lucía")
    client = Client()
    client.force_login(author)
    session = client.cookies["sessionid"].value

    with asgi_server() as port_a, asgi_server() as port_b:
        uri = f"ws://127.0.0.1:{port_b}/ws/proposals/{proposal.pk}/"
        with ws_connect(uri, origin=f"http://127.0.0.1:{port_b}", open_timeout=15) as viewer:  # type: ignore[arg-type]
            status = _post_comment(port_a, session=session, proposal_id=proposal.pk, body="<p>Desde el servidor A</p>")
            assert status == 302
            event = json.loads(viewer.recv(timeout=15))
    comment = Comment.objects.get()
    assert event["kind"] == "comment.created" and event["data"]["comment"] == comment.pk
    assert "Desde el servidor A" in event["data"]["html"]["es"] and "Lucía" in event["data"]["html"]["es"]
