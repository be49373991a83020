"""The supporter's way: campaign page, targets and letters, draft or send, confirmation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from database import DriverSelect
from letters.compose import (
    blank_compose_links,
    gmail_compose_url,
    letter_eml,
    mailto_too_long,
    mailto_url,
    outlook_compose_url,
)
from letters.sharing import greeting_for
from representatives.model import (
    ChannelKind,
    GroupKind,
    Match,
    MatchedTarget,
    MatchError,
    UnknownCountry,
)

from .. import services
from ..db import get_session
from ..delivery.outbox import queue_submission
from ..extensions import email_rate_key, has_no_email, limiter
from ..forms import (
    ConfirmForm,
    LettersForm,
    SupporterDetails,
    SupporterForm,
    normalise_newlines,
    pack_recipients,
    unpack_recipients,
)
from ..i18n import country_choices, country_name, current_language, guess_country
from ..mail import distinct_texts
from ..models import Campaign, CampaignStatus, Submission
from ..tokens import TokenProblem

bp = Blueprint("public", __name__)


@dataclass(frozen=True)
class Flow:
    """Where the supporter's way runs: our own pages, or an embed on a partner's page.

    The steps below are the same for both; a flow says which blueprint's URLs the forms post
    to, which layout the pages use, and what else each form carries.
    """

    blueprint: str = "public"
    layout: str = "base.html"
    # Carried on every form action and link of the flow (an embed's partner, origin, theme).
    url_args: Mapping[str, str] = field(default_factory=dict)
    # Extra hidden fields in every form (an embed's own signed token).
    hidden: Mapping[str, str] = field(default_factory=dict)
    # Our own pages carry the session's CSRF token, which CSRFProtect checks before any view
    # runs (the forms do not check it again); an embed cannot count on its cookie.
    csrf: bool = True
    partner: object | None = None
    # The supporter ticked the partner's consent box (embeds only).
    consent: bool = False

    def url(self, endpoint: str, **values) -> str:
        return url_for(f"{self.blueprint}.{endpoint}", **{**self.url_args, **values})

    def drafted(self, session, campaign, details, drafts) -> None:
        """Called before the commit when letters open in the supporter's mail app."""

    def stored(self, session, campaign, details, notice_id: int) -> None:
        """Called before the commit when letters are stored for sending."""


MAIN = Flow()


@bp.app_context_processor
def _default_flow():
    # Pages rendered without a flow (error pages, the confirmation) belong to our own site.
    return {"flow": MAIN}


def _config():
    return current_app.extensions["app_config"]


def _per_client_limit() -> str:
    return _config().ratelimit_per_client


def _per_email_limit() -> str:
    return _config().ratelimit_per_email


# Compiled once (see DriverSelect): constructing and running the SELECT through SQLAlchemy cost
# more than SQLite took to find the row. The row is still read on every request, so that a
# campaign closed or paused by staff stops taking letters at once, in every process. The
# public pages only read it: a named tuple of its columns, not an ORM object.
_CAMPAIGN = Campaign.__table__
_CAMPAIGN_BY_SLUG = DriverSelect(
    select(_CAMPAIGN).where(_CAMPAIGN.c.slug == bindparam("slug")))


def _load_campaign(slug: str) -> tuple[tuple, object]:
    """The campaign's row (its columns as attributes, read-only) and its content."""
    content = services.campaigns().get(slug)
    campaign = _CAMPAIGN_BY_SLUG.first(get_session().connection(), {"slug": slug})
    if content is None or campaign is None:
        abort(404)
    return campaign, content


def _supporter_form(formdata=None) -> SupporterForm:
    form = SupporterForm(formdata=formdata)
    form.country.choices = [("", "")] + list(country_choices(current_language()))
    return form


def _closed_message(campaign, content=None) -> str | None:
    if content is not None and services.campaign_ended(content):
        return _("This campaign ended on %(day)s and no longer takes letters. Thank you for "
                 "your support.", day=format_date(content.deadline, format="long"))
    if campaign.status == CampaignStatus.CLOSED:
        return _("This campaign has closed and no longer takes letters. Thank you for your "
                 "support.")
    if campaign.status == CampaignStatus.PAUSED:
        return _("This campaign is paused for the moment. Please come back later.")
    return None


