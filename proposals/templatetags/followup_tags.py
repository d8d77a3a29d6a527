"""The proposal page's after-the-vote part: the official answer, the implementation timeline, the documents."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from decide.uploads import download_name
from proposals.followup import permissions, selectors
from proposals.followup.models import ANSWERABLE_STATUSES, Attachment
from proposals.models import Proposal

register = template.Library()


@register.inclusion_tag("proposals/followup/_followup.html", takes_context=True)
def proposal_followup(context: dict[str, Any], proposal: Proposal, detail_url: str) -> dict[str, Any]:
    user = context["request"].user
    answer = selectors.answer_of(proposal)
    milestones = selectors.milestones_of(proposal)
    return {
        "proposal": proposal,
        "detail_url": detail_url,
        "answer": answer,
        "answer_files": selectors.answer_attachments(answer),
        "owes_answer": proposal.status in ANSWERABLE_STATUSES,
        "overdue": answer is None and selectors.is_overdue(proposal),
        "due": proposal.process.answers_due_on,
        "milestones": milestones,
        "progress": selectors.progress_of(milestones),
        "files": selectors.proposal_attachments(proposal),
        "can_answer": permissions.answer_refusal(user, proposal) is None,
        "can_add_milestone": permissions.milestone_refusal(user, proposal) is None,
        "can_attach": permissions.attachment_refusal(user, proposal) is None,
    }


@register.inclusion_tag("proposals/followup/_attachment.html")
def attachment_item(attachment: Attachment) -> dict[str, Any]:
    name = download_name(attachment.original_name, attachment.content_type)
    return {"attachment": attachment, "url": reverse("proposals:attachment_file", args=[attachment.pk, name])}
