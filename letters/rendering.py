"""Rendering letters: compile each campaign template once, render it per target and supporter.

Templates run in the sandbox of `letters.sandbox` and see only read-only views: `supporter`,
`target`, `campaign`, `summit` and `language`. What a supporter types is passed in as a value and
never compiled, so Jinja syntax in it comes out literally.
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from representatives.countries import EU_MEMBER_STATES
from representatives.model import Target, TargetKind
from representatives.summits import SummitSeries

from .sandbox import (
    DEFAULT_LANGUAGE,
    CampaignView,
    SecurityError,
    SupporterView,
    TargetView,
    make_environment,
    render_text,
)
from .summit_views import next_summit_view, record_view
from .templates import CampaignContent, ContentError, LetterTemplate
from .text import normalise_newlines

__all__ = ["BODY_MAX_LENGTH", "NAME_MAX_LENGTH", "OWN_WORDS_MAX_LENGTH", "SUBJECT_MAX_LENGTH",
           "TOWN_MAX_LENGTH", "LetterRenderer", "RenderedLetter", "SecurityError", "Supporter",
           "UnknownCampaign", "sent_length"]

# The longest subject and text a supporter may send, as the public form counts them
# (webapp.supporters.forms uses these); a staff template is checked against them too
# (letters.validation), so that a published letter can be sent without editing.
SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000
# The longest details a supporter may give that a template can print: the form takes no more,
# and the check renders a supporter who used all of it.
NAME_MAX_LENGTH = 100
TOWN_MAX_LENGTH = 100
OWN_WORDS_MAX_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class Supporter:
    """The person writing; `email` never reaches a template."""

    name: str
    email: str
    town: str = ""
    own_words: str = ""
    country: str = ""
    # Chooses among wording variants; empty: the e-mail address, so one supporter's letters
    # share their words. Never shown to the template (it is hashed by the variant filter).
    variant_seed: str = ""


@dataclass(frozen=True, slots=True)
class RenderedLetter:
    """A letter ready to show, copy or send: one-line subject, normalised plain-text body."""

    subject: str
    body: str
    language: str
    fell_back: bool  # True when the target's language had no template and English was used


class UnknownCampaign(LookupError):
    """No campaign with that slug, or no template that fits the target."""


def normalise_body(text: str) -> str:
    """A rendered letter tidied: LF line ends, no trailing spaces, at most one blank line."""
    lines = normalise_newlines(text).split("\n")
    text = "\n".join(line.rstrip() for line in lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip("\n") + "\n"


def sent_length(text: str) -> int:
    """The length of `text` as the form receives it: a browser sends each line break as CR LF."""
    return len(text) + text.count("\n")


def _clean_own_words(text: str) -> str:
    return normalise_newlines(text).strip()


class LetterRenderer:
    """Renders campaign letters; compile once, render many times."""

    def __init__(self, campaigns: dict[str, CampaignContent], *,
                 render_seconds: float | None = None):
        # render_seconds: a tighter time limit per render (the staff preview uses one).
        self._env = (make_environment() if render_seconds is None
                     else make_environment(render_seconds=render_seconds))
        self._campaigns = campaigns
        self._compiled: dict[tuple[str, str], tuple[jinja2.Template, jinja2.Template]] = {}
        self._views: dict[tuple[str, str], CampaignView] = {}
        for slug, content in campaigns.items():
            for language, template in content.templates.items():
                self._compiled[slug, language] = self._compile(template)
                self._views[slug, language] = CampaignView(title=content.title(language))

    def _compile(self, template: LetterTemplate) -> tuple[jinja2.Template, jinja2.Template]:
        try:
            subject = self._env.from_string(template.subject)
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError(f"subject: {exc.message}", template.path) from None
        try:
            body = self._env.from_string(template.body)
        except jinja2.TemplateSyntaxError as exc:
            line = template.body_line + (exc.lineno or 1) - 1
            raise ContentError(f"template: {exc.message}", template.path, line) from None
        return subject, body

    def languages(self, campaign_slug: str) -> tuple[str, ...]:
        """Languages a campaign has a letter in."""
        return tuple(sorted(self._content(campaign_slug).templates))

    def _content(self, slug: str) -> CampaignContent:
        try:
            return self._campaigns[slug]
        except KeyError:
            raise UnknownCampaign(f"no campaign {slug!r}") from None

    def _pick(self, content: CampaignContent, kind: str, language: str) -> tuple[str, bool]:
        # The language as tagged ("pt-br"), then its base language ("pt"), then English.
        for candidate in dict.fromkeys((language, language.split("-")[0])):
            template = content.templates.get(candidate)
            if template is not None and kind in template.target_kinds:
                return candidate, False
        english = content.templates[DEFAULT_LANGUAGE]
        if kind in english.target_kinds:
            return DEFAULT_LANGUAGE, language != DEFAULT_LANGUAGE
        raise UnknownCampaign(f"campaign {content.slug!r} has no letter for {kind!r} targets")

    def render(
        self,
        campaign_slug: str,
        target: Target,
        supporter: Supporter,
        language: str | None = None,
        summits: SummitSeries | None = None,
    ) -> RenderedLetter:
        """Render the campaign's letter to `target` in `language` (default: the target's).

        `summits`: the series as the data holds it, for the template's `summit` (the next one)
        and `record` (what the supporter's country did at each).
        """
        content = self._content(campaign_slug)
        wanted = (language or target.language or DEFAULT_LANGUAGE).lower()
        used, fell_back = self._pick(content, str(target.kind), wanted)
        subject_template, body_template = self._compiled[campaign_slug, used]
        variables = {
            "supporter": SupporterView(
                name=supporter.name.strip(),
                town=supporter.town.strip(),
                own_words=_clean_own_words(supporter.own_words),
                country=supporter.country,
            ),
            "target": TargetView(
                name=target.name,
                given_name=target.given_name or "",
                family_name=target.family_name or "",
                honorific=target.honorific or "",
                gender=target.gender or "",
                kind=str(target.kind),
                role=target.role,
                body=target.body,
                area=target.area or "",
                country=target.country,
                _source=target,
                in_eu=target.kind is TargetKind.MEP or target.country in EU_MEMBER_STATES,
            ),
            "campaign": self._views[campaign_slug, used],
            "summit": next_summit_view(summits, used),
            "record": record_view(summits, supporter.country or target.country, used),
            "language": used,
            "variant_seed": supporter.variant_seed or supporter.email,
        }
        subject = " ".join(render_text(subject_template, variables).split())  # one line, always
        body = normalise_body(render_text(body_template, variables))
        return RenderedLetter(subject=subject, body=body, language=used, fell_back=fell_back)