def render_campaign_page(campaign, content, form, error: str | None = None, status: int = 200,
                         flow: Flow = MAIN):
    directory = services.directory()
    return render_template(
        "campaign.html",
        flow=flow,
        campaign=campaign,
        content=content,
        form=form,
        error=error or _closed_message(campaign, content),
        postcode_countries=sorted(c for c in directory.countries() if directory.needs_postcode(c)),
        retention_days=_config().retention_days,
    ), status


@bp.get("/")
def home():
    return campaign_page(_config().default_campaign)


@bp.get("/c/<slug>")
def campaign_page(slug: str):
    return show_campaign(MAIN, slug)


def show_campaign(flow: Flow, slug: str, country: str | None = None):
    """Step one: the campaign's text and the supporter form."""
    campaign, content = _load_campaign(slug)
    form = _supporter_form()
    form.country.data = country or guess_country(
        request.headers, request.accept_languages, _config().trusted_country_header
    )
    return render_campaign_page(campaign, content, form, flow=flow)


def _match(form, content) -> Match | None:
    """Match the supporter to targets; on bad input put the message next to the field."""
    country = (form.country.data or "").upper()
    postcode = form.postcode.data or None
    try:
        match = services.match_for_campaign(content, country, postcode)
    except UnknownCountry:
        form.country.errors.append(_("Please choose a country from the list."))
        return None
    except services.OutsideCampaign:
        names = ", ".join(country_name(code, current_language()) for code in content.countries)
        form.country.errors.append(
            _("This campaign takes letters from supporters in %(countries)s.", countries=names))
        return None
    except MatchError as error:
        form.postcode.errors.append(_match_message(error.code, form))
        return None
    if not match.targets:
        form.country.errors.append(
            _("We have no representatives for this country yet, so we cannot write letters "
              "for it. We are working on it.")
        )
        return None
    return match


def _match_message(code: str, form) -> str:
    if code == "postcode_required":
        return _("For this country we need your postcode to find your representatives.")
    if code == "unknown_postcode":
        return _("We could not find this postcode (%(postcode)s). Please check it.",
                 postcode=form.postcode.data)
    return _("We could not match this address.")


def _seal():
    return current_app.extensions["details_seal"]


def _checked_details(formdata) -> tuple[SupporterDetails | None, SupporterForm | None]:
    """Step two's supporter details, and the form that checked them again if one did.

    Unchanged since step one (the seal holds), they are taken as they are: step one checked
    them. Otherwise they are checked like new input; None when they do not pass.
    """
    carried = SupporterDetails.carried_in(formdata)
    if _seal().holds(carried.sealed_values(), formdata.get("seal", "")):
        return carried, None
    form = _supporter_form(formdata)
    if not form.validate():
        return None, form
    return SupporterDetails.from_form(form), form


def _match_details(details: SupporterDetails, content) -> Match | None:
    """The targets for checked details; None if they match no one (step one shows why)."""
    try:
        match = services.match_for_campaign(content, details.country, details.postcode or None)
    except MatchError:
        return None
    return match if match.targets else None


@bp.post("/c/<slug>")
@limiter.limit(_per_client_limit, methods=["POST"])
def find_targets(slug: str):
    return targets_step(MAIN, slug)


def targets_step(flow: Flow, slug: str):
    """Step one sent: match the supporter and show step two, the targets and the letters."""
    campaign, content = _load_campaign(slug)
    form = _supporter_form(request.form)
    if _closed_message(campaign, content):
        return render_campaign_page(campaign, content, form, status=409, flow=flow)
    if form.website.data:
        return render_template("message.html", title=_("Thank you"), message=_("Thank you."))
    if not form.validate():
        return render_campaign_page(campaign, content, form, status=422, flow=flow)
    match = _match(form, content)
    if match is None:
        return render_campaign_page(campaign, content, form, status=422, flow=flow)
    details = SupporterDetails.from_form(form)
    letters_form = LettersForm()
    letters_form.form_key = services.new_form_key()
    letters_form.seal = _seal().make(details.sealed_values())
    for letter in services.shared_letters(content, match, details.supporter()):
        ids = [recipient.target.id for recipient in letter.recipients]
        letters_form.add_group({
            "recipients": pack_recipients(letter.language,
                                          bool(letter.recipients[0].salutation), ids),
            # Someone we have no way to reach is listed, but not ticked.
            "targets": [r.target.id for r in letter.recipients if r.target.channels],
            "subject": letter.subject,
            "body": letter.body,
        })
    return render_letters_page(campaign, content, letters_form, match, details, flow=flow)


