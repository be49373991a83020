"""The supporter's pages: campaign page, targets and letters, draft or send, confirmation.

Each view reads the request, calls an operation (supporters.operations) and turns its result
into a page; the embed (webapp.embed) runs the same steps in a partner's frame.
"""

from __future__ import annotations

from functools import partial
from types import SimpleNamespace
from typing import NamedTuple

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from letters.compose import (
    blank_compose_links,
    gmail_compose_url,
    letter_eml,
    mailto_too_long,
    mailto_url,
    outlook_compose_url,
)
from letters.language_check import fingerprint, own_words_language
from letters.sharing import closing_for, greeting_for
from letters.templates import CampaignContent
from letters.text import normalise_newlines
from representatives.model import ChannelKind, GroupKind, Match, MatchedTarget, MatchError

from ..app_state import app_state
from ..db import get_session
from ..delivery.mails import distinct_texts
from ..i18n import (
    country_codes,
    country_name,
    current_language,
    folded,
    guess_country,
    language_name_in,
)
from ..models import Campaign, CampaignStatus, DataReportKind, Submission
from ..rate_limits import (
    client_limits,
    email_rate_key,
    has_no_email,
    per_client_limit,
    per_email_limit,
    rate_limits,
    reports_limit,
)
from . import operations
from .flow import MAIN, Flow
from .forms import (
    ConfirmForm,
    DataReportForm,
    LetterGroupFields,
    LettersForm,
    SuggestionForm,
    SupporterDetails,
    SupporterForm,
    pack_recipients,
    unpack_recipients,
)
from .operations import AreaChoice, Closed, DraftLetter
from .proof_of_work import ProofProblem
from .share_links import campaign_page_url
from .share_step import ShareStep, share_step
from .tokens import TokenProblem

bp = Blueprint("public", __name__)


@bp.app_context_processor
def _default_flow():
    # Pages rendered without a flow (error pages, the confirmation) belong to our own site.
    return {"flow": MAIN}


def campaign_or_404(slug: str) -> tuple[Campaign, CampaignContent]:
    loaded = operations.load_campaign(get_session(), slug)
    if loaded is None:
        abort(404)
    return loaded


# --- messages ----------------------------------------------------------------------------

def closed_message(campaign: Campaign, content: CampaignContent | None = None) -> str | None:
    why = operations.why_closed(campaign, content)
    if why == Closed.ENDED and content is not None and content.deadline is not None:
        return _("This campaign ended on %(day)s and no longer takes letters. Thank you for "
                 "your support.", day=format_date(content.deadline, format="long"))
    if why == Closed.CLOSED:
        return _("This campaign has closed and no longer takes letters. Thank you for your "
                 "support.")
    if why == Closed.PAUSED:
        return _("This campaign is paused for the moment. Please come back later.")
    return None


def match_message(error: MatchError, content: CampaignContent, postcode: str) -> str:
    """A match error, said in the supporter's language."""
    if error.code == "unknown_country":
        return _("Please choose a country from the list.")
    if error.code == operations.OutsideCampaign.code:
        names = ", ".join(country_name(code, current_language()) for code in content.countries)
        return _("This campaign takes letters from supporters in %(countries)s.",
                 countries=names)
    if error.code == operations.NoTargets.code:
        return _("We have no representatives for this country yet, so we cannot write letters "
                 "for it. We are working on it.")
    if error.code == "postcode_required":
        return _("For this country we need your postcode to find your representatives.")
    if error.code == "unknown_postcode":
        return _("We could not find this postcode (%(postcode)s). Please check it.",
                 postcode=postcode)
    if error.code == "unknown_area":
        return _("Please choose your constituency or district from the list.")
    return _("We could not match this address.")


