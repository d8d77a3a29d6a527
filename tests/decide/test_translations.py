"""Spanish and French are complete: every catalogue entry translated, nothing in the source left out,
and the main pages a citizen meets read in the chosen language with no English left.

The catalogue checks need only polib; the extraction check runs Django's makemessages into a copy of
the catalogues and is skipped where GNU gettext (xgettext, msgmerge) is not installed.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils.translation import trans_real

from tests.factories import CommentFactory, PollFactory, ProposalFactory, UserFactory, VerifiedUserFactory

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ("es", "fr")
PLURAL_FORMS = {"es": "nplurals=2; plural=(n != 1);", "fr": "nplurals=2; plural=(n > 1);"}
# Same folders `make messages` leaves out.
# "locale" too: makemessages adopts every folder named locale that it walks into as a place to
# write, which would rewrite the committed catalogues (line references) instead of the copy.
IGNORED = [".venv", "bench", "tests", "staticfiles", "node_modules", "locale"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}|<[^>]+>")


def _catalogue(language: str, locale_dir: Path = LOCALE_DIR) -> polib.POFile:
    return polib.pofile(str(locale_dir / language / "LC_MESSAGES" / "django.po"))


def _untranslated(po: polib.POFile) -> list[str]:
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags or not forms or not all(form.strip() for form in forms):
            missing.append(entry.msgid)
    return missing


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_of_the_catalogue_is_translated_and_not_fuzzy(language: str) -> None:
    po = _catalogue(language)
    assert len(po) > 100, "the catalogue looks empty: run `make messages`"
    missing = _untranslated(po)
    assert not missing, f"{len(missing)} untranslated or fuzzy entries in {language}: {missing[:20]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder_and_tag(language: str) -> None:
    po = _catalogue(language)
    broken = []
    for entry in po.translated_entries():
        pairs = (
            [(entry.msgid, entry.msgstr)]
            if not entry.msgid_plural
            else [
                (entry.msgid, entry.msgstr_plural.get(0, "")),
                (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
            ]
        )
        for source, translation in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                broken.append((source, translation))
    assert not broken, broken[:10]


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_header_names_the_language_and_its_plural_rule(language: str) -> None:
    po = _catalogue(language)
    assert po.metadata["Language"] == language
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert po.metadata["Plural-Forms"] == PLURAL_FORMS[language]


@pytest.mark.skipif(not (shutil.which("xgettext") and shutil.which("msgmerge")), reason="GNU gettext is not installed")
def test_no_string_of_the_source_is_missing_from_the_catalogues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `make messages` would extract now is already in the committed catalogues, translated."""
    # makemessages writes each file's strings to the first locale path whose parent folder holds the file,
    # so the copy must sit directly in the project folder (hidden: makemessages does not walk into it).
    copy = Path(settings.BASE_DIR) / f".locale-check-{tmp_path.name}"
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    before = {language: (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").read_bytes() for language in TRANSLATED}
    monkeypatch.chdir(settings.BASE_DIR)
    try:
        with override_settings(LOCALE_PATHS=[copy]):
            call_command(
                "makemessages", locale=list(TRANSLATED), ignore_patterns=IGNORED, no_obsolete=True, verbosity=0
            )
        catalogues = {language: _catalogue(language, copy) for language in TRANSLATED}
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    for language in TRANSLATED:
        assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").read_bytes() == before[language]
        missing = _untranslated(catalogues[language])
        assert not missing, (
            f"{len(missing)} strings of the source are new or changed and not translated in {language} "
            f"(run `make messages` and translate them): {missing[:20]}"
        )


# --- the pages, rendered ----------------------------------------------------------------------

# Words of English running text that do not occur in Spanish or French text.
ENGLISH_WORDS = re.compile(
    r"\b(the|your|you|with|this|and|of|is|are|was|be|have|will|can|not|to|from|which|when|there|please|yet|by)\b",
    re.IGNORECASE,
)
# The language switcher names each language in itself; "No" is an option label of the factory's poll (content);
# "Vote" is French too (the phase: le vote).
ALLOWED = {"English", "No", "Vote"}
TEXT_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code"):  # code: identifiers such as API parameter names
            self.hidden += 1
        for name, value in attrs:
            if value and (name in TEXT_ATTRIBUTES or (name.startswith("data-") and name.endswith("label"))):
                self.texts.append(value)
            if name == "value" and value and dict(attrs).get("type") in ("submit", "button"):
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def _english_left(html: str, english_sources: set[str]) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return [
        text for text in parser.texts if text not in ALLOWED and (text in english_sources or ENGLISH_WORDS.search(text))
    ]


@pytest.fixture
def compiled_catalogues() -> None:
    """`make test` compiles first; compile here too so the test stands alone, and drop cached catalogues."""
    call_command("compile_translations", verbosity=0)
    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_the_citizen_pages_show_no_english(language: str, compiled_catalogues: None) -> None:
    proposal: Any = ProposalFactory()
    CommentFactory(proposal=proposal)
    poll: Any = PollFactory()
    process: Any = proposal.process
    citizen: Any = VerifiedUserFactory()
    english_sources = {
        " ".join(entry.msgid.split())
        for entry in _catalogue(language).translated_entries()
        if entry.msgstr.strip() != entry.msgid.strip()
    }
    visitor_pages = [
        process.url,
        process.proposal_url(proposal),
        "/polls/",
        f"/polls/{poll.pk}/",
        f"/polls/{poll.pk}/receipt/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/api/v1/docs",
        "/no-such-page/",
    ]
    citizen_pages = [
        process.url,
        process.proposal_url(proposal),
        process.proposal_url(proposal, "proposal_flag"),
        str(process.url) + "submit/",
        f"/polls/{poll.pk}/",
        f"/polls/{poll.pk}/vote/",
        "/accounts/profile/",
        "/accounts/verify/",
    ]
    unverified: Any = UserFactory()
    found: dict[str, list[str]] = {}
    for user, pages in ((None, visitor_pages), (citizen, citizen_pages), (unverified, ["/accounts/verify/"])):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if user is not None:
            client.force_login(user)
        for url in pages:
            response = client.get(url, follow=True)
            assert response.status_code in (200, 403, 404), (url, response.status_code)
            assert f'lang="{language}"' in response.content.decode()[:300], url
            left = _english_left(response.content.decode(), english_sources)
            if left:
                found[url] = left
    assert not found, f"English text on pages rendered in {language}: {found}"
