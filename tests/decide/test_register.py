"""One register in Spanish: tú everywhere, allauth's pages and emails included (issue 17).

allauth's own Spanish catalogue says usted; accounts/allauth_words.py lists the messages Decide says
in tú instead. This walk goes through every page and email of signing up, confirming, signing in,
resetting the password and signing out, in Spanish, with the mistakes people make, and fails on any
form of usted left.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils.translation import trans_real

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Forms of usted that allauth's Spanish uses, and our own Spanish never does when it speaks to the reader.
USTED = re.compile(
    r"\b(usted|su (cuenta|contraseña|correo|dirección|código|usuario)|sus códigos|ingrese|introduzca|introdúzcalo|"
    r"ha olvidado|olvidó|verifique|confirme|inicie sesión|regístrese|desea|haga clic|póngase|le hemos|"
    r"debe escribir|ha iniciado|ha cerrado|ha confirmado|¿ya tiene|utilice|está seguro)\b",
    re.IGNORECASE,
)
PASSWORD = "Quipu-Trujillo-2027"


@pytest.fixture
def spanish() -> Client:
    call_command("compile_translations", verbosity=0)
    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


def _text(response: object) -> str:
    content: bytes = response.content  # type: ignore[attr-defined]
    return re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", content.decode(), flags=re.S)


def test_signing_up_in_and_out_and_resetting_the_password_says_tu(spanish: Client) -> None:
    seen: dict[str, str] = {}
    seen["sign up"] = _text(spanish.get("/accounts/signup/"))
    mismatch = {"email": "ana@example.org", "display_name": "Ana", "password1": PASSWORD, "password2": PASSWORD + "x"}
    seen["sign up, passwords differ"] = _text(spanish.post("/accounts/signup/", mismatch))
    assert "Escribe la misma contraseña" in seen["sign up, passwords differ"]
    signed_up = spanish.post("/accounts/signup/", {**mismatch, "password2": PASSWORD}, follow=True)
    seen["verification sent"] = _text(signed_up)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    assert link is not None
    seen["confirmation email"] = mail.outbox[-1].subject + "\n" + mail.outbox[-1].body
    seen["confirm page"] = _text(spanish.get(link.group(1)))
    seen["confirmed"] = _text(spanish.post(link.group(1), follow=True))
    seen["sign out page"] = _text(spanish.get("/accounts/logout/"))
    seen["signed out"] = _text(spanish.post("/accounts/logout/", follow=True))
    seen["sign in"] = _text(spanish.get("/accounts/login/"))
    seen["sign in, wrong password"] = _text(
        spanish.post("/accounts/login/", {"login": "ana@example.org", "password": "nope-nope-nope"})
    )
    assert "no son correctos" in seen["sign in, wrong password"]
    seen["password reset"] = _text(spanish.get("/accounts/password/reset/"))
    seen["password reset sent"] = _text(
        spanish.post("/accounts/password/reset/", {"email": "ana@example.org"}, follow=True)
    )
    seen["password reset email"] = mail.outbox[-1].subject + "\n" + mail.outbox[-1].body
    seen["bad reset link"] = _text(spanish.get("/accounts/password/reset/key/1-set-password/", follow=True))
    UserFactory(email="otra@example.org")
    seen["email already used"] = _text(spanish.post("/accounts/signup/", {**mismatch, "email": "otra@example.org"}))
    left = {page: sorted({m.group(0) for m in USTED.finditer(text)}) for page, text in seen.items()}
    left = {page: found for page, found in left.items() if found}
    assert not left, f"usted on Spanish pages and emails: {left}"
    assert "¿Olvidaste tu contraseña?" in seen["sign in"]
