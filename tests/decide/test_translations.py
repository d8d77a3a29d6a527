"""Spanish and French are complete: every catalogue entry translated, nothing in the source left out,
and the main pages a citizen meets read in the chosen language with no English left.

The catalogue checks need only polib; the extraction check runs Django's makemessages into a copy of
the catalogues and is skipped where GNU gettext (xgettext, msgmerge) is not installed.
"""

from __future__ import annotations

import gettext
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import django as django_root
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils.translation import trans_real

from accounts.allauth_words import ALLAUTH_MESSAGES
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
def test_no_string_of_the_source_is_missing_from_the_catalogues(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `make messages` would extract now is already in the committed catalogues, translated."""
    # makemessages writes each file's strings to the first locale path whose parent folder holds the file,
    # so the copy must sit directly in the project folder (hidden: makemessages does not walk into it).
    # A name of its own: CI runs the SQLite and PostgreSQL passes side by side, in the same folder.
    copy = Path(tempfile.mkdtemp(prefix=".locale-check-", dir=settings.BASE_DIR))
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"), dirs_exist_ok=True)
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


# --- one meaning per message ----------------------------------------------------------------------

# English words that mean two things in Decide, or take two genders in Spanish or French, or that a library's
# screens use with a meaning of their own: a proposal is "Rechazada", so is an import, but a poll is "Clos" and a
# phase "Ouverte"; "Open" is a poll's state and the button that opens a notification; "Reports" are flags here
# and Wagtail's reports menu there. Every use names its meaning with pgettext ({% translate "…" context "…" %},
# pgettext_lazy("…", "…")), so the catalogue holds no bare entry for them. A new use without a context fails here.
AMBIGUOUS = frozenset(
    {
        "Accepted",
        "All",
        "Clear",
        "Closed",
        "Filter",
        "From",
        "In progress",
        "New",
        "Newest",
        "Open",
        "Preview",
        "Published",
        "Rejected",
        "Report",
        "Reports",
        "To",
        "Updated",
    }
)


@pytest.mark.parametrize("language", TRANSLATED)
def test_words_with_two_meanings_always_say_which(language: str) -> None:
    bare = sorted(
        {
            entry.msgid
            for entry in _catalogue(language)
            if not entry.obsolete and not entry.msgctxt and entry.msgid in AMBIGUOUS
        }
    )
    assert not bare, f"use pgettext (a msgctxt naming the meaning) for: {bare}"


def _library_catalogue(language: str) -> dict[str, set[str]]:
    """What Django, Wagtail and every other installed app translate, msgid -> their translations."""
    folders = [Path(django_root.__file__).parent / "conf" / "locale"]
    folders += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    found: dict[str, set[str]] = {}
    for folder in folders:
        mo = folder / language / "LC_MESSAGES" / "django.mo"
        if not mo.exists() or LOCALE_DIR in mo.parents:
            continue
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for key, text in catalog.items():
            if isinstance(key, str) and key and "\x04" not in key and text:
                found.setdefault(key, set()).add(text)
    return found


def test_no_bare_message_changes_what_a_library_says() -> None:
    """Our catalogue (LOCALE_PATHS) wins over every app's, so a bare msgid that Wagtail, Django or allauth also
    translates takes our wording on their screens too: "Reports" became "Denuncias" in Wagtail's reports menu.
    A shared msgid says what the library says, or carries a context of its own. Spanish, the site's language,
    where the audit found the leaks (French catalogues differ from ours by synonyms: "Se connecter" and
    "S'identifier"). The one deliberate exception: allauth's and Django's usted, said in tú
    (accounts/allauth_words.py)."""
    deliberate = {message for message in ALLAUTH_MESSAGES if isinstance(message, str)}
    theirs = _library_catalogue("es")
    leaks = {
        entry.msgid: (entry.msgstr, sorted(theirs[entry.msgid]))
        for entry in _catalogue("es")
        if not entry.obsolete
        and not entry.msgctxt
        and not entry.msgid_plural
        and entry.msgstr
        and "fuzzy" not in entry.flags
        and entry.msgid in theirs
        and entry.msgid not in deliberate
        and entry.msgstr not in theirs[entry.msgid]
    }
    assert not leaks, f"bare messages that change a library's wording (ours, theirs): {leaks}"


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