def proof_of_work_message(problem: ProofProblem, campaign: Campaign) -> str:
    """Why the letters were not stored to send: the browser's check is missing or fails."""
    button = _("Send it for me")
    if problem == ProofProblem.MISSING:
        message = _("Before we send letters for you, your browser does a short check, which "
                    "needs JavaScript. Please make sure JavaScript is on and press "
                    "\"%(button)s\" again.", button=button)
        if campaign.allow_draft:
            message += " " + _("Or open the letters in your mail app: that needs no "
                               "JavaScript.")
        return message
    if problem == ProofProblem.EXPIRED:
        return _("The check your browser did before sending has expired. Your letters are as "
                 "you left them: please press \"%(button)s\" again.", button=button)
    return _("The check your browser did before sending was not accepted. Your letters are "
             "as you left them: please press \"%(button)s\" again.", button=button)


# --- pages -------------------------------------------------------------------------------

def render_campaign_page(campaign, content, form, error: str | None = None, status: int = 200,
                         flow: Flow = MAIN, area_choice: AreaChoice | None = None):
    """Step one; with the list of areas to choose from when the supporter must choose theirs
    (`area_choice`, or after a refused choice the one their country and postcode give)."""
    directory = app_state().directory.get()
    if area_choice is None and form.area.errors:
        area_choice = area_choice_for(form, campaign, content)
    return render_template(
        "campaign.html", flow=flow, campaign=campaign, content=content, form=form,
        error=error or closed_message(campaign, content),
        postcode_countries=sorted(c for c in directory.countries() if directory.needs_postcode(c)),
        reach=operations.country_reach(campaign, content),
        retention_days=app_state().config.retention_days, area_choice=area_choice,
        contact_months=app_state().config.contact_retention_months,
    ), status


def area_choice_for(form: SupporterForm, campaign: Campaign, content: CampaignContent
                    ) -> AreaChoice | None:
    """The areas the supporter's country and postcode leave to choose from, whatever area the
    form names; None when there is nothing to choose (or they match no one)."""
    try:
        match = operations.match_supporter(campaign, content, form.country.data or "",
                                           form.postcode.data or None)
    except MatchError:
        return None
    return operations.area_choice(match, content)


class OfferedRecipient(NamedTuple):
    """One person a shared letter is offered to on step two."""

    matched: MatchedTarget
    salutation: str
    selected: bool
    closing: str = ""
    by_email: bool = False  # we can send the letter for the supporter
    needs_address: bool = False  # the letter carries the supporter's street address


def offered_recipients(group: LetterGroupFields, by_id: dict[str, MatchedTarget]
                       ) -> tuple[str, list[OfferedRecipient]] | None:
    """A shared letter's language and the people it is offered to; None if the list no
    longer matches the supporter's targets."""
    language, shared, closes, ids = unpack_recipients(group.recipients)
    if not ids or any(i not in by_id for i in ids) or not set(group.targets) <= set(ids):
        return None
    selected = set(group.targets)
    language = language or "en"
    return language, [
        OfferedRecipient(by_id[i], greeting_for(by_id[i].target, language, shared),
                         i in selected, closing_for(by_id[i].target, language, closes),
                         operations.can_send_for(by_id[i].target),
                         operations.needs_street_address(by_id[i].target))
        for i in ids
    ]


def render_letters_page(campaign, content, form: LettersForm, match: Match,
                        details: SupporterDetails, error=None, status=200, flow: Flow = MAIN):
    by_id = {m.target.id: m for m in match.targets}
    # The match's group, not the target's own: the next host's ministers are a group apart.
    group_of = {m.target.id: group.kind for group in match.groups for m in group.targets}
    sections: dict[GroupKind, list] = {group.kind: [] for group in match.groups}
    for group in form.groups:
        offered = offered_recipients(group, by_id)
        if offered:
            language, recipients = offered
            sections[group_of[recipients[0].matched.target.id]].append(
                (group, recipients, language))
    return render_template(
        "letters.html", flow=flow, campaign=campaign, content=content, form=form,
        details=details, match=match,
        area_name=partial(app_state().directory.get().area_name, match.country),
        sections=[(kind, letters) for kind, letters in sections.items() if letters],
        # Whether any of them takes e-mail from us, and any letter needs the street address.
        reach=SimpleNamespace(
            by_email=any(operations.can_send_for(m.target) for m in match.targets),
            needs_address=any(operations.needs_street_address(m.target) for m in match.targets),
        ),
        error=error, languages_for=partial(languages_for, content),
    ), status


