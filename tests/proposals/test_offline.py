"""Offline participation: supports at the desk, paper signature sheets, supports by SMS — one per person across all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry, User
from accounts.roles import OFFICER
from proposals.models import SignatureRow, SignatureSheet, SmsInbound, Support
from proposals.offline import services
from proposals.offline.sheets import sheet_line, sheet_lines_from_csv
from tests.factories import CensusRecordFactory, ProposalFactory, UserFactory, VerifiedUserFactory
from tests.support.sms_provider import FakeSmsProvider, signed_inbound

pytestmark = pytest.mark.django_db

BORN = date(1980, 5, 17)
Texter = Callable[..., Any]


@pytest.fixture
def officer() -> User:
    return UserFactory(roles=[OFFICER])


@pytest.fixture
def officer_client(officer: User, english: None) -> Client:
    client = Client()
    client.force_login(officer)
    return client


def _desk_visit(client: Client, document: str, name: str = "Rosa") -> User:
    response = client.post(
        reverse("accounts:desk"),
        {"document_number": document, "birth_date": BORN.isoformat(), "location": "Otuzco", "display_name": name},
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    person: User = response.context["issued"].person
    return person


def test_an_officer_supports_a_proposal_for_the_person_present(officer_client: Client, officer: User) -> None:
    proposal = ProposalFactory()
    CensusRecordFactory(document="41000001", birth_date=BORN)
    person = _desk_visit(officer_client, "41000001")
    response = officer_client.post(reverse("proposals:desk_support"), {"code": proposal.short_code.lower()})
    assert response.status_code == 200, response.content.decode()[:3000]
    support = Support.objects.get(proposal=proposal)
    assert (support.channel, support.account, support.recorded_by, support.location) == (
        "assisted",
        person,
        officer,
        "Otuzco",
    )
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    again = officer_client.post(reverse("proposals:desk_support"), {"code": proposal.short_code})
    assert again.status_code == 409 and "already supports" in again.content.decode()
    acts = officer_client.get(reverse("accounts:desk_acts")).content.decode()
    assert "Registered a support for a person" in acts and officer.public_name in acts


def test_without_an_open_visit_the_desk_acts_are_refused(officer_client: Client) -> None:
    proposal = ProposalFactory()
    response = officer_client.post(reverse("proposals:desk_support"), {"code": proposal.short_code})
    assert response.status_code == 403


def test_ending_the_visit_ends_acting_for_the_person(officer_client: Client) -> None:
    proposal = ProposalFactory()
    CensusRecordFactory(document="41000002", birth_date=BORN)
    _desk_visit(officer_client, "41000002")
    officer_client.post(reverse("accounts:desk_end"))
    assert officer_client.post(reverse("proposals:desk_support"), {"code": proposal.short_code}).status_code == 403
    assert not Support.objects.exists()


def test_an_officer_submits_a_proposal_in_the_persons_name(officer_client: Client) -> None:
    process_proposal = ProposalFactory()
    CensusRecordFactory(document="41000003", birth_date=BORN)
    person = _desk_visit(officer_client, "41000003")
    response = officer_client.post(
        reverse("proposals:desk_propose"),
        {
            "process": process_proposal.process.pk,
            "title": "Posta médica en Usquil",
            "summary": "Una posta con horario ampliado.",
            "body": "Texto.",
        },
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    proposal = person.proposals.get()
    assert proposal.title == "Posta médica en Usquil"
    assert AuditEntry.objects.filter(action="assisted.proposal", target_id=str(proposal.pk)).exists()
    assert proposal.channel == "assisted"


def _sheet_post(client: Client, proposal_id: int, rows: list[tuple[str, str]], reference: str = "H-7") -> object:
    data = {"reference": reference, "location": "Plaza de Huamachuco"}
    for line, (document, born) in enumerate(rows, start=1):
        data[f"document_{line}"] = document
        data[f"birth_{line}"] = born
    return client.post(reverse("proposals:sheet_new", args=[proposal_id]), data)


def test_a_20_row_sheet_counts_the_valid_rows_and_reports_the_others_by_line(officer_client: Client) -> None:
    proposal = ProposalFactory()
    records = [CensusRecordFactory(document=f"4200{n:04d}", birth_date=BORN) for n in range(17)]
    online = VerifiedUserFactory(census_record=records[16])
    Support.objects.create(proposal=proposal, census_record=records[16], account=online)
    proposal.support_count = 1
    proposal.save(update_fields=["support_count"])
    rows = [(f"4200{n:04d}", "17/05/1980") for n in range(16)]
    rows += [("4200" + "0016", "1980-05-17")]  # already supports online
    rows += [("99999999", "17/05/1980"), ("42000001", "01/01/1990"), ("", "17/05/1980")]  # 3 bad rows
    response = _sheet_post(officer_client, proposal.pk, rows)
    assert response.status_code == 302, response.content.decode()[:3000]
    sheet = SignatureSheet.objects.get()
    assert (sheet.rows_total, sheet.rows_counted, sheet.rows_duplicate, sheet.rows_rejected) == (20, 16, 1, 3)
    outcomes = dict(SignatureRow.objects.values_list("line", "outcome"))
    assert outcomes[17] == "duplicate" and outcomes[18] == "not_found" and outcomes[19] == "not_found"
    assert outcomes[20] == "invalid"
    proposal.refresh_from_db()
    assert proposal.support_count == 17
    page = officer_client.get(response["Location"]).content.decode()
    assert "16 supports counted" in page and "Not found in the census" in page

    again = _sheet_post(officer_client, proposal.pk, rows)
    assert again.status_code == 302 and "again=1" in again["Location"]
    proposal.refresh_from_db()
    assert proposal.support_count == 17 and SignatureSheet.objects.count() == 1


def test_sheets_are_for_officers_and_administrators_only(citizen_client: Client) -> None:
    proposal = ProposalFactory()
    assert citizen_client.get(reverse("proposals:sheet_new", args=[proposal.pk])).status_code == 403


def test_sheet_lines_from_csv_reads_numbers_and_refuses_spreadsheets(english: None) -> None:
    lines = sheet_lines_from_csv(b"documento;nacimiento\n40000001;17/05/1980\n;\n40000002;1980-13-40\n")
    assert [(line.line, line.document_number, bool(line.problem)) for line in lines] == [
        (2, "40000001", False),
        (4, "40000002", True),
    ]
    from decide.refusals import Invalid

    with pytest.raises(Invalid, match="spreadsheet"):
        sheet_lines_from_csv(b"PK\x03\x04xl/workbook.xml")
    assert sheet_line(3, " ", "") is None


def test_the_print_view_shows_the_code_threshold_and_a_numbered_table(client: Client, english: None) -> None:
    proposal = ProposalFactory()
    page = client.get(reverse("proposals:print_sheet", args=[proposal.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"APOYO {proposal.short_code}" in html and "<svg" in html and ">20</td>" in html


def _sms_person(phone: str = "+51987000001", **fields: object) -> User:
    from django.utils import timezone

    person: User = VerifiedUserFactory(phone=phone, phone_confirmed_at=timezone.now(), **fields)
    return person


@pytest.fixture
def text(client: Client, django_capture_on_commit_callbacks: Any) -> Texter:
    """Post a signed inbound SMS to the webhook; replies queued after commit are sent (immediate task backend)."""

    def post(message_id: str, phone: str, body_text: str, secret: str | None = None) -> Any:
        extra = {"secret": secret} if secret else {}
        body, headers = signed_inbound(message_id=message_id, phone=phone, text=body_text, **extra)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("proposals:sms_inbound"), data=body, content_type="application/json", headers=headers
            )

    return post


def test_support_by_sms_is_counted_once_and_replied_in_spanish(
    sms_provider: FakeSmsProvider, text: Callable[..., Any]
) -> None:
    proposal = ProposalFactory()
    person = _sms_person()
    response = text("m-1", person.phone or "", f"apoyo {proposal.short_code.lower()}")
    assert response.status_code == 200 and response.json()["outcome"] == "counted"
    support = Support.objects.get(proposal=proposal)
    assert support.channel == "sms" and support.account == person
    assert [s.to for s in sms_provider.sent] == [person.phone]
    assert "está contado" in sms_provider.sent[0].text or "contado" in sms_provider.sent[0].text

    resent = text("m-1", person.phone or "", f"APOYO {proposal.short_code}")
    assert resent.status_code == 200 and SmsInbound.objects.count() == 1 and len(sms_provider.sent) == 1
    second = text("m-2", person.phone or "", f"APOYO {proposal.short_code}")
    assert second.json()["outcome"] == "already" and Support.objects.count() == 1


def test_a_forged_sms_is_refused_401_and_changes_nothing(
    sms_provider: FakeSmsProvider, text: Callable[..., Any]
) -> None:
    proposal = ProposalFactory()
    person = _sms_person()
    response = text("m-9", person.phone or "", f"APOYO {proposal.short_code}", secret="forged")
    assert response.status_code == 401
    assert not Support.objects.exists() and not SmsInbound.objects.exists() and not sms_provider.sent


@pytest.mark.parametrize(
    ("words", "outcome"),
    [("APOYO ZZZZZ", "unknown_code"), ("hola", "not_understood"), ("AYUDA", "help"), ("APOYO", "no_code")],
)
def test_wrong_codes_and_unknown_words_get_a_helpful_reply(
    sms_provider: FakeSmsProvider, text: Texter, words: str, outcome: str
) -> None:
    person = _sms_person()
    response = text("m-x", person.phone or "", words)
    assert response.status_code == 200 and response.json()["outcome"] == outcome
    assert len(sms_provider.sent) == 1 and sms_provider.sent[0].text.startswith("Decide:")


def test_an_unknown_number_is_told_how_to_register(sms_provider: FakeSmsProvider, text: Texter) -> None:
    proposal = ProposalFactory()
    response = text("m-u", "+51911111111", f"APOYO {proposal.short_code}")
    assert response.json()["outcome"] == "unknown_number" and not Support.objects.exists()


def test_stop_stops_messages_and_start_resumes_them(sms_provider: FakeSmsProvider, text: Texter) -> None:
    person = _sms_person()
    text("m-s", person.phone or "", "STOP")
    person.refresh_from_db()
    assert person.sms_opt_out_at is not None and person.sms_phone is None
    text("m-t", person.phone or "", "START")
    person.refresh_from_db()
    assert person.sms_phone == person.phone


def test_an_sms_from_outside_the_district_is_not_counted(
    sms_provider: FakeSmsProvider, text: Callable[..., Any]
) -> None:
    from tests.factories import DistrictFactory, process_page

    process = process_page(scope_district=DistrictFactory())
    proposal = ProposalFactory(process=process)
    person = _sms_person()
    assert text("m-d", person.phone or "", f"APOYO {proposal.short_code}").json()["outcome"] == "out_of_scope"


def test_texts_beyond_the_hourly_limit_get_no_reply(sms_provider: FakeSmsProvider, text: Texter, settings: Any) -> None:
    settings.SMS_INBOUND_RATE_PER_HOUR = 2
    person = _sms_person()
    outcomes = [text(f"m-r{n}", person.phone or "", "AYUDA").json()["outcome"] for n in range(3)]
    assert outcomes == ["help", "help", "rate_limited"] and len(sms_provider.sent) == 2


def test_services_refuse_desk_acts_by_non_officers() -> None:
    from decide.refusals import NotAllowed

    proposal = ProposalFactory()
    person = VerifiedUserFactory()
    with pytest.raises(NotAllowed):
        services.assisted_support_add(officer=UserFactory(), person=person, location="x", proposal=proposal)
