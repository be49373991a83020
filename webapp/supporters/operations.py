"""What a supporter's request does, in one place: the web pages, the embed and the API call these.

Each operation takes the request's session and plain values, and returns a result that the
view turns into HTML or JSON; none reads the request or renders anything. An operation that
changes something commits; ids for the task queue are handed over after that commit
(delivery.after_commit).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import NamedTuple
from weakref import WeakKeyDictionary

from jinja2 import TemplateError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from database import insert_or_merge, utcnow
from letters.language_check import OtherLanguage, other_language
from letters.rendering import LetterRenderer, Supporter, UnknownCampaign
from letters.salutations.shared_inbox import closing_for_all, salutation_for_all
from letters.sender_address import clean_address, needs_street_address, signed_with_address
from letters.sharing import SharedLetter, addressed_body, closed_text, share_letters
from letters.templates import CampaignContent
from letters.text import normalise_newlines
from representatives.countries import official_languages
from representatives.directory import Directory
from representatives.model import (
    ChannelKind,
    GroupKind,
    Match,
    MatchError,
    Target,
    TargetGroup,
    TargetKind,
    base_language,
)

from .. import moderation
from ..app_state import app_state
from ..campaigns import campaign_ended
from ..delivery.after_commit import enqueue_after_commit
from ..delivery.outbox import queue_submission
from ..models import (
    Campaign,
    CampaignStatus,
    DataReport,
    DataReportKind,
    DraftCount,
    Notice,
    NoticeKind,
    NoticeState,
    PendingLetter,
    PendingLetters,
    SpentChallenge,
    Submission,
)
from ..partners import service as partners
from ..partners.models import Partner
from . import consent
from .proof_of_work import ProofProblem

log = logging.getLogger(__name__)


# --- the campaign ------------------------------------------------------------------------

def load_campaign(session: Session, slug: str) -> tuple[Campaign, CampaignContent] | None:
    """The campaign's row and its content (staff edits included); None if there is no such.

    The row is read on every request, so that a campaign closed or paused by staff stops
    taking letters at once, in every process.
    """
    content = app_state().campaigns.get(slug)
    if content is None:
        return None
    campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).first()
    return None if campaign is None else (campaign, content)


class Closed(StrEnum):
    """Why a campaign takes no letters now."""

    ENDED = "ended"  # its deadline has passed
    CLOSED = "closed"
    PAUSED = "paused"


def why_closed(campaign: Campaign, content: CampaignContent | None = None) -> Closed | None:
    """None while the campaign takes letters."""
    if content is not None and campaign_ended(content):
        return Closed.ENDED
    if campaign.status == CampaignStatus.CLOSED:
        return Closed.CLOSED
    if campaign.status == CampaignStatus.PAUSED:
        return Closed.PAUSED
    return None


# --- matching ----------------------------------------------------------------------------

class OutsideCampaign(MatchError):
    """The campaign takes letters only from some countries, and not this one."""

    code = "outside_campaign"


class NoTargets(MatchError):
    """The country is known, but nobody in it is a target of this campaign yet."""

    code = "no_targets"


class MatchProblem(NamedTuple):
    """What a match error means for the form: which field it belongs to, and why."""

    field: str  # "country", "postcode" or "area"
    code: str  # a MatchError code


_COUNTRY_PROBLEMS = {"unknown_country", OutsideCampaign.code, NoTargets.code}


def match_problem(error: MatchError) -> MatchProblem:
    if error.code == "unknown_area":
        return MatchProblem("area", error.code)
    return MatchProblem("country" if error.code in _COUNTRY_PROBLEMS else "postcode", error.code)


def match_supporter(campaign: Campaign, content: CampaignContent, country: str,
                    postcode: str | None = None, area: str | None = None) -> Match:
    """The campaign's targets for a supporter: only its countries and kinds of target, and
    the next summit's host where the campaign offers it to everyone.

    `area` is the constituency or district the supporter chose (see area_choice).
    Raises a MatchError (see match_problem) when there is no one to write to, or the area is
    not one they can choose.
    """
    country = country.upper()
    if content.countries and country not in content.countries:
        raise OutsideCampaign(country)
    match = app_state().directory.get().match(country, postcode=postcode or None,
                                              area=area or None,
                                              with_next_host=campaign.write_to_next_host)
    kinds = set(content.target_kinds)
    groups = tuple(
        TargetGroup(group.kind, tuple(m for m in group.targets if m.target.kind in kinds))
        for group in match.groups
    )
    match = replace(match, groups=tuple(group for group in groups if group.targets))
    if not match.targets and area_choice(match, content) is None:
        raise NoTargets(country)
    return match


@dataclass(frozen=True)
class AreaChoice:
    """The constituencies or districts a supporter chooses theirs from, before step two."""

    # (label, name): the label is what the form sends back (Directory.match's `area`).
    areas: tuple[tuple[str, str], ...]
    # Why: their postcode lies in several of these (else no postcode table finds theirs).
    postcode_spans: bool


def area_choice(match: Match, content: CampaignContent) -> AreaChoice | None:
    """What the supporter must choose before their letters, or None: nothing to choose.

    Only where the campaign writes to the members of those areas: a campaign for
    governments alone has no use for the supporter's constituency.
    """
    directory = app_state().directory.get()
    country = match.country
    if "no_postcode_data" in match.notes:
        if TargetKind.MP not in content.target_kinds or not match.candidate_areas:
            return None
        spans = False
    elif "postcode_spans_areas" in match.notes:
        candidates = set(match.candidate_areas)
        if not any(m.matched_on in candidates for m in match.targets):
            return None
        spans = True
    else:
        return None
    return AreaChoice(tuple((label, directory.area_name(country, label))
                            for label in match.candidate_areas), spans)


# The government, its delegation and the next summit's host are why the campaign exists:
# all of them are ticked. Of a longer list (96 MEPs), a few are, in turn.
_ALWAYS_TICKED = frozenset({GroupKind.GOVERNMENT, GroupKind.NEXT_SUMMIT_HOST})


def ticked_targets(campaign: Campaign, match: Match, reader_language: str = "") -> set[str]:
    """The ids of the targets ticked for one supporter on step two.

    Everyone in a short list who has a channel; of a list longer than the campaign's
    `letters_ticked`, that many, chosen in turn (representatives.selection) among those
    written to in `reader_language` (the page's) when the list has any, else among all; and
    none of the district members when the postcode lies in several districts (the supporter
    chooses their own; those elected for the whole state or region are theirs either way).
    """
    ticked: set[str] = set()
    undecided = set(match.candidate_areas) if "postcode_spans_areas" in match.notes else set()
    for group in match.groups:
        targets = [m.target for m in group.targets if m.matched_on not in undecided]
        if group.kind in _ALWAYS_TICKED or len(targets) <= campaign.letters_ticked:
            ticked.update(t.id for t in targets if t.channels)
        else:
            ticked.update(t.id for t in _in_turn(campaign, targets, reader_language))
    return ticked


def _in_turn(campaign: Campaign, targets: list[Target], reader_language: str) -> list[Target]:
    # A list in several languages is one elected by several language communities (Belgium's
    # MEPs): a supporter reading French belongs to the French-speaking one. Its members are
    # ticked first, then others in turn up to the campaign's number.
    rotation, wanted = app_state().rotation, campaign.letters_ticked
    own = [t for t in targets if t.language.casefold() == reader_language.casefold()]
    chosen = rotation.choose(campaign.id, own, wanted) if own else []
    if len(chosen) < wanted:
        own_ids = {t.id for t in own}
        others = [t for t in targets if t.id not in own_ids]
        chosen += rotation.choose(campaign.id, others, wanted - len(chosen))
    return chosen


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a cache key
class CountryReach:
    """What a supporter from each country can do in a campaign, before they type anything."""

    # The groups of a country's own targets, each with whether one takes e-mail or a form.
    own: Mapping[str, Mapping[GroupKind, bool]]
    next_host: str | None  # the next summit's host, offered to everyone else; None if not
    countries: frozenset[str]  # the campaign's countries; empty: every country

    def of(self, country: str) -> tuple[str, ...]:
        """Codes for the country list: its own groups ("government", or "government_by_post"
        where its targets take only letters on paper), else "next_summit_host", "nobody", or
        "outside_campaign"."""
        if self.countries and country not in self.countries:
            return ("outside_campaign",)
        own = self.own.get(country)
        if own:
            return tuple(kind.value if own[kind] else f"{kind.value}_by_post"
                         for kind in GroupKind if kind in own)
        return ("next_summit_host",) if self.next_host and self.next_host != country else (
            "nobody",)


def country_reach(campaign: Campaign, content: CampaignContent) -> CountryReach:
    """The campaign's reach per country, the same object until the data or settings change."""
    directory = app_state().directory.get()
    kinds, countries = frozenset(content.target_kinds), frozenset(content.countries)
    key = (kinds, countries, campaign.write_to_next_host)
    # Kept per directory and weakly: a directory the cache has replaced is freed with its reach.
    per_directory = _REACH.setdefault(directory, {})
    reach = per_directory.get(key)
    if reach is None:
        host = directory.next_summit_host if campaign.write_to_next_host else None
        if host is not None and not any(m.target.kind in kinds
                                        for m in directory.next_host_targets()):
            host = None
        reach = per_directory[key] = CountryReach(directory.groups_by_country(kinds), host,
                                                  countries)
    return reach


_REACH: WeakKeyDictionary[Directory, dict[tuple, CountryReach]] = WeakKeyDictionary()


def record_data_report(session: Session, kind: DataReportKind, campaign_slug: str,
                       country: str, message: str, target: Target | None = None) -> None:
    """Keep a supporter's report about the data for staff; nothing about the supporter."""
    session.add(DataReport(
        kind=kind, campaign_slug=campaign_slug, country=country,
        target_id=target.id if target else None, target_name=target.name if target else None,
        message=normalise_newlines(message or "").strip(),
    ))  # fmt: skip
    session.commit()


# --- letters -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DraftLetter:
    """A letter as the supporter left it: its recipient, and the text shared with others."""

    target: Target
    subject: str
    text: str  # the words after the salutation, lines ending in LF
    salutation: str
    language: str
    # Others who share the target's e-mail address and get this same letter there
    # (one_letter_per_address).
    also: tuple[Target, ...] = ()
    # The recipient's own closing line, put into the text before the supporter's name
    # (`signer`) when the letter is read or stored; empty when the text carries its own.
    closing: str = ""
    signer: str = ""

    @property
    def targets(self) -> tuple[Target, ...]:
        return (self.target, *self.also)

    @property
    def target_name(self) -> str:
        """Everyone the letter is addressed to, in its language: "Minister A, Minister B"; an
        office addressed by its title by its title in the letter's language where known."""
        return ", ".join(target.name_in(self.language) for target in self.targets)

    @property
    def closed_text(self) -> str:
        """The words after the salutation with the recipient's closing in place."""
        return closed_text(self.text, self.closing, self.language, self.signer)

    @property
    def body(self) -> str:
        return addressed_body(self.salutation, self.closed_text)

    def pending(self) -> PendingLetter:
        """The letter as it waits in its submission for the supporter's confirmation.

        A letter to several people at one address keeps the first one's id: a letter row
        holds one target id (the schema is unchanged), and its name lists all of them. The
        address is kept lower-cased and trimmed, as letters are merged by it: the hourly cap
        counts letters per address by comparing it as it is stored.
        """
        name = self.target_name
        if len(name) > _NAME_LENGTH:  # the letter row's target_name holds 200 characters
            name = name[:_NAME_LENGTH - 1] + "…"
        return PendingLetter(self.target.id, name, _address(self.target), self.salutation,
                             self.subject, self.closed_text, self.language)


_NAME_LENGTH = 200


def _address(target: Target) -> str:
    return (target.email or "").strip().lower()


def one_letter_per_address(drafts: list[DraftLetter]) -> list[DraftLetter]:
    """The letters with those to one e-mail address made one: a ministry's general inbox
    that three ministers share gets one letter naming all three, not three near-copies.

    The merged letter takes the place, words and language of the first letter to that
    address, and one salutation that fits everyone (letters.salutations.shared_inbox), with the
    closing that agrees with it; none when the first letter's text carries its own. Letters
    to people without an e-mail address (a contact form, the post) stay one per person.
    """
    by_address: dict[str | int, list[DraftLetter]] = {}
    for place, draft in enumerate(drafts):
        by_address.setdefault(_address(draft.target) or place, []).append(draft)
    return [_merged(letters) for letters in by_address.values()]


def _merged(letters: list[DraftLetter]) -> DraftLetter:
    first = letters[0]
    if len(letters) == 1:
        return first
    targets = [letter.target for letter in letters]
    greeting = salutation_for_all(targets, first.language) if first.salutation else ""
    ending = closing_for_all(targets, first.language) if first.closing else ""
    return replace(first, salutation=greeting, closing=ending, also=tuple(targets[1:]))


def shared_letters(content: CampaignContent, match: Match, supporter: Supporter,
                   reader_language: str = "") -> list[SharedLetter]:
    """The letters for step two: one text per section, language and wording, each recipient
    greeted; in each section the letter in `reader_language` (the page's) comes first."""
    return _rendered(content, [[m.target for m in group.targets] for group in match.groups],
                     supporter, reader_language=reader_language)


def _rendered(content: CampaignContent, sections: list[list[Target]], supporter: Supporter,
              language: str | None = None, reader_language: str = "") -> list[SharedLetter]:
    """The shared letters to each section's targets, in `language` (default: each target's),
    those in `reader_language` first within each section."""
    summits = app_state().directory.get().summits

    def render(renderer: LetterRenderer) -> list[SharedLetter]:
        # Where a section's people read different languages (Belgium's MEPs), the supporter
        # reads and edits first the letter they can read best; the rest keep their order.
        return [
            letter
            for targets in sections
            for letter in sorted(
                (letter
                 for part_language, part in _by_letter_language(content, targets, language,
                                                                 reader_language)
                 for letter in share_letters(renderer, content.slug, part, supporter,
                                             summits=summits, language=part_language)),
                key=lambda letter: letter.language.casefold() != reader_language.casefold())
        ]

    campaigns = app_state().campaigns
    try:
        return render(campaigns.renderer)
    except (TemplateError, UnknownCampaign) as error:
        # Staff templates are checked when saved, but a supporter's input can still push one
        # past the sandbox's limits: the campaign's own file letter is the safe fallback.
        if content.slug not in campaigns.content:
            raise
        log.error("published letter of %s failed, using the file's: %s", content.slug, error)
        return render(campaigns.file_renderer)


# --- a letter's language -------------------------------------------------------------------

# A government takes letters in any official language of its country: Switzerland's Languages
# Act lets "any person dealing with a federal authority" use "the official language of their
# own choice" (SR 441.1, art. 6), and Belgium's, Canada's and Finland's laws say the same of
# theirs. So a supporter whose page is in one of them writes to that government in their own
# language, which they can read and make their own. Members of parliament keep the language
# the data gives them: Belgium's, for one, are elected by language community.

def _by_letter_language(content: CampaignContent, targets: list[Target], language: str | None,
                        reader_language: str) -> list[tuple[str | None, list[Target]]]:
    """The targets in groups by the language their letter is written in: `language` when the
    supporter chose one; else the reader's for governments that take it, and each target's
    own (None) for the rest."""
    if language is not None or not reader_language:
        return [(language, targets)]
    parts: dict[str | None, list[Target]] = {reader_language: [], None: []}
    for target in targets:
        parts[reader_language if _takes(content, target, reader_language) else None].append(
            target)
    return [(part_language, part) for part_language, part in parts.items() if part]


def _takes(content: CampaignContent, target: Target, language: str) -> bool:
    """Whether a letter to `target` is best written in `language` rather than its own."""
    return (target.group == GroupKind.GOVERNMENT
            and target.language.casefold() != language.casefold()
            and base_language(language) in official_languages(target.country)
            and language in letter_languages(content, [target]))


def letter_languages(content: CampaignContent, targets: Iterable[Target]) -> tuple[str, ...]:
    """The languages a letter to these targets can be written in: those the campaign has a
    letter in that addresses every one of them."""
    kinds = {target.kind for target in targets}
    return tuple(sorted(code for code, template in content.templates.items()
                        if kinds <= set(template.target_kinds)))


def unknown_language(content: CampaignContent, drafts: Iterable[DraftLetter]) -> str | None:
    """The first language of these letters that the campaign has no letter in for its
    recipient (a page can send any); None when each is one it has."""
    checked: dict[tuple[str, TargetKind], bool] = {}
    for draft in drafts:
        key = (draft.language, draft.target.kind)
        if key not in checked:
            checked[key] = draft.language in letter_languages(content, [draft.target])
        if not checked[key]:
            return draft.language
    return None


class UnknownLanguage(ValueError):
    """The campaign has no letter in that language for these targets."""


@dataclass(frozen=True, slots=True)
class LetterOnPage:
    """One shared letter as step two holds it: its language, its recipients (every one
    offered, ticked or not), and its text as the supporter left it."""

    language: str
    targets: tuple[Target, ...]
    text: str
    subject: str = ""


@dataclass(frozen=True, slots=True)
class Switched:
    """A letter written anew in another language."""

    letters: list[SharedLetter]  # one, or more where the new language's texts differ
    # The supporter had changed the words: the page keeps their text beside the new one.
    edited: bool


def _same_words(one: str, other: str) -> bool:
    return one.split() == other.split()


def _generated(content: CampaignContent, letter: LetterOnPage, supporter: Supporter
               ) -> SharedLetter:
    """The campaign's letter to the first of these targets, in the letter's language."""
    return _rendered(content, [list(letter.targets[:1])], supporter, letter.language)[0]


def switch_language(content: CampaignContent, letter: LetterOnPage, supporter: Supporter,
                    language: str) -> Switched:
    """The letter to the same people written in `language`, from the campaign's template.

    A subject the supporter wrote themselves stays: one line is theirs to translate or not,
    and unlike the text it has no place beside the new one to be copied from. A subject as
    generated (or emptied) follows the language.

    Raises UnknownLanguage when the campaign has no letter in it for all of them.
    """
    if language not in letter_languages(content, letter.targets):
        raise UnknownLanguage(language)
    generated = _generated(content, letter, supporter)
    edited = not _same_words(generated.body, letter.text)
    letters = _rendered(content, [list(letter.targets)], supporter, language)
    if letter.subject.strip() and not _same_words(generated.subject, letter.subject):
        letters = [replace(new, subject=letter.subject) for new in letters]
    return Switched(letters, edited)


def language_hint(content: CampaignContent, letter: LetterOnPage, supporter: Supporter
                  ) -> OtherLanguage | None:
    """What the supporter wrote into a letter on step two in another language than the
    letter's, if anything: what its text holds beyond the campaign's letter to them."""
    if not letter.targets:
        return None
    return other_language(_generated(content, letter, supporter).body, letter.text,
                          letter.language)


def can_send_for(target: Target) -> bool:
    return target.channel(ChannelKind.EMAIL) is not None


def address_needed(drafts: list[DraftLetter]) -> bool:
    """Whether one of these letters goes to an office that reads only its constituents'
    letters, and so carries the supporter's street address (letters.sender_address)."""
    return any(needs_street_address(target) for draft in drafts for target in draft.targets)


def with_street_address(drafts: list[DraftLetter], sender: Sender) -> list[DraftLetter]:
    """The letters, those to offices that need it signed with the supporter's address.

    The address goes into the letter's text and nowhere else, so that it is kept exactly as
    long as the letter (the retention job and erasure empty the texts).
    """
    address = clean_address(sender.street_address)
    if not address:
        return drafts
    name, town = sender.supporter.name, sender.supporter.town
    return [replace(draft, text=signed_with_address(draft.text, name, address, town))
            if address_needed([draft]) else draft for draft in drafts]


def new_form_key() -> str:
    return secrets.token_urlsafe(24)


# What new_form_key gives: 24 random bytes in URL-safe base64, without padding.
_FORM_KEY = re.compile(r"[A-Za-z0-9_-]{32}")


def issued_form_key(value: str) -> str | None:
    """The form's one-time key as a page brought it back; None unless it is one we issue (a
    page cannot choose what is stored in its place)."""
    return value if _FORM_KEY.fullmatch(value) else None


class DuplicateTargets(ValueError):
    """Two letters of one submission go to the same target: each gets one at most."""

    def __init__(self, targets: list[Target]):
        super().__init__(", ".join(t.id for t in targets))
        self.targets = targets


def duplicate_targets(drafts: list[DraftLetter]) -> list[Target]:
    """The targets that more than one of these letters go to, each once, in their order."""
    seen: set[str] = set()
    twice: dict[str, Target] = {}
    for draft in drafts:
        if draft.target.id in seen:
            twice.setdefault(draft.target.id, draft.target)
        seen.add(draft.target.id)
    return list(twice.values())


# --- proof of work ----------------------------------------------------------------------

def needs_proof_of_work(campaign: Campaign, drafts: list[DraftLetter], send_for_me: bool
                        ) -> bool:
    """Whether these letters are stored only with a proof of work: the campaign asks for one,
    and "send it for me" would store some. Letters opened in the mail app never need one."""
    return (send_for_me and campaign.allow_send and campaign.proof_of_work
            and any(can_send_for(d.target) for d in drafts))


def spend_proof_of_work(session: Session, payload: str, form_key: str) -> ProofProblem | None:
    """Check a form's proof of work (supporters.proof_of_work) and record it as spent by
    that form; None when it holds.

    A solution spent by another form is refused; spent by this same form (sent twice), it
    holds, and submit_letters stores nothing the second time. The record is committed before
    the letters are stored, in every process's database, so two requests cannot both spend it.
    """
    solved = app_state().proof_of_work.check(payload)
    if isinstance(solved, ProofProblem):
        return solved
    try:
        session.execute(insert(SpentChallenge).values(
            signature=solved.signature, form_key=form_key, expires_at=solved.expires_at))
        session.commit()
        return None
    except IntegrityError:
        session.rollback()
    spent_by = session.scalar(select(SpentChallenge.form_key).where(
        SpentChallenge.signature == solved.signature))
    return None if spent_by == form_key else ProofProblem.SPENT


# --- submitting --------------------------------------------------------------------------

@dataclass(frozen=True)
class Sender:
    """Who sends the letters, as checked (by the form, or the API)."""

    supporter: Supporter
    postcode: str
    wants_updates: bool
    language: str  # the supporter's interface language: their mails come in it
    # For the offices that need it (letters.sender_address); kept only in those letters.
    street_address: str = ""


@dataclass(frozen=True)
class Via:
    """Where the letters came from: our own pages, or a partner's embed or API key."""

    partner: Partner | None = None
    # The supporter ticked the partner's own consent box. It counts once they confirm their
    # address: recorded by confirm_letters, or for letters opened in a mail app by
    # consent.confirm_consent.
    partner_consent: bool = False

    def consent_text(self) -> str | None:
        """The words of the partner's box the supporter ticked; None when there are none."""
        if self.partner is None or not self.partner_consent:
            return None
        return self.partner.consent_text or None


OUR_SITE = Via()


@dataclass
class Submitted:
    """What became of a supporter's letters."""

    stored: list[DraftLetter] = field(default_factory=list)  # sent for them once confirmed
    to_draft: list[DraftLetter] = field(default_factory=list)  # to open in their mail app
    duplicate: bool = False  # the same form (or idempotency key) was sent before: nothing new
    # Letters left to the mail app, with consents ticked: a mail asks to confirm them.
    consent_to_confirm: bool = False


def submit_letters(session: Session, campaign: Campaign, sender: Sender,
                   drafts: list[DraftLetter], *, send_for_me: bool, form_key: str,
                   via: Via = OUR_SITE) -> Submitted:
    """Store letters to send once the supporter confirms, or count those they send themselves.

    "Send it for me" stores the letters that can go by e-mail, and a confirmation mail, which
    goes on the queue after the commit; the others are left for the supporter's mail app. A
    form sent twice (its one-time key taken) stores nothing the second time. Letters to
    people who share one e-mail address become one (one_letter_per_address).

    Raises DuplicateTargets, storing nothing, when two letters go to one target: whatever a
    form or a caller says, a target gets one letter per submission.
    """
    twice = duplicate_targets(drafts)
    if twice:
        raise DuplicateTargets(twice)
    drafts = one_letter_per_address(with_street_address(drafts, sender))
    sendable = [d for d in drafts if can_send_for(d.target)] if send_for_me else []
    if not sendable:
        _count_drafts(session, campaign, sender, len(drafts), via)
        if not consent.asks_for_consent(sender, via):
            session.commit()
            return Submitted(to_draft=drafts)
        # Ticked on the draft path, "keep me informed" or a partner's box counts only once
        # the supporter confirms their address: a mail asks them to (supporters.consent).
        try:
            notice_id = consent.store_consent_request(session, campaign, sender, form_key, via)
            enqueue_after_commit(session, "notice", [notice_id])
            session.commit()
            return Submitted(to_draft=drafts, consent_to_confirm=True)
        except IntegrityError:
            # A double submit: the first one counted the letters and asked already.
            session.rollback()
            return Submitted(to_draft=drafts, consent_to_confirm=True, duplicate=True)
    result = Submitted(stored=sendable,
                       to_draft=[d for d in drafts if not can_send_for(d.target)])
    try:
        notice_id = _store_submission(session, campaign, sender, sendable, form_key, via)
        enqueue_after_commit(session, "notice", [notice_id])
        session.commit()
    except IntegrityError:
        # The form's one-time key is taken: a double submit. The first one stands.
        session.rollback()
        result.duplicate = True
    return result


def _store_submission(session: Session, campaign: Campaign, sender: Sender,
                      drafts: list[DraftLetter], form_key: str, via: Via) -> int:
    """The submission, holding its letters until they are confirmed, and the mail asking to
    confirm them: two rows, however many letters. Returns the mail's id."""
    now = utcnow()
    supporter = sender.supporter
    # Core INSERTs through the session: two plain rows, no objects for the unit of work to
    # track (nothing reads them back in this request).
    submission_id = session.execute(insert(Submission).returning(Submission.id), dict(
        public_id=secrets.token_hex(16), form_key=form_key, campaign_id=campaign.id,
        supporter_name=supporter.name, supporter_email=supporter.email,
        supporter_town=supporter.town, country=supporter.country, postcode=sender.postcode,
        language=sender.language, wants_updates=sender.wants_updates, created_at=now,
        partner_code=via.partner.code if via.partner else None,
        partner_consent_text=via.consent_text(),
        pending_letters=PendingLetters.pack(draft.pending() for draft in drafts),
    )).scalar_one()
    return session.execute(insert(Notice).returning(Notice.id), dict(
        submission_id=submission_id, kind=NoticeKind.CONFIRMATION, to_address=supporter.email,
        state=NoticeState.QUEUED, attempts=0, created_at=now, enqueued_at=now,
    )).scalar_one()


def _count_drafts(session: Session, campaign: Campaign, sender: Sender, letters: int,
                  via: Via) -> None:
    """The only trace of letters opened in a mail app: anonymous counts per day and country."""
    country = sender.supporter.country
    values = {"campaign_id": campaign.id, "day": date.today(), "country": country,
              "letters": letters}
    statement = insert_or_merge(session, DraftCount).values(**values)
    session.execute(statement.on_conflict_do_update(
        index_elements=["campaign_id", "day", "country"],
        set_={"letters": DraftCount.letters + statement.excluded.letters},
    ))
    if via.partner is not None:
        partners.count_partner_drafts(session, via.partner.code, campaign.id, country, letters)
    # No partner consent here: nobody confirmed this address (see supporters.consent).


# --- confirming --------------------------------------------------------------------------

def confirm_letters(session: Session, submission: Submission) -> list[int]:
    """The supporter confirmed: their letters go into the outbox, queued, once (held for an
    editor instead where a moderation rule of the campaign matches: webapp.moderation).

    Their address is confirmed now, so the partner's consent box they ticked counts: recorded
    by the one confirmation that queues the letters, never twice.
    """
    consent_text = submission.partner_consent_text
    # Letters a moderation rule holds are written as held, and wait for an editor.
    screening = moderation.screen(session, submission)
    held = screening.held if screening else {}
    written = queue_submission(session, submission, held)
    if written and screening:
        screening.remember(session, submission.campaign_id, written)
    queued = [letter_id for place, letter_id in enumerate(written) if place not in held]
    if written and consent_text:
        consent.record_partner_consent(session, submission, consent_text)
    enqueue_after_commit(session, "letter", queued)
    session.commit()
    return queued