def languages_for(content: CampaignContent, recipients: list[OfferedRecipient]
                  ) -> list[tuple[str, str]]:
    """(code, name in the interface language) of each language a letter to these people can
    be written in, for its "Write this letter in" list."""
    language = current_language()
    codes = operations.letter_languages(content, [r.matched.target for r in recipients])
    return sorted(((code, language_name_in(code, language)) for code in codes),
                  key=lambda choice: folded(choice[1]))


def letter_on_page(group: LetterGroupFields, recipients: list[OfferedRecipient]
                   ) -> operations.LetterOnPage:
    return operations.LetterOnPage(group.language,
                                   tuple(r.matched.target for r in recipients),
                                   normalise_newlines(group.body.data or ""),
                                   group.subject.data or "")


def draft_links(draft: DraftLetter) -> dict:
    """The ways to send one letter from the supporter's own mail app."""
    target = draft.target
    item = {"draft": draft, "target": target, "form_url": target.contact_form,
            "post": target.channel(ChannelKind.POST)}
    if target.email:
        to = [target.email]
        mailto = mailto_url(to, draft.subject, draft.body)
        item.update(
            email=target.email, mailto=mailto, too_long=mailto_too_long(mailto),
            gmail=gmail_compose_url(to, draft.subject, draft.body),
            outlook=outlook_compose_url(to, draft.subject, draft.body),
            blank=blank_compose_links(to), eml=letter_eml(to, draft.subject, draft.body),
        )
    return item


def share_for(campaign: Campaign, content: CampaignContent, flow: Flow = MAIN) -> ShareStep:
    """The share step in the page's language: the flow's page to share, else the campaign's
    page on our site."""
    url = flow.share_url or campaign_page_url(app_state().config.base_url, campaign.slug)
    return share_step(content, current_language(), url)


# --- step one ----------------------------------------------------------------------------

@bp.get("/")
def home():
    return campaign_page(app_state().config.default_campaign)


@bp.get("/c/<slug>")
def campaign_page(slug: str):
    # ?country=DE (from a country's summit page) chooses the country; anything else is ignored.
    country = (request.args.get("country") or "").upper()
    return show_campaign(MAIN, slug, country=country if country in country_codes() else None)


def show_campaign(flow: Flow, slug: str, country: str | None = None):
    """Step one: the campaign's text and the supporter form."""
    campaign, content = campaign_or_404(slug)
    form = SupporterForm()
    form.country.data = country or guess_country(
        request.headers, request.accept_languages, app_state().config.trusted_country_header
    )
    return render_campaign_page(campaign, content, form, flow=flow)


def matched_or_message(form: SupporterForm, campaign: Campaign, content: CampaignContent
                       ) -> Match | None:
    """The targets for a validated supporter form; None, with the message at its field."""
    try:
        return operations.match_supporter(campaign, content, form.country.data or "",
                                          form.postcode.data or None, form.area.data or None)
    except MatchError as error:
        field = operations.match_problem(error).field
        getattr(form, field).errors.append(
            match_message(error, content, form.postcode.data or ""))
        return None


@bp.post("/c/<slug>")
@client_limits
def find_targets(slug: str):
    return targets_step(MAIN, slug)