class Recipient(NamedTuple):  # one per person offered a letter: cheaper than a dataclass
    matched: MatchedTarget
    salutation: str
    selected: bool


def _recipients(group, by_id: dict[str, MatchedTarget]
                ) -> tuple[str, list[Recipient]] | tuple[None, None]:
    """One shared letter's language and the people it is offered to; (None, None) if the list
    no longer matches."""
    language, shared, ids = unpack_recipients(group.recipients)
    if not ids or any(i not in by_id for i in ids):
        return None, None
    selected = set(group.targets)
    language = language or "en"
    return language, [
        Recipient(by_id[i], greeting_for(by_id[i].target, language, shared), i in selected)
        for i in ids
    ]


def render_letters_page(campaign, content, form, match: Match, details: SupporterDetails,
                        error=None, status=200, flow: Flow = MAIN):
    by_id = {m.target.id: m for m in match.targets}
    sections: dict[GroupKind, list] = {group.kind: [] for group in match.groups}
    for group in form.groups:
        _language, recipients = _recipients(group, by_id)
        if recipients:
            sections[recipients[0].matched.target.group].append((group, recipients))
    return render_template(
        "letters.html",
        flow=flow,
        campaign=campaign,
        content=content,
        form=form,
        details=details,
        match=match,
        sections=[(kind, letters) for kind, letters in sections.items() if letters],
        can_send_for=services.can_send_for,
        error=error,
    ), status


@bp.post("/c/<slug>/letters")
@limiter.limit(_per_client_limit, methods=["POST"])
@limiter.limit(_per_email_limit, key_func=email_rate_key, exempt_when=has_no_email,
               methods=["POST"])
def submit_letters(slug: str):
    return letters_step(MAIN, slug)


def letters_step(flow: Flow, slug: str):
    """Step two sent: open the letters in the supporter's mail app, or store them to send."""
    campaign, content = _load_campaign(slug)
    if _closed_message(campaign, content):
        return render_campaign_page(campaign, content, _supporter_form(request.form),
                                    status=409, flow=flow)
    form = LettersForm(request.form)
    if form.website:
        # A bot: behave as if all went well and store nothing.
        return render_template("check_inbox.html", flow=flow, campaign=campaign,
                               content=content, email=request.form.get("email", ""),
                               others=[], sent=0)
    form.validate()
    details, supporter_form = _checked_details(request.form)
    match = None if details is None else _match_details(details, content)
    if match is None:
        # The details carried from step one no longer hold: show step one with the messages
        # (the form's own if it checked them and refused, else why they match no one).
        if supporter_form is None:
            supporter_form = _supporter_form(request.form)
            supporter_form.validate()
        if details is not None:
            _match(supporter_form, content)
        return render_campaign_page(campaign, content, supporter_form, status=422, flow=flow)
    if any(group.errors for group in form.groups if group.targets):
        # Only letters that go to someone must be valid; an unticked one may be anything.
        return render_letters_page(campaign, content, form, match, details, status=422,
                                   flow=flow)

    by_id = {m.target.id: m for m in match.targets}
    drafts: list[services.DraftLetter] = []
    for group in form.groups:
        language, recipients = _recipients(group, by_id)
        if recipients is None or not set(group.targets) <= {
            r.matched.target.id for r in recipients
        }:
            return render_letters_page(
                campaign, content, form, match, details, status=422, flow=flow,
                error=_("The list of representatives has changed. Please check your letters "
                        "again."),
            )
        text = normalise_newlines(group.body.data or "")
        drafts += [
            services.DraftLetter(target=r.matched.target, subject=group.subject.data,
                                 text=text, salutation=r.salutation, language=language)
            for r in recipients if r.selected
        ]
    if not drafts:
        return render_letters_page(campaign, content, form, match, details, status=422,
                                   flow=flow,
                                   error=_("Please choose at least one person to write to."))
    if form.send_for_me and campaign.allow_send:
        return _send_for_me(campaign, content, form, details, drafts, flow)
    return _open_in_mail_app(campaign, content, details, drafts, flow)


def _open_in_mail_app(campaign, content, details: SupporterDetails, drafts, flow: Flow = MAIN):
    session = get_session()
    services.count_drafts(session, campaign, details.country, len(drafts))
    flow.drafted(session, campaign, details, drafts)
    session.commit()
    return render_template(
        "draft.html", flow=flow, campaign=campaign, content=content,
        items=[_draft_links(d) for d in drafts],
    )


