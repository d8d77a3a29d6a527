"""One support per person across every channel, under real concurrency on PostgreSQL: web, SMS and paper at once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from accounts.sms import InboundSms
from proposals import services
from proposals.models import Proposal, SignatureSheet, SmsInbound, Support
from proposals.offline import services as offline
from proposals.offline.sheets import SheetLine
from tests.factories import CensusRecordFactory, ProposalFactory, UserFactory, VerifiedUserFactory

BORN = date(1975, 2, 3)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("round_", range(3))
def test_one_person_supporting_by_web_sms_and_paper_at_once_counts_once(round_: int) -> None:
    from accounts.roles import OFFICER

    proposal = ProposalFactory()
    record = CensusRecordFactory(document=f"5100000{round_}", birth_date=BORN)
    person = VerifiedUserFactory(census_record=record, phone=f"+5198700000{round_}", phone_confirmed_at=timezone.now())
    officer = UserFactory(roles=[OFFICER])
    barrier = threading.Barrier(3)
    errors: list[str] = []

    def web() -> None:
        try:
            barrier.wait()
            services.support_add(proposal=Proposal.objects.get(pk=proposal.pk), user=person)
        except services.AlreadySupportedError:
            pass
        except Exception as exc:
            errors.append(f"web: {exc!r}")
        finally:
            connection.close()

    def sms() -> None:
        try:
            barrier.wait()
            message = InboundSms(
                message_id=f"race-{round_}", phone=person.phone or "", text=f"APOYO {proposal.short_code}"
            )
            offline.sms_inbound_handle(message=message)
        except Exception as exc:
            errors.append(f"sms: {exc!r}")
        finally:
            connection.close()

    def paper() -> None:
        try:
            barrier.wait()
            line = SheetLine(line=1, document_number=f"5100000{round_}", birth_date=BORN)
            offline.signature_sheet_enter(actor=officer, proposal=Proposal.objects.get(pk=proposal.pk), lines=[line])
        except Exception as exc:
            errors.append(f"paper: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=target) for target in (web, sms, paper)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    proposal.refresh_from_db()
    assert Support.objects.filter(proposal=proposal).count() == 1 == proposal.support_count
    sheet = SignatureSheet.objects.get(proposal=proposal)
    sms_outcome = SmsInbound.objects.get(provider_id=f"race-{round_}").outcome
    counted_by = {Support.objects.get(proposal=proposal).channel}
    # Whichever channel won, the other two say so instead of counting.
    assert (sheet.rows_counted, sms_outcome == "counted") in {(1, False), (0, True), (0, False)}
    assert counted_by <= {"online", "sms", "paper"}