def targets_step(flow: Flow, slug: str):
    """Step one sent: match the supporter and show step two, the targets and the letters."""
    campaign, content = campaign_or_404(slug)
    form = SupporterForm(request.form)
    if closed_message(campaign, content):
        return render_campaign_page(campaign, content, form, status=409, flow=flow)
    if form.website.data:
        return render_template("message.html", title=_("Thank you"), message=_("Thank you."))
    match = matched_or_message(form, campaign, content) if form.validate() else None
    if match is None:
        return render_campaign_page(campaign, content, form, status=422, flow=flow)
    area_choice = operations.area_choice(match, content)
    if area_choice is not None:
        # Step one again, as they filled it in, with the areas to choose theirs from.
        return render_campaign_page(campaign, content, form, flow=flow, area_choice=area_choice)
    details = SupporterDetails.from_form(form)
    letters_form = LettersForm()  # with a new one-time key
    letters_form.seal = app_state().details_seal.make(details.sealed_values())
    ticked = operations.ticked_targets(campaign, match, current_language())
    for letter in operations.shared_letters(content, match, details.supporter(),
                                            current_language()):
        letters_form.add_group({
            "recipients": pack_recipients(letter.language,
                                          bool(letter.recipients[0].salutation),
                                          [r.target.id for r in letter.recipients],
                                          close=bool(letter.recipients[0].closing)),
            "targets": [r.target.id for r in letter.recipients if r.target.id in ticked],
            "subject": letter.subject, "body": letter.body,
            "generated": fingerprint(letter.body),
        })
    # The supporter's own sentence goes into every letter: where it seems to be in another
    # language than one, its letter says so at once (shown, not asked again on sending).
    hints = own_words_language(details.own_words, (g.language for g in letters_form.groups))
    for group in letters_form.groups:
        group.language_hint = hints.get(group.language)
    return render_letters_page(campaign, content, letters_form, match, details, flow=flow)


# --- step two ----------------------------------------------------------------------------

def checked_details(campaign: Campaign, content: CampaignContent
                    ) -> tuple[SupporterDetails, Match] | SupporterForm:
    """Step two's supporter details and their targets, or step one's form showing what is
    wrong with them.

    Unchanged since step one (the seal holds), the details are taken as they are: step one
    checked them. Otherwise they are checked like new input.
    """
    carried = SupporterDetails.carried_in(request.form)
    form = None
    if app_state().details_seal.holds(carried.sealed_values(), request.form.get("seal", "")):
        details = carried
    else:
        form = SupporterForm(request.form)
        if not form.validate():
            return form
        details = SupporterDetails.from_form(form)
    try:
        match = operations.match_supporter(campaign, content, details.country,
                                           details.postcode, details.area)
    except MatchError:
        form = form or SupporterForm(request.form)
        form.validate()
        matched_or_message(form, campaign, content)
        return form
    if operations.area_choice(match, content) is not None:
        # Details changed since step one left the area to choose: step one shows the list.
        form = form or SupporterForm(request.form)
        form.validate()
        form.area.errors = [*form.area.errors, _("Please choose your constituency or district.")]
        return form
    return details, match


def chosen_letters(form: LettersForm, match: Match, signer: str) -> list[DraftLetter] | None:
    """The letters ticked on step two; None when the page no longer fits the match.
    `signer`: the supporter's name, before which each recipient's closing goes."""
    by_id = {m.target.id: m for m in match.targets}
    drafts = []
    for group in form.groups:
        offered = offered_recipients(group, by_id)
        if offered is None:
            return None
        language, recipients = offered
        text = normalise_newlines(group.body.data or "")
        drafts += [DraftLetter(target=r.matched.target, subject=group.subject.data or "",
                               text=text, salutation=r.salutation, language=language,
                               closing=r.closing, signer=signer)
                   for r in recipients if r.selected]
    return drafts


@bp.post("/c/<slug>/letters")
@client_limits
@rate_limits.limit(per_email_limit, email_rate_key, methods=("POST",), exempt_when=has_no_email)
def submit_letters(slug: str):
    return letters_step(MAIN, slug)


