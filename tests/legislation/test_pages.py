"""A bill's pages driven the way a reader, a citizen and a moderator use them (Django test client, no JavaScript)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import MODERATOR
from legislation.models import Amendment, AmendmentStatus, Annotation, Draft, Section, Version
from proposals.models import Comment
from tests.factories import UserFactory, VerifiedUserFactory, legislation_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _article(draft: Draft, number: str) -> Section:
    return Section.objects.get(draft=draft, kind="article", number=number)


def test_reader_sees_the_bill_article_by_article_with_counts_and_calendar() -> None:
    draft = legislation_draft(articles=6)
    page = _client().get(reverse("legislation:draft", args=[draft.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for n in range(1, 7):
        assert f"Article {n}. Materia {n}" in html
    assert "Chapter II. De los usuarios" in html
    assert "Drafting calendar" in html and 'aria-current="step"' in html
    assert "Sign in to comment on the text." in html
    assert 'role="status"' in html


def test_citizen_comments_on_an_article_without_javascript() -> None:
    draft = legislation_draft(articles=5)
    citizen = UserFactory()
    article3 = _article(draft, "3")
    client = _client(citizen)
    page = client.get(reverse("legislation:draft", args=[draft.pk])).content.decode()
    assert reverse("legislation:annotate", args=[draft.pk, article3.key]) in page
    response = client.post(
        reverse("legislation:annotate", args=[draft.pk, article3.key]),
        {"body": "Falta decir quién controla los turnos.", "stance": "against", "quote": ""},
    )
    assert response.status_code == 302
    annotation = Annotation.objects.get()
    assert annotation.section == article3 and annotation.quote == ""
    # It is a comment of the bill's own debate (threads, moderation, flags come from there).
    assert annotation.comment.proposal == draft.proposal and annotation.comment.stance == "against"
    page = client.get(reverse("legislation:draft", args=[draft.pk])).content.decode()
    assert "Falta decir quién controla los turnos." in page
    section_html = page.split(f'id="s-{article3.key}"')[1].split("</section>")[0]
    assert '<span data-role="count">1</span>' in section_html
    # The debate link leads to the comment on the bill's debate page.
    debate = client.get(reverse("legislation:annotation_debate", args=[draft.pk, annotation.pk]))
    assert debate.status_code == 302 and f"#comment-{annotation.comment_id}" in debate["Location"]


def test_a_quoted_passage_must_be_part_of_the_article() -> None:
    draft = legislation_draft(articles=8)
    article7 = _article(draft, "7")
    client = _client(UserFactory())
    url = reverse("legislation:annotate", args=[draft.pk, article7.key])
    passage = "materia 7: el agua de riego"
    assert passage in article7.text
    ok = client.post(url, {"body": "Este pasaje es confuso.", "stance": "neutral", "quote": passage})
    assert ok.status_code == 302
    assert Annotation.objects.get().quote == passage
    forged = client.post(url, {"body": "Otro.", "stance": "neutral", "quote": "texto que no está en el artículo"})
    assert forged.status_code == 400
    assert "not part of this article" in forged.content.decode()
    assert Annotation.objects.count() == 1 and Comment.objects.count() == 1


def test_annotation_refused_outside_its_phase_with_a_reason() -> None:
    draft = legislation_draft(articles=3, phases_open=("amendments",))
    client = _client(UserFactory())
    response = client.post(
        reverse("legislation:annotate", args=[draft.pk, _article(draft, "1").key]), {"body": "Hola", "stance": "for"}
    )
    assert response.status_code == 403
    assert "only during the annotation phase" in response.content.decode()
    assert not Comment.objects.exists()


def test_amendment_journey_support_accept_version_and_diff() -> None:
    draft = legislation_draft(articles=6)
    article5 = _article(draft, "5")
    author = VerifiedUserFactory()
    client = _client(author)
    new_text = article5.text.replace("La junta regula", "La junta y la municipalidad regulan")
    response = client.post(
        reverse("legislation:amend", args=[draft.pk, article5.key]),
        {"text": new_text, "justification": "Las municipalidades también gestionan el agua."},
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.status == AmendmentStatus.PROPOSED and amendment.base_version.number == 1

    supporters = [VerifiedUserFactory() for _ in range(3)]
    url = reverse("legislation:amendment_support", args=[draft.pk, amendment.pk])
    for supporter in supporters:
        assert _client(supporter).post(url).status_code == 302
    again = _client(supporters[0]).post(url)
    assert again.status_code == 409 and "already support" in again.content.decode()
    unverified = _client(UserFactory()).post(url)
    assert unverified.status_code == 403
    amendment.refresh_from_db()
    assert amendment.support_count == 3

    moderator = UserFactory(roles=[MODERATOR])
    mod = _client(moderator)
    decide = reverse("legislation:amendment_decide", args=[draft.pk, amendment.pk])
    assert _client(author).post(decide, {"decision": "accept"}).status_code == 403
    assert mod.post(decide, {"decision": "accept"}).status_code == 302
    response = mod.post(reverse("legislation:version_create", args=[draft.pk]), {"note": "Enmienda 1."})
    assert response.status_code == 302
    version = Version.objects.get(draft=draft, number=2)
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.MERGED and amendment.merged_into == version
    assert Version.objects.get(draft=draft, number=1).sections != version.sections
    article5.refresh_from_db()
    assert article5.text == new_text

    diff = _client().get(reverse("legislation:diff", args=[draft.pk]) + "?from=1&to=2").content.decode()
    assert '<ins><span class="visually-hidden">[added: </span>y la municipalidad regulan ' in diff
    assert '<del><span class="visually-hidden">[removed: </span>regula ' in diff
    assert "1 section changed." in diff


def test_rejection_needs_a_reason_and_shows_it() -> None:
    draft = legislation_draft(articles=3)
    article = _article(draft, "2")
    amendment = Amendment.objects.create(
        draft=draft,
        section=article,
        base_version=draft.versions.get(),
        author=VerifiedUserFactory(),
        text="Otra redacción.",
        justification="Porque sí.",
    )
    mod = _client(UserFactory(roles=[MODERATOR]))
    url = reverse("legislation:amendment_decide", args=[draft.pk, amendment.pk])
    assert mod.post(url, {"decision": "reject", "reason": ""}).status_code == 400
    assert mod.post(url, {"decision": "reject", "reason": "Contradice la ley nacional."}).status_code == 302
    page = _client().get(reverse("legislation:amendment", args=[draft.pk, amendment.pk])).content.decode()
    assert "Contradice la ley nacional." in page and "Rejected" in page


def test_downloads_match_their_published_checksums() -> None:
    draft = legislation_draft(articles=4)
    client = _client()
    sums = client.get(reverse("legislation:checksums", args=[draft.pk])).content.decode()
    listed = dict(reversed(line.split("  ")) for line in sums.strip().splitlines())
    for name, url in (
        (f"bill-{draft.pk}-v1.json", reverse("legislation:version_download", args=[draft.pk, 1, "json"])),
        (f"bill-{draft.pk}-v1.md", reverse("legislation:version_download", args=[draft.pk, 1, "md"])),
        (f"bill-{draft.pk}-annotations-amendments.json", reverse("legislation:data", args=[draft.pk])),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == listed[name] == response["X-Checksum-SHA256"]
    document = json.loads(client.get(reverse("legislation:version_download", args=[draft.pk, 1, "json"])).content)
    assert document["version"] == 1 and len([s for s in document["sections"] if s["kind"] == "article"]) == 4
    markdown = client.get(reverse("legislation:version_download", args=[draft.pk, 1, "md"])).content.decode()
    assert "#### Artículo 3. Materia 3" in markdown
    assert client.get(reverse("legislation:version_download", args=[draft.pk, 1, "pdf"])).status_code == 404


def test_not_readable_before_reading_opens_and_bad_ids_are_404() -> None:
    draft = legislation_draft(articles=2, phases_open=("upcoming",))
    assert _client().get(reverse("legislation:draft", args=[draft.pk])).status_code == 404
    assert _client(UserFactory(roles=[MODERATOR])).get(reverse("legislation:draft", args=[draft.pk])).status_code == 200
    assert _client().get(f"/legislation/{draft.pk}/articles/not-a-uuid/").status_code == 404
    assert _client().get("/legislation/999999/").status_code == 404
    assert _client().get(reverse("legislation:diff", args=[draft.pk]) + "?from=abc").status_code in (400, 404)


def _bill_with_annotations(articles: int, annotations: int) -> Draft:
    draft = legislation_draft(articles=articles, words=60)
    sections = list(Section.objects.filter(draft=draft, kind="article"))
    authors = [UserFactory() for _ in range(20)]
    comments = Comment.objects.bulk_create(
        Comment(proposal=draft.proposal, author=authors[i % 20], body=f"<p>Comentario número {i} sobre el texto.</p>")
        for i in range(annotations)
    )
    Annotation.objects.bulk_create(
        Annotation(comment=c, draft=draft, section=sections[i % len(sections)], version_number=1)
        for i, c in enumerate(comments)
    )
    return draft


@pytest.mark.parametrize("articles", [10, 100])
def test_queries_per_bill_page_do_not_grow_with_articles(articles: int, django_assert_max_num_queries: object) -> None:
    draft = _bill_with_annotations(articles, articles * 3)
    client = _client(UserFactory())
    client.get(reverse("legislation:draft", args=[draft.pk]))  # warm caches (site, locale)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        response = client.get(reverse("legislation:draft", args=[draft.pk]))
    assert response.status_code == 200


def test_a_100_article_bill_with_1000_annotations_stays_under_150_kb_compressed() -> None:
    draft = _bill_with_annotations(100, 1000)
    response = _client(UserFactory()).get(reverse("legislation:draft", args=[draft.pk]))
    size = len(gzip.compress(response.content))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'class="bill-article"', html)) == 100
    # Each article shows its two latest comments; the rest are a link away (the article's own page).
    assert len(re.findall(r'class="annotation"', html)) == 200
    assert size <= 150 * 1024, size
