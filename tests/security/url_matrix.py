"""The URL-by-role matrix: what every route answers to every role, in every state of its object.

HOW TO ADD YOUR VIEW (tests/security/test_url_matrix.py fails until every URL pattern has a decision):

    "votes:my_view": Route(on="poll", GET={...}, POST=...),

- the key is the URL name as `reverse()` knows it ("namespace:name"); routes of a Wagtail routable page
  are "process:<route name>" (ProcessPage's @path names).
- `on` says which object fills the URL's arguments and so which states are tried (see STATES):
  "poll" (poll_id or pk of a poll), "booth", "proposal", "comment", "process", "census_import",
  "question", "moderation_proposal" / "moderation_comment" (the pk of the Wagtail moderation screens),
  or None for a URL without arguments. `kwargs` adds fixed arguments (e.g. an export's dataset and format);
  `path` gives a literal path for a regex pattern. A new kind of object: add its states to STATES and
  build one object per state in test_url_matrix._build_world (world.objects[(kind, state)] = url values).
- a CSRF-exempt view (a provider's webhook, a one-click unsubscribe) goes in CSRF_EXEMPT: it must then
  answer an unsigned POST with 401 (test_views_without_csrf_authenticate_their_caller_otherwise).
- GET and POST: either one cell for every state, or {state: cell}. A cell is one outcome for every role,
  two (anonymous, then every signed-in role), or exactly seven outcomes in ROLES order:
      anonymous citizen verified officer moderator administrator staff_1fa
- outcomes: ok (200/204), redirect (3xx elsewhere), login (3xx to a sign-in page), mfa (3xx to the
  second-factor pages), 400, 403, 404, 405, 409, 413, 429.
- write what the code SHOULD answer. Where it answers something else today (a leak), append `!N`
  (issue 13's item N, e.g. `404!3`): the test then expects the mismatch and is reported as xfailed; when
  item N is fixed the test fails with "fixed: drop !N" — the fixing helper removes the mark.
- To see what your view answers today, this prints the cells it observed:
  `MATRIX_RECORD=1 .venv/bin/python -m pytest tests/security/test_url_matrix.py -k my_view -s`

Roles: `staff_1fa` is an administrator (also moderator and officer) with a TOTP authenticator who signed
in with the password only (no second factor in this session). The officer, moderator and administrator
columns signed in through allauth's real flow with password AND TOTP code. The matrix runs with
DECIDE_REQUIRE_STAFF_MFA on, as production does.

Wagtail admin internals, the Django admin and allauth's own flows are covered by PREFIX_RULES, with a
reason; a few of their URLs are rows anyway (sampled) because a decision of ours applies to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES: tuple[str, ...] = (
    "anonymous",
    "citizen",
    "verified",
    "officer",
    "moderator",
    "administrator",
    "staff_1fa",
)

OUTCOMES: frozenset[str] = frozenset(
    {"ok", "redirect", "login", "mfa", "400", "401", "403", "404", "405", "409", "413", "429"}
)

# The states each kind of object is tried in (built once per module by the test's `world` fixture).
STATES: dict[str | None, tuple[str, ...]] = {
    None: ("-",),
    "poll": ("upcoming", "open", "closed", "published"),
    "booth": ("open", "closed"),
    "question": ("upcoming", "open"),
    "proposal": ("draft", "hidden", "published"),
    "moderation_proposal": ("submitted", "hidden", "published"),
    "comment": ("visible", "hidden", "deleted"),
    "moderation_comment": ("visible", "hidden"),
    "process": ("open",),
    "census_import": ("done",),
    # A bill text (legislation): its draft, first article, an amendment, an annotation and version 1.
    "bill": ("upcoming", "open"),
    # A PDF attached to a proposal (proposals.followup): of the published proposal, and of the hidden one.
    "attachment": ("published", "hidden"),
    # A milestone (proposals.followup): of an accepted proposal (administrators record and correct those), and of
    # a hidden one (no longer followed up: refused even to administrators).
    "milestone": ("accepted", "hidden"),
}

Cells = str | dict[str, str]


@dataclass(frozen=True)
class Route:
    on: str | None
    GET: Cells
    POST: Cells
    kwargs: dict[str, str] = field(default_factory=dict)
    path: str | None = None


@dataclass(frozen=True)
class PrefixRule:
    """URL patterns this suite does not try one by one, and why."""

    route_prefix: str
    module_prefix: str
    reason: str


# Views a third party calls with its own authentication instead of a CSRF token (an HMAC signature).
# The one-click unsubscribe of emails (RFC 8058: mail clients POST without a token) is authenticated by its signed link.
CSRF_EXEMPT: frozenset[str] = frozenset({"proposals:sms_inbound", "notifications:unsubscribe"})

PREFIX_RULES: tuple[PrefixRule, ...] = (
    PrefixRule(
        "admin/",
        "wagtail.",
        "Wagtail admin internals: Wagtail checks admin access and each model's permissions itself; our rule "
        "for /admin/ (staff only, second factor) is sampled by the rows wagtailadmin_home and wagtailadmin_login",
    ),
    PrefixRule(
        "admin/",
        "django.views.generic",
        "Wagtail admin's own redirects and test pages (test404) under /admin/",
    ),
    PrefixRule(
        "django-admin/",
        "",
        "Django admin: every page shares AdminSite.has_permission; sampled by the rows admin:index and admin:login",
    ),
    PrefixRule(
        "accounts/",
        "allauth.",
        "allauth's sign-in, sign-up, e-mail, password and 2FA flows (their own tests in tests/accounts); "
        "sampled by account_login, account_signup, account_logout and mfa_index",
    ),
    PrefixRule(
        "documents/",
        "wagtail.documents",
        "Wagtail documents: served by Wagtail with its collection privacy",
    ),
    PrefixRule(
        "_util/authenticate_with_password",
        "wagtail.",
        "Wagtail page privacy password form (no private pages in Decide)",
    ),
    PrefixRule("", "wagtail.views", "Wagtail's page tree: the catch-all serve view of published pages"),
)

# One row per URL name. Keep them grouped by app, in URLconf order.
# Column order: anonymous citizen verified officer moderator administrator staff_1fa
ROUTES: dict[str, Route] = {
    # --- decide -----------------------------------------------------------------------------------------
    "healthz": Route(on=None, GET="ok", POST="405"),
    # Prometheus: the matrix's clients connect from 127.0.0.1, in METRICS_ALLOWED_ADDRESSES by default; any
    # other address gets 404 whatever the role (tests/decide/test_operations.py).
    "metrics": Route(on=None, GET="ok", POST="405"),
    "set_language": Route(on=None, GET="redirect", POST="redirect"),
    "api_docs": Route(on=None, GET="ok", POST="405"),
    # --- cms: the site identity's colour stylesheet and the favicon (a redirect to the logo or the default mark)
    "favicon": Route(on=None, GET="redirect", POST="405"),
    "cms:identity_css": Route(on=None, GET="ok", POST="405"),
    # --- allauth, sampled (signed-in people are sent on from the sign-in and sign-up forms) --------------
    "account_login": Route(
        on=None,
        GET="ok redirect redirect redirect redirect redirect redirect",
        POST="ok redirect redirect redirect redirect redirect redirect",
    ),
    "account_logout": Route(on=None, GET="redirect ok ok ok ok ok ok", POST="redirect"),
    "account_signup": Route(
        on=None,
        GET="ok redirect redirect redirect redirect redirect redirect",
        POST="ok redirect redirect redirect redirect redirect redirect",
    ),
    "mfa_index": Route(on=None, GET="login ok ok ok ok ok ok", POST="login 405 405 405 405 405 405"),
    # --- other sign-in forms and admins, sampled: one sign-in path (allauth's), staff pages need the 2nd factor
    "wagtailadmin_home": Route(
        on=None,
        GET="login login login ok ok ok mfa",
        POST="login login login 405 405 405 mfa",
    ),
    # under /admin/: a staff session without its second factor is sent to type it (mfa) before anything else
    "wagtailadmin_login": Route(on=None, GET="login 403 403 403 403 403 mfa", POST="login 403 403 403 403 403 mfa"),
    "wagtailcore_login": Route(on=None, GET="login 403", POST="login 403"),
    # the Django admin is for superusers only (item 11): the administrator role is not enough
    "admin:index": Route(
        on=None,
        GET="login login login 403 403 403 mfa",
        POST="login login login 403 403 403 mfa",
    ),
    "admin:login": Route(on=None, GET="login 403 403 403 403 403 mfa", POST="login 403 403 403 403 403 mfa"),
    # the same view as wagtailadmin_login / admin:login / wagtailcore_login, mounted in front of theirs
    "admin_login_elsewhere": Route(on=None, GET="login 403 403 403 403 403 mfa", POST="login 403 403 403 403 403 mfa"),
    "django_admin_login_elsewhere": Route(
        on=None, GET="login 403 403 403 403 403 mfa", POST="login 403 403 403 403 403 mfa"
    ),
    "wagtailcore_login_elsewhere": Route(on=None, GET="login 403", POST="login 403"),
    # --- accounts ---------------------------------------------------------------------------------------
    "accounts:profile": Route(on=None, GET="login ok ok ok ok ok ok", POST="login ok ok ok ok ok ok"),
    "accounts:delete": Route(on=None, GET="login ok ok ok ok ok ok", POST="login ok ok ok ok ok ok"),
    # The notification centre is its owner's alone: someone else's notification answers as a missing one
    # (tests/notifications/test_centre.py reads another person's id with every role).
    "notifications:list": Route(on=None, GET="login ok", POST="login 405"),
    "notifications:read": Route(on=None, GET="login 405", POST="login 404", kwargs={"notification_id": "987654321"}),
    "notifications:read_all": Route(on=None, GET="login 405", POST="login redirect"),
    "notifications:settings": Route(on=None, GET="login ok", POST="login 400"),
    # Signed links, no sign-in: a forged token changes nothing, for anyone.
    "notifications:unsubscribe": Route(on=None, GET="401", POST="401", kwargs={"token": "forged"}),
    "accounts:verify": Route(on=None, GET="login ok ok ok ok ok ok", POST="login 400 ok 400 400 400 400"),
    "accounts:verify_code": Route(
        on=None, GET="login ok redirect ok ok ok ok", POST="login 400 redirect 400 400 400 400"
    ),
    "accounts:assisted_verify": Route(on=None, GET="login 403 403 ok 403 403 mfa", POST="login 403 403 ok 403 403 mfa"),
    # the officer desk: officers (and administrators for the acts list); anyone may sign in with a desk code
    "accounts:desk": Route(on=None, GET="login 403 403 ok 403 403 mfa", POST="login 403 403 400 403 403 mfa"),
    "accounts:desk_end": Route(on=None, GET="login 405 405 405 405 405 mfa", POST="login 403 403 redirect 403 403 mfa"),
    "accounts:desk_acts": Route(on=None, GET="login 403 403 ok 403 ok mfa", POST="login 405 405 405 405 405 mfa"),
    "accounts:code_login": Route(on=None, GET="ok", POST="400"),
    "accounts:phone": Route(on=None, GET="login ok ok ok ok ok ok", POST="login 400 400 400 400 400 400"),
    "accounts:desk_phone": Route(on=None, GET="login 403 403 403 403 403 mfa", POST="login 403 403 403 403 403 mfa"),
    "census:index": Route(
        on=None,
        GET="login login login redirect redirect ok mfa",
        POST="login login login redirect redirect 405 mfa",
    ),
    "census:import": Route(
        on=None,
        GET="login login login redirect redirect ok mfa",
        POST="login login login redirect redirect ok mfa",
    ),
    "census:import_detail": Route(
        on="census_import",
        GET="login login login redirect redirect ok mfa",
        POST="login login login redirect redirect 405 mfa",
    ),
    # The newsletter desk (administrators); a missing newsletter is 404 for them.
    "notifications_newsletter_send": Route(
        on=None,
        GET="login login login redirect redirect 404 mfa",
        POST="login login login redirect redirect 404 mfa",
        kwargs={"pk": "987654321"},
    ),
    "census:unbind": Route(
        on=None,
        GET="login login login redirect redirect ok mfa",
        POST="login login login redirect redirect 400 mfa",
    ),
    # The audit log (issue 20): administrators only; read-only, so a POST is 405 for staff before any check.
    "audit_log:index": Route(
        on=None,
        GET="login login login redirect redirect ok mfa",
        POST="login login login 405 405 405 mfa",
    ),
    "audit_log:csv": Route(
        on=None,
        GET="login login login redirect redirect ok mfa",
        POST="login login login 405 405 405 mfa",
    ),
    # The platform's weekly activity (issue 20): administrators only, read-only.
    "activity:index": Route(
        on=None,
        GET="login login login redirect redirect ok mfa",
        POST="login login login redirect redirect 405 mfa",
    ),
    # --- proposals: the process page's routes (drafts and hidden proposals: their author and moderators) --
    # A staff session without its second factor holds no role (has_role): on these public pages it is a citizen,
    # so another's draft or hidden proposal is as missing for it (404) as for anyone.
    "process:index": Route(on="process", GET="ok", POST="ok"),
    "process:index_route": Route(on="process", GET="ok", POST="ok"),
    "process:proposal_submit": Route(on="process", GET="login ok ok ok ok ok ok", POST="login ok ok ok ok ok ok"),
    "process:proposal_detail": Route(
        on="proposal",
        GET={"draft": "404 404 404 404 ok ok 404", "hidden": "404 404 404 404 ok ok 404", "published": "ok"},
        POST={"draft": "404 404 404 404 ok ok 404", "hidden": "404 404 404 404 ok ok 404", "published": "ok"},
    ),
    "process:proposal_edit": Route(
        on="proposal",
        GET={"draft": "404 404 404 404 403 403 404", "hidden": "404 404 404 404 403 403 404", "published": "403"},
        POST={"draft": "404 404 404 404 403 403 404", "hidden": "404 404 404 404 403 403 404", "published": "403"},
    ),
    "process:proposal_withdraw": Route(
        on="proposal",
        GET={
            "draft": "404 404 404 404 403 403 404",
            "hidden": "404 404 404 404 403 403 404",
            "published": "login 403 403 403 403 403 403",
        },
        POST={
            "draft": "404 404 404 404 403 403 404",
            "hidden": "404 404 404 404 403 403 404",
            "published": "login 403 403 403 403 403 403",
        },
    ),
    "process:proposal_support": Route(
        on="proposal",
        GET="405",
        POST={
            "draft": "404 404 404 404 403 403 404",
            "hidden": "404 404 404 404 403 403 404",
            "published": "login 403 redirect 403 403 403 403",
        },
    ),
    "process:proposal_flag": Route(
        on="proposal",
        GET={
            "draft": "404 404 404 404 403 403 404",
            "hidden": "404 404 404 404 403 403 404",
            "published": "login ok ok ok ok ok ok",
        },
        POST={
            "draft": "404 404 404 404 403 403 404",
            "hidden": "404 404 404 404 403 403 404",
            "published": "login 400 400 400 400 400 400",
        },
    ),
    "process:proposal_follow": Route(
        on="proposal",
        GET="405",
        POST={
            "draft": "404 404 404 404 redirect redirect 404",
            "hidden": "404 404 404 404 redirect redirect 404",
            "published": "login redirect redirect redirect redirect redirect redirect",
        },
    ),
    # --- proposals: after the vote (issue 20). The matrix's proposals are not qualified, so even administrators
    # are refused an answer or a milestone (403); administrators attach documents to any proposal (an empty
    # POST: 400). The committee role's category scoping is tested in tests/proposals/followup.
    "process:proposal_answer": Route(
        on="proposal",
        GET={"draft": "404 404 404 404 403 403 404", "hidden": "404 404 404 404 403 403 404", "published": "login 403"},
        POST={
            "draft": "404 404 404 404 403 403 404",
            "hidden": "404 404 404 404 403 403 404",
            "published": "login 403",
        },
    ),
    "process:proposal_milestones": Route(
        on="proposal",
        GET={"draft": "404 404 404 404 403 403 404", "hidden": "404 404 404 404 403 403 404", "published": "login 403"},
        POST={
            "draft": "404 404 404 404 403 403 404",
            "hidden": "404 404 404 404 403 403 404",
            "published": "login 403",
        },
    ),
    "process:proposal_attachments": Route(
        on="proposal",
        GET={
            "draft": "404 404 404 404 403 ok 404",
            "hidden": "404 404 404 404 403 ok 404",
            "published": "login 403 403 403 403 ok 403",
        },
        POST={
            "draft": "404 404 404 404 403 400 404",
            "hidden": "404 404 404 404 403 400 404",
            "published": "login 403 403 403 403 400 403",
        },
    ),
    "process:outcomes": Route(on="process", GET="ok", POST="405"),
    "process:outcomes_data": Route(on="process", kwargs={"fmt": "csv"}, GET="ok", POST="405"),
    # A hidden proposal's files are as missing as the proposal, except to moderators and administrators.
    "proposals:attachment_file": Route(
        on="attachment", GET={"published": "ok", "hidden": "404 404 404 404 ok ok 404"}, POST="405"
    ),
    # Correcting or removing a document or a milestone: whoever may add one (administrators here); the others are
    # refused (403) once they can see the proposal, anonymous visitors asked to sign in. An empty correction is a
    # 400; a delete asks on GET (a confirmation page) and removes on POST.
    "proposals:attachment_edit": Route(
        on="attachment",
        GET={"published": "login 403 403 403 403 ok 403", "hidden": "404 404 404 404 403 ok 404"},
        POST={"published": "login 403 403 403 403 400 403", "hidden": "404 404 404 404 403 400 404"},
    ),
    "proposals:attachment_delete": Route(
        on="attachment",
        GET={"published": "login 403 403 403 403 ok 403", "hidden": "404 404 404 404 403 ok 404"},
        POST={"published": "login 403 403 403 403 redirect 403", "hidden": "404 404 404 404 403 redirect 404"},
    ),
    "proposals:milestone_edit": Route(
        on="milestone",
        GET={"accepted": "login 403 403 403 403 ok 403", "hidden": "404 404 404 404 403 403 404"},
        POST={"accepted": "login 403 403 403 403 400 403", "hidden": "404 404 404 404 403 403 404"},
    ),
    "proposals:milestone_delete": Route(
        on="milestone",
        GET={"accepted": "login 403 403 403 403 ok 403", "hidden": "404 404 404 404 403 403 404"},
        POST={"accepted": "login 403 403 403 403 redirect 403", "hidden": "404 404 404 404 403 403 404"},
    ),
    # --- proposals: debate (the comments' author is another citizen) ------------------------------------
    "proposals:comment_create": Route(
        on="proposal",
        GET={
            "draft": "login 404 404 404 redirect redirect 404",
            "hidden": "login 404 404 404 redirect redirect 404",
            "published": "login redirect redirect redirect redirect redirect redirect",
        },
        POST={
            "draft": "login 404 404 404 400 400 404",
            "hidden": "login 404 404 404 400 400 404",
            "published": "login 400 400 400 400 400 400",
        },
    ),
    # @staff_page views ask a staff session without its second factor for it first, whatever the method or state
    "proposals:debate_lock": Route(
        on="proposal", GET="405 405 405 405 405 405 mfa", POST="login 404 404 404 redirect redirect mfa"
    ),
    # Item 4: the edit and delete forms opened (and showed the text) for anyone. Today an empty POST to the
    # edit form is validated before the author predicate (400): the predicate must come first (403).
    "proposals:comment_edit": Route(on="comment", GET="login 403", POST="login 403"),
    "proposals:comment_delete": Route(on="comment", GET="login 403", POST="login 403"),
    "proposals:comment_react": Route(
        on="comment", GET="405", POST="login redirect redirect redirect redirect redirect redirect"
    ),
    "proposals:comment_flag": Route(on="comment", GET="login ok ok ok ok ok ok", POST="login 400 400 400 400 400 400"),
    "proposals:comment_moderate": Route(
        on="comment",
        GET="login 404 404 404 ok ok mfa",
        POST="login 404 404 404 400 400 mfa",
    ),
    # --- proposals offline: desk acts need an open desk visit; sheets are for officers and administrators --
    "proposals:desk_support": Route(on=None, GET="login 403 403 403 403 403 mfa", POST="login 403 403 403 403 403 mfa"),
    "proposals:desk_propose": Route(on=None, GET="login 403 403 403 403 403 mfa", POST="login 403 403 403 403 403 mfa"),
    "proposals:sheet_new": Route(
        on="proposal",
        GET={
            "draft": "login 403 403 403 403 403 mfa",
            "hidden": "login 403 403 403 403 403 mfa",
            "published": "login 403 403 ok 403 ok mfa",
        },
        POST={
            "draft": "login 403 403 403 403 403 mfa",
            "hidden": "login 403 403 403 403 403 mfa",
            "published": "login 403 403 400 403 400 mfa",
        },
    ),
    "proposals:sheet_detail": Route(
        on=None,
        kwargs={"sheet_id": "999999"},
        GET="login 404 404 404 404 404 mfa",
        POST="login 405 405 405 405 405 mfa",
    ),
    "proposals:print_sheet": Route(
        on="proposal",
        GET={"draft": "404 404 404 404 ok ok 404", "hidden": "404 404 404 404 ok ok 404", "published": "ok"},
        POST="405",
    ),
    # the SMS provider's webhook: no CSRF token, an HMAC signature instead (unsigned: 401)
    "proposals:sms_inbound": Route(on=None, GET="405", POST="401"),
    # --- proposals: moderation screens in the Wagtail admin (moderators; other staff refused with 403) -----
    "proposals_moderation:queue": Route(
        on=None, GET="login login login 403 ok ok mfa", POST="login login login 403 ok ok mfa"
    ),
    "proposals_moderation:all": Route(
        on=None, GET="login login login 403 ok ok mfa", POST="login login login 403 ok ok mfa"
    ),
    "proposals_moderation:detail": Route(
        on="moderation_proposal",
        GET="login login login 403 ok ok mfa",
        POST="login login login 403 ok ok mfa",
    ),
    "proposals_moderation:approve": Route(
        on="moderation_proposal",
        GET="login login login 405 405 405 mfa",
        POST="login login login 403 redirect redirect mfa",
    ),
    "proposals_moderation:hide": Route(
        on="moderation_proposal",
        GET="login login login 405 405 405 mfa",
        POST="login login login 403 400 400 mfa",
    ),
    "proposals_moderation:restore": Route(
        on="moderation_proposal",
        GET="login login login 405 405 405 mfa",
        POST="login login login 403 redirect redirect mfa",
    ),
    "proposals_moderation:dismiss_flags": Route(
        on="moderation_proposal",
        GET="login login login 405 405 405 mfa",
        POST="login login login 403 redirect redirect mfa",
    ),
    "proposals_moderation:block": Route(
        on="moderation_proposal",
        GET="login login login 405 405 405 mfa",
        POST="login login login 403 400 400 mfa",
    ),
    "proposals_moderation:unblock": Route(
        on="moderation_proposal",
        GET="login login login 405 405 405 mfa",
        POST="login login login 403 redirect redirect mfa",
    ),
    "proposals_moderation:institutional_bill": Route(
        on=None, GET="login login login 403 403 ok mfa", POST="login login login 403 403 ok mfa"
    ),
    "debate_moderation:queue": Route(
        on=None, GET="login login login 403 ok ok mfa", POST="login login login 403 ok ok mfa"
    ),
    "debate_moderation:hide": Route(
        on="moderation_comment",
        GET="login login login 405 405 405 mfa",
        POST="login login login 403 redirect redirect mfa",
    ),
    "debate_moderation:restore": Route(
        on="moderation_comment",
        GET="login login login 405 405 405 mfa",
        POST="login login login 403 redirect redirect mfa",
    ),
    "debate_moderation:dismiss": Route(
        on="moderation_comment",
        GET="login login login 405 405 405 mfa",
        POST="login login login 403 redirect redirect mfa",
    ),
    "debate_moderation:block": Route(
        on="moderation_comment",
        GET="login login login 405 405 405 mfa",
        POST="login login login 403 redirect redirect mfa",
    ),
    # --- votes: polls and ballots (only the verified citizen may vote, only while open) -----------------
    "votes:list": Route(on=None, GET="ok", POST="405"),
    "votes:detail": Route(on="poll", GET="ok", POST="405"),
    "votes:ballot": Route(
        on="poll",
        GET={
            "open": "login 403 ok 403 403 403 403",
            "upcoming": "login 403",
            "closed": "login 403",
            "published": "login 403",
        },
        POST={
            "open": "login 403 400 403 403 403 403",
            "upcoming": "login 403",
            "closed": "login 403",
            "published": "login 403",
        },
    ),
    "votes:ballot_confirm": Route(on="poll", GET="login 405 405 405 405 405 405", POST="login 400 400 400 400 400 400"),
    "votes:receipt_check": Route(
        on="poll", GET="ok", POST={"upcoming": "403", "open": "403", "closed": "400", "published": "400"}
    ),
    # --- votes: results, bulletin and open data (nothing before publication, for anyone: item 3) ---------
    "votes:bulletin": Route(
        on="poll", GET={"upcoming": "403", "open": "403", "closed": "404", "published": "ok"}, POST="405"
    ),
    "votes:results": Route(
        on="poll", GET={"upcoming": "403", "open": "403", "closed": "404", "published": "ok"}, POST="405"
    ),
    "votes:results_export_checksum": Route(
        on="poll",
        kwargs={"dataset": "bulletin", "fmt": "csv"},
        GET={"upcoming": "403", "open": "403", "closed": "404", "published": "ok"},
        POST="405",
    ),
    "votes:results_export": Route(
        on="poll",
        kwargs={"dataset": "bulletin", "fmt": "csv"},
        GET={"upcoming": "403", "open": "403", "closed": "404", "published": "ok"},
        POST="405",
    ),
    "votes:process_statistics": Route(on="process", GET="ok", POST="405"),
    # --- votes: staff (administrators review, publish and watch turnout; officers run booths) -------------
    "votes:results_review": Route(
        on="poll",
        GET={
            "upcoming": "403 403 403 403 403 403 mfa",
            "open": "403 403 403 403 403 403 mfa",
            "closed": "403 403 403 403 403 ok mfa",
            "published": "403 403 403 403 403 ok mfa",
        },
        POST="405 405 405 405 405 405 mfa",
    ),
    "votes:results_publish": Route(
        on="poll",
        GET="405 405 405 405 405 405 mfa",
        POST={
            "upcoming": "403 403 403 403 403 403 mfa",
            "open": "403 403 403 403 403 403 mfa",
            "closed": "403 403 403 403 403 redirect mfa",
            "published": "403 403 403 403 403 403 mfa",
        },
    ),
    "votes:turnout": Route(on="poll", GET="403 403 403 403 403 ok mfa", POST="405 405 405 405 405 405 mfa"),
    "votes:booth_list": Route(on="poll", GET="login 403 403 ok 403 403 mfa", POST="login 403 403 400 403 403 mfa"),
    "votes:booth_desk": Route(on="booth", GET="login 403 403 ok 403 403 mfa", POST="login 403 403 400 403 403 mfa"),
    "votes:booth_record": Route(
        on="booth", GET="login 405 405 405 405 405 mfa", POST="login 403 403 redirect 403 403 mfa"
    ),
    "votes:booth_tally": Route(
        on="booth",
        GET="login 403 403 ok 403 403 mfa",
        POST={"open": "login 403 403 403 403 403 mfa", "closed": "login 403 403 400 403 403 mfa"},
    ),
    # --- votes: poll editing in the Wagtail admin (administrators; a poll that opened cannot be deleted) ---
    "polls:add": Route(
        on=None, GET="login login login redirect redirect ok mfa", POST="login login login redirect redirect ok mfa"
    ),
    "polls:edit": Route(
        on="poll",
        GET="login login login redirect redirect ok mfa",
        POST="login login login redirect redirect ok mfa",
    ),
    "polls:delete": Route(
        on="poll",
        GET="login login login redirect redirect ok mfa",
        POST={
            "upcoming": "login login login redirect redirect redirect mfa",
            "open": "login login login redirect redirect 409 mfa",
            "closed": "login login login redirect redirect 409 mfa",
            "published": "login login login redirect redirect 409 mfa",
        },
    ),
    "poll_questions:add": Route(
        on=None, GET="login login login redirect redirect ok mfa", POST="login login login redirect redirect ok mfa"
    ),
    "poll_questions:edit": Route(
        on="question",
        GET="login login login redirect redirect ok mfa",
        POST="login login login redirect redirect ok mfa",
    ),
    "poll_questions:delete": Route(
        on="question",
        GET="login login login redirect redirect ok mfa",
        POST={
            "upcoming": "login login login redirect redirect redirect mfa",
            "open": "login login login redirect redirect 409 mfa",
        },
    ),
    # --- the open-data API (django-ninja): read-only, public data only ----------------------------------
    # --- legislation: a bill's text (upcoming: readable by moderators and administrators only; open: annotation
    # and amendments phases open). Actions need a signed-in account; the rule is checked before the input.
    "legislation:draft": Route(on="bill", GET={"upcoming": "404 404 404 404 ok ok 404", "open": "ok"}, POST="405"),
    "legislation:article": Route(on="bill", GET={"upcoming": "404 404 404 404 ok ok 404", "open": "ok"}, POST="405"),
    "legislation:amendment": Route(on="bill", GET={"upcoming": "404 404 404 404 ok ok 404", "open": "ok"}, POST="405"),
    "legislation:versions": Route(on="bill", GET={"upcoming": "404 404 404 404 ok ok 404", "open": "ok"}, POST="405"),
    "legislation:version": Route(on="bill", GET={"upcoming": "404 404 404 404 ok ok 404", "open": "ok"}, POST="405"),
    "legislation:version_download": Route(
        on="bill", GET={"upcoming": "404 404 404 404 ok ok 404", "open": "ok"}, POST="405", kwargs={"fmt": "json"}
    ),
    "legislation:diff": Route(on="bill", GET={"upcoming": "404 404 404 404 ok ok 404", "open": "ok"}, POST="405"),
    "legislation:data": Route(on="bill", GET={"upcoming": "404 404 404 404 ok ok 404", "open": "ok"}, POST="405"),
    "legislation:checksums": Route(on="bill", GET={"upcoming": "404 404 404 404 ok ok 404", "open": "ok"}, POST="405"),
    "legislation:annotation_debate": Route(
        on="bill", GET={"upcoming": "404 404 404 404 redirect redirect 404", "open": "redirect"}, POST="405"
    ),
    "legislation:annotate": Route(
        on="bill",
        GET="405",
        POST={"upcoming": "login 404 404 404 403 403 404", "open": "login 400 400 400 400 400 400"},
    ),
    "legislation:amend": Route(
        on="bill",
        GET="405",
        POST={"upcoming": "login 404 404 404 403 403 404", "open": "login 403 400 403 403 403 403"},
    ),
    "legislation:amendment_support": Route(
        on="bill",
        GET="405",
        POST={"upcoming": "login 404 404 404 403 403 404", "open": "login 403 redirect 403 403 403 403"},
    ),
    "legislation:amendment_decide": Route(
        on="bill",
        GET="405 405 405 405 405 405 mfa",
        POST={"upcoming": "login 404 404 404 400 400 mfa", "open": "login 403 403 403 400 400 mfa"},
    ),
    "legislation:version_create": Route(
        on="bill",
        GET="405 405 405 405 405 405 mfa",
        POST={"upcoming": "login 404 404 404 400 400 mfa", "open": "login 403 403 403 400 400 mfa"},
    ),
    # --- legislation in the Wagtail admin: administrators only (import with preview, calendar) ---------------
    "legislation_admin:list": Route(
        on=None, GET="login login login 403 403 ok mfa", POST="login login login 403 403 ok mfa"
    ),
    "legislation_admin:import": Route(
        on=None, GET="login login login 403 403 ok mfa", POST="login login login 403 403 400 mfa"
    ),
    "legislation_admin:calendar": Route(
        on="bill", GET="login login login 403 403 ok mfa", POST="login login login 403 403 ok mfa"
    ),
    # --- legislation in the API: readable bills only --------------------------------------------------------
    "api:draft_list": Route(on=None, GET="ok", POST="405"),
    "api:draft_detail": Route(on="bill", GET={"upcoming": "404", "open": "ok"}, POST="405"),
    "api:version_list": Route(on="bill", GET={"upcoming": "404", "open": "ok"}, POST="405"),
    "api:version_detail": Route(on="bill", GET={"upcoming": "404", "open": "ok"}, POST="405"),
    "api:annotation_list": Route(on="bill", GET={"upcoming": "404", "open": "ok"}, POST="405"),
    "api:amendment_list": Route(on="bill", GET={"upcoming": "404", "open": "ok"}, POST="405"),
    "api:api-root": Route(on=None, GET="404", POST="404"),
    "api:openapi-json": Route(on=None, GET="ok", POST="ok"),
    "api:process_list": Route(on=None, GET="ok", POST="405"),
    "api:process_detail": Route(on="process", GET="ok", POST="405"),
    "api:proposal_list": Route(on=None, GET="ok", POST="405"),
    "api:proposal_detail": Route(on="proposal", GET={"draft": "404", "hidden": "404", "published": "ok"}, POST="405"),
    "api:proposal_outcome": Route(on="proposal", GET={"draft": "404", "hidden": "404", "published": "ok"}, POST="405"),
    "api:poll_list": Route(on=None, GET="ok", POST="405"),
    "api:poll_detail": Route(on="poll", GET="ok", POST="405"),
    "api:poll_results": Route(
        on="poll", GET={"upcoming": "403", "open": "403", "closed": "404", "published": "ok"}, POST="405"
    ),
    "api:poll_statistics": Route(
        on="poll", GET={"upcoming": "403", "open": "403", "closed": "404", "published": "ok"}, POST="405"
    ),
    "api:process_statistics_api": Route(on="process", GET="ok", POST="405"),
    "api:process_channel_statistics_api": Route(on="process", GET="ok", POST="405"),
    "api:process_age_statistics_api": Route(on="process", GET="ok", POST="405"),
}