def letters_step(flow: Flow, slug: str):
    """Step two sent: open the letters in the supporter's mail app, or store them to send."""
    campaign, content = campaign_or_404(slug)
    if closed_message(campaign, content):
        return render_campaign_page(campaign, content, SupporterForm(request.form),
                                    status=409, flow=flow)
    form = LettersForm(request.form)
    if form.website:  # a bot: behave as if all went well, and store nothing
        return render_template("check_inbox.html", flow=flow, campaign=campaign,
                               content=content, email=request.form.get("email", ""),
                               others=[], sent=0)
    checked = checked_details(campaign, content)
    if isinstance(checked, SupporterForm):
        return render_campaign_page(campaign, content, checked, status=422, flow=flow)
    details, match = checked
    if form.switch is not None:
        return switched_language_page(flow, campaign, content, form, match, details)
    drafts, problem = checked_letters(form, match, content, details.name)
    if drafts and not problem and not form.language_hint_shown and language_hints(
            form, match, content, details):
        # Not an error: the page says it once, and the next press sends the letters as they are.
        form.language_hint_shown = True
        return render_letters_page(campaign, content, form, match, details, flow=flow)
    if drafts and not problem:
        problem = unproven(campaign, form, drafts)
    if not drafts or problem:
        return render_letters_page(campaign, content, form, match, details, status=422,
                                   flow=flow, error=problem)
    sender = operations.Sender(details.supporter(), details.postcode, details.wants_updates,
                               current_language(), street_address=form.street_address)
    result = operations.submit_letters(
        get_session(), campaign, sender, drafts,
        send_for_me=form.send_for_me and campaign.allow_send, form_key=form.form_key,
        via=flow.via)
    return submitted_page(flow, campaign, content, details, result)


def submitted_page(flow: Flow, campaign, content, details: SupporterDetails,
                   result: operations.Submitted):
    """After step two: check your inbox (letters stored to send), or the drafts to send."""
    if result.stored:
        return render_template("check_inbox.html", flow=flow, campaign=campaign,
                               content=content, email=details.email, sent=len(result.stored),
                               others=[draft_links(d) for d in result.to_draft])
    return render_template("draft.html", flow=flow, campaign=campaign, content=content,
                           items=[draft_links(d) for d in result.to_draft],
                           share=share_for(campaign, content, flow),
                           consent_to_confirm=result.consent_to_confirm, email=details.email)


def checked_letters(form: LettersForm, match: Match, content: CampaignContent, signer: str
                    ) -> tuple[list[DraftLetter], str | None]:
    """The letters to submit; or none, and what to tell the supporter (None: the fields
    say it)."""
    form.validate()
    if any(group.errors for group in form.groups if group.targets):
        # Only letters that go to someone must be valid; an unticked one may be anything.
        return [], None
    drafts = chosen_letters(form, match, signer)
    if drafts is None:
        return [], list_changed_message()
    unknown = operations.unknown_language(content, drafts)
    if unknown is not None:
        return [], unknown_language_message(unknown)
    if form.address.errors:
        return [], None
    if not form.street_address and operations.address_needed(drafts):
        form.address.street_address.errors.append(_(
            "Please give your street address: letters to %(names)s must show that you live "
            "in their constituency or district.",
            names=", ".join(d.target_name for d in drafts
                            if operations.address_needed([d]))))
        return [], None
    twice = operations.duplicate_targets(drafts)
    if twice:
        return [], _("Each person gets only one letter from you, but %(names)s is ticked "
                     "under more than one letter. Please untick the extra ones.",
                     names=", ".join(target.name for target in twice))
    return drafts, None if drafts else _("Please choose at least one person to write to.")


def list_changed_message() -> str:
    return _("The list of representatives has changed. Please check your letters again.")


def unknown_language_message(code: str) -> str:
    return _("This campaign has no letter in %(language)s for these people. Please choose "
             "one of the languages in the list.",
             language=language_name_in(code, current_language()))


def language_hints(form: LettersForm, match: Match, content: CampaignContent,
                   details: SupporterDetails) -> bool:
    """Mark each letter going to someone whose words the supporter added seem to be in
    another language than the letter; whether any is."""
    by_id = {m.target.id: m for m in match.targets}
    supporter = details.supporter()
    for group in form.groups:
        offered = offered_recipients(group, by_id)
        unchanged = group.generated == fingerprint(group.body.data or "")
        if group.targets and offered is not None and not unchanged:
            group.language_hint = operations.language_hint(
                content, letter_on_page(group, offered[1]), supporter)
    return any(group.language_hint for group in form.groups)