def _draft_links(draft: services.DraftLetter) -> dict:
    target = draft.target
    item = {"draft": draft, "target": target, "form_url": target.contact_form,
            "post": target.channel(ChannelKind.POST)}
    if target.email:
        to = [target.email]
        mailto = mailto_url(to, draft.subject, draft.body)
        item.update(
            email=target.email,
            mailto=mailto,
            too_long=mailto_too_long(mailto),
            gmail=gmail_compose_url(to, draft.subject, draft.body),
            outlook=outlook_compose_url(to, draft.subject, draft.body),
            blank=blank_compose_links(to),
            eml=letter_eml(to, draft.subject, draft.body),
        )
    return item


def _send_for_me(campaign, content, form, details: SupporterDetails, drafts, flow: Flow = MAIN):
    session = get_session()
    sendable, others = [], []
    for draft in drafts:
        if services.can_send_for(draft.target):
            sendable.append(draft)
        else:
            others.append(_draft_links(draft))
    if not sendable:
        return _open_in_mail_app(campaign, content, details, drafts, flow)
    try:
        notice_id = services.store_submission(
            session,
            campaign=campaign,
            supporter=details.supporter(),
            postcode=details.postcode,
            language=current_language(),
            wants_updates=details.wants_updates,
            form_key=form.form_key or services.new_form_key(),
            drafts=sendable,
            partner_code=getattr(flow.partner, "code", None),
        )
        flow.stored(session, campaign, details, notice_id)
        session.commit()
        current_app.extensions["queue"].enqueue_after_commit("notice", [notice_id])
    except IntegrityError:
        # The form's one-time key is taken: a double submit. The first one stands; show the
        # same page without storing anything twice.
        session.rollback()
    return render_template("check_inbox.html", flow=flow, campaign=campaign, content=content,
                           email=details.email, others=others, sent=len(sendable))


def _submission_from_token(token: str) -> tuple[Submission | None, str | None]:
    public_id, problem = current_app.extensions["tokens"].read(token)
    if problem == TokenProblem.EXPIRED:
        return None, _("This link has expired. Links to confirm letters are valid for 7 days; "
                       "your letters were not sent. You are welcome to write again.")
    if problem is not None:
        return None, _("This link is not valid. Please use the link exactly as it is in the "
                       "e-mail.")
    submission = get_session().query(Submission).filter_by(public_id=public_id).one_or_none()
    if submission is None or (submission.confirmed_at is None
                              and submission.pending_letters is None):
        return None, _("These letters are no longer stored. You are welcome to write again.")
    return submission, None


@bp.get("/confirm/<token>")
def confirm_page(token: str):
    return render_confirm_page(token)


def render_confirm_page(token: str, error: str | None = None, status: int = 200):
    """The letters and a button that confirms them (also shown again when the POST failed)."""
    submission, problem = _submission_from_token(token)
    if problem:
        return render_template("message.html", title=_("Cannot confirm"), message=problem), 410
    content = services.campaigns().get(submission.campaign.slug)
    return render_template("confirm.html", submission=submission, content=content,
                           form=ConfirmForm(), token=token, error=error,
                           texts=distinct_texts(submission.letters_as_written()),
                           already=submission.confirmed_at is not None), status


@bp.post("/confirm/<token>")
@limiter.limit(_per_client_limit, methods=["POST"])
def confirm(token: str):
    # CSRFProtect has checked the form's token before this runs (errors.py shows the page
    # again when it fails).
    submission, problem = _submission_from_token(token)
    if problem:
        return render_template("message.html", title=_("Cannot confirm"), message=problem), 410
    if submission.campaign.status == CampaignStatus.CLOSED:
        return render_template("message.html", title=_("Campaign closed"),
                               message=_closed_message(submission.campaign)), 409
    session = get_session()
    queued = queue_submission(session, submission)
    session.commit()
    current_app.extensions["queue"].enqueue_after_commit("letter", queued)
    return redirect(url_for("public.confirmed", token=token, lang=current_language()), 303)


@bp.get("/confirmed/<token>")
def confirmed(token: str):
    submission, problem = _submission_from_token(token)
    if problem:
        return render_template("message.html", title=_("Cannot confirm"), message=problem), 410
    return render_template("confirmed.html", submission=submission)