def switched_language_page(flow: Flow, campaign: Campaign, content: CampaignContent,
                           form: LettersForm, match: Match, details: SupporterDetails):
    """"Change" pressed beside a letter's language: step two again, that letter written anew
    in the language chosen, everything else as the supporter left it.

    Their own changes to its text are not thrown away: the page keeps them beside the new
    text, to copy from (supporters.operations.switch_language says whether there were any).
    """
    group = form.group(form.switch)
    by_id = {m.target.id: m for m in match.targets}
    offered = None if group is None else offered_recipients(group, by_id)
    if group is None or offered is None:
        return render_letters_page(campaign, content, form, match, details, status=422,
                                   flow=flow, error=list_changed_message())
    letter = letter_on_page(group, offered[1])
    if group.language_asked == letter.language:  # the same language: nothing to change
        return render_letters_page(campaign, content, form, match, details, flow=flow)
    try:
        switched = operations.switch_language(content, letter, details.supporter(),
                                              group.language_asked)
    except operations.UnknownLanguage:
        group.language_errors = [unknown_language_message(group.language_asked)]
        return render_letters_page(campaign, content, form, match, details, status=422,
                                   flow=flow)
    earlier = letter.text if switched.edited else group.earlier
    ticked = set(group.targets)
    form.replace_group(group, [
        {"recipients": pack_recipients(new.language, bool(new.recipients[0].salutation),
                                       [r.target.id for r in new.recipients],
                                       close=bool(new.recipients[0].closing)),
         "targets": [r.target.id for r in new.recipients if r.target.id in ticked],
         "subject": new.subject, "body": new.body, "earlier": earlier if place == 0 else "",
         "generated": fingerprint(new.body)}
        for place, new in enumerate(switched.letters)])
    return render_letters_page(campaign, content, form, match, details, flow=flow)


def unproven(campaign: Campaign, form: LettersForm, drafts: list[DraftLetter]) -> str | None:
    """What to tell the supporter when the campaign asks for a proof of work before storing
    these letters and the form's does not hold; None when it holds (it is spent now) or
    none is needed."""
    if not operations.needs_proof_of_work(campaign, drafts, form.send_for_me):
        return None
    problem = operations.spend_proof_of_work(get_session(), form.proof_of_work, form.form_key)
    return None if problem is None else proof_of_work_message(problem, campaign)


@bp.get("/proof-of-work/challenge")
@rate_limits.limit(per_client_limit)
def proof_of_work_challenge():
    """A challenge for the ALTCHA widget on step two (supporters.proof_of_work)."""
    # Each is solved, and spent, once: never cached (security.py's no-store, as on every
    # answer but the campaign page).
    return jsonify(app_state().proof_of_work.challenge())


def render_form_again(campaign, content, error: str, status: int, flow: Flow = MAIN):
    """The form the supporter just sent, as they sent it, with `error` on top, for a form
    refused before its view ran (an expired token, a rate limit). Step two keeps their edited
    letters, or is step one again when their details no longer hold."""
    if request.endpoint != f"{flow.blueprint}.submit_letters":
        return render_campaign_page(campaign, content, SupporterForm(request.form), error=error,
                                    status=status, flow=flow)
    checked = checked_details(campaign, content)
    if isinstance(checked, SupporterForm):
        return render_campaign_page(campaign, content, checked, error=error, status=status,
                                    flow=flow)
    details, match = checked
    return render_letters_page(campaign, content, LettersForm(request.form), match, details,
                               error=error, status=status, flow=flow)


# --- confirmation ------------------------------------------------------------------------

def submission_from_token(token: str) -> tuple[Submission | None, str | None]:
    public_id, problem = app_state().confirmation_tokens.read(token)
    if problem == TokenProblem.EXPIRED:
        return None, _("This link has expired. Links to confirm letters are valid for 7 days; "
                       "your letters were not sent. You are welcome to write again.")
    if problem is not None:
        return None, _("This link is not valid. Please use the link exactly as it is in the "
                       "e-mail.")
    submission = get_session().query(Submission).filter_by(public_id=public_id).one_or_none()
    if submission is None or submission.erased_at is not None or (
            submission.confirmed_at is None and submission.pending_letters is None):
        return None, _("These letters are no longer stored. You are welcome to write again.")
    return submission, None


def cannot_confirm(problem: str):
    return render_template("message.html", title=_("Cannot confirm"), message=problem), 410


@bp.get("/confirm/<token>")
def confirm_page(token: str):
    return render_confirm_page(token)


def render_confirm_page(token: str, error: str | None = None, status: int = 200):
    """The letters and a button that confirms them (also shown again when the POST failed)."""
    submission, problem = submission_from_token(token)
    if submission is None:
        return cannot_confirm(problem or "")
    content = app_state().campaigns.get(submission.campaign.slug)
    return render_template("confirm.html", submission=submission, content=content,
                           form=ConfirmForm(), token=token, error=error,
                           texts=distinct_texts(submission.letters_as_written()),
                           already=submission.confirmed_at is not None), status


@bp.post("/confirm/<token>")
@client_limits
def confirm(token: str):
    # CSRFProtect has checked the form's token before this runs (errors.py shows the page
    # again when it fails).
    submission, problem = submission_from_token(token)
    if submission is None:
        return cannot_confirm(problem or "")
    if submission.campaign.status == CampaignStatus.CLOSED:
        return render_template("message.html", title=_("Campaign closed"),
                               message=closed_message(submission.campaign)), 409
    operations.confirm_letters(get_session(), submission)
    return redirect(url_for("public.confirmed", token=token, lang=current_language()), 303)


@bp.get("/confirmed/<token>")
def confirmed(token: str):
    submission, problem = submission_from_token(token)
    if submission is None:
        return cannot_confirm(problem or "")
    content = app_state().campaigns.get(submission.campaign.slug)
    return render_template("confirmed.html", submission=submission, content=content,
                           share=share_for(submission.campaign, content) if content else None)


# --- reports about the data ----------------------------------------------------------------

# One limit for both kinds of report: a client may not send as many again of the other kind.
_reports_limit = rate_limits.limit(reports_limit, methods=("POST",), scope="data_reports")


@bp.route("/c/<slug>/report", methods=["GET", "POST"])
@_reports_limit
@client_limits
def report_target(slug: str):
    """"Wrong address or person?" about one target, from its card on step two."""
    return report_page(slug, kind=DataReportKind.WRONG_CONTACT)


@bp.route("/c/<slug>/suggest", methods=["GET", "POST"])
@_reports_limit
@client_limits
def suggest_target(slug: str):
    """"Whom should we write to?" from a country the campaign has nobody for yet."""
    return report_page(slug, kind=DataReportKind.SUGGESTION)


def report_page(slug: str, kind: DataReportKind, error: str | None = None,
                status: int | None = None):
    """The form of either report; what a valid POST sends is stored for staff."""
    campaign, content = campaign_or_404(slug)
    target, country = None, request.args.get("country", "").upper()
    if kind == DataReportKind.WRONG_CONTACT:
        target = app_state().directory.get().get(request.args.get("target", ""))
        if target is None:
            abort(404)
        country = target.country
        form: DataReportForm = DataReportForm(request.form if request.method == "POST" else None)
    else:
        if country not in country_codes():
            abort(404)
        form = SuggestionForm(request.form if request.method == "POST" else None)
    if error is None and request.method == "POST" and form.validate():
        if not form.website.data:  # a bot filled the hidden field: store nothing
            operations.record_data_report(get_session(), kind, slug, country,
                                          form.message.data or "", target)
        return render_template("message.html", title=_("Thank you"), message=_(
            "Thank you: campaign staff will check it. You can close this page.")), 201
    status = status or (422 if form.errors else 200)
    return render_template("report.html", campaign=campaign, content=content, form=form,
                           target=target, country=None if target else country,
                           error=error), status


def render_report_again(slug: str, error: str, status: int):
    """A report refused before its view ran (a rate limit, an expired form), as typed; None
    for an unknown campaign, target or country (the error's own page then)."""
    kind = (DataReportKind.WRONG_CONTACT if request.endpoint == "public.report_target"
            else DataReportKind.SUGGESTION)
    try:
        return report_page(slug, kind, error=error, status=status)
    except NotFound:  # raised in an error handler, it would be a 500
        return None


# The privacy pages (erase my data, confirm consents) register on `bp`, imported from here.
from . import privacy_views  # noqa: E402, F401
