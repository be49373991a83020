"""Rendering letters: compile each campaign template once, render it per target and supporter.

Templates run in the sandbox of `letters.sandbox` and see only read-only views: `supporter`,
`target`, `campaign`, `summit` and `language`. What a supporter types is passed in as a value and
never compiled, so Jinja syntax in it comes out literally.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2

from representatives.countries import EU_MEMBER_STATES
from representatives.model import Target, TargetKind
from representatives.summits import SummitSeries

from .sandbox import (
    DEFAULT_LANGUAGE,
    RENDER_SECONDS,
    CampaignView,
    LetterTrace,
    RenderLimitExceeded,
    SecurityError,
    SupporterView,
    TargetView,
    make_environment,
    recipient_line,
    recipient_lines_printed_as_they_come,
    render_text,
    traced_target_view,
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


# Letter texts kept compiled per process. Every renderer compiles only the texts no renderer
# before it compiled: each app of the process (the tests and benchmarks build many), each
# reload after a staff edit (which changes one text of many), each staff preview.
COMPILED_TEXTS = 1024


@lru_cache(maxsize=8)
def _environment(render_seconds: float) -> jinja2.Environment:
    return make_environment(render_seconds=render_seconds)


@lru_cache(maxsize=COMPILED_TEXTS)
def _compiled_text(source: str, render_seconds: float) -> tuple[jinja2.Template, bool]:
    """`source` compiled in the sandbox, and whether it prints every salutation and closing as
    it comes (sandbox.recipient_lines_printed_as_they_come). Templates render from any thread,
    and the environment holds no state of a render, so one compiled text serves them all."""
    environment = _environment(render_seconds)
    tree = environment.parse(source)  # parsed once, for both
    return environment.from_string(tree), recipient_lines_printed_as_they_come(tree)


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


def _target_fields(target: Target, language: str) -> dict[str, Any]:
    """What a template sees of `target` (the fields of its TargetView) in a letter written in
    `language`: an office's title and body in that language where the data gives them."""
    return dict(
        name=target.name_in(language),
        given_name=target.given_name or "",
        family_name=target.family_name or "",
        honorific=target.honorific or "",
        gender=target.gender or "",
        kind=str(target.kind),
        role=target.role_in(language),
        body=target.body_in(language),
        area=target.area or "",
        country=target.country,
        _source=target,
        in_eu=target.kind is TargetKind.MEP or target.country in EU_MEMBER_STATES,
    )


@dataclass(frozen=True, slots=True)
class _TracedText:
    """A subject or body as a traced render printed it, split at its placeholders."""

    pieces: tuple[str, ...]  # text, placeholder, text, ..., text
    output_left: int  # what the render's output budget had left

    def filled(self, lines: dict[str, str]) -> str | None:
        """The text with the recipient's `lines` (by placeholder) in place; None if the render
        would have passed its output limit with them."""
        if len(self.pieces) == 1:
            return self.pieces[0]
        pieces = list(self.pieces)
        pieces[1::2] = [lines[placeholder] for placeholder in self.pieces[1::2]]
        # Each placeholder is one character.
        if sum(len(line) - 1 for line in pieces[1::2]) > self.output_left:
            return None
        return "".join(pieces)


@dataclass(frozen=True, slots=True)
class _TracedLetter:
    """One traced render of a letter: what it read of its target, and its texts."""

    lines: dict[str, tuple[str, str]]  # placeholder -> (filter, language)
    subject: _TracedText
    body: _TracedText
    language: str
    fell_back: bool

    def letter_to(self, target: Target) -> RenderedLetter | None:
        """The letter as `render` writes it to `target` (one that agrees with the traced
        target on every field the render read); None if it has to be rendered after all."""
        lines = {placeholder: recipient_line(kind, target, language)
                 for placeholder, (kind, language) in self.lines.items()}
        subject, body = self.subject.filled(lines), self.body.filled(lines)
        if subject is None or body is None:
            return None
        return RenderedLetter(subject=" ".join(subject.split()), body=normalise_body(body),
                              language=self.language, fell_back=self.fell_back)


class LetterRenderer:
    """Renders campaign letters; compile once, render many times."""

    def __init__(self, campaigns: dict[str, CampaignContent], *,
                 render_seconds: float | None = None):
        # render_seconds: a tighter time limit per render (the staff preview uses one).
        self._render_seconds = RENDER_SECONDS if render_seconds is None else render_seconds
        self._campaigns = campaigns
        self._compiled: dict[tuple[str, str], tuple[jinja2.Template, jinja2.Template]] = {}
        self._views: dict[tuple[str, str], CampaignView] = {}
        # Whether the subject and the body print every salutation and closing as it comes
        # (sandbox.recipient_lines_printed_as_they_come), for render_each.
        self._printable: dict[tuple[str, str], tuple[bool, bool]] = {}
        for slug, content in campaigns.items():
            for language, template in content.templates.items():
                subject, subject_printable, body, body_printable = self._compile(template)
                self._compiled[slug, language] = subject, body
                self._printable[slug, language] = subject_printable, body_printable
                self._views[slug, language] = CampaignView(title=content.title(language))

    def _compile(self, template: LetterTemplate
                 ) -> tuple[jinja2.Template, bool, jinja2.Template, bool]:
        try:
            subject, subject_printable = _compiled_text(template.subject, self._render_seconds)
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError(f"subject: {exc.message}", template.path) from None
        try:
            body, body_printable = _compiled_text(template.body, self._render_seconds)
        except jinja2.TemplateSyntaxError as exc:
            line = template.body_line + (exc.lineno or 1) - 1
            raise ContentError(f"template: {exc.message}", template.path, line) from None
        return subject, subject_printable, body, body_printable

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
        used, fell_back = self._language(content, target, language)
        subject_template, body_template = self._compiled[campaign_slug, used]
        variables = self._variables(campaign_slug, used, TargetView(**_target_fields(target, used)),
                                    target, supporter, summits)
        subject = " ".join(render_text(subject_template, variables).split())  # one line, always
        body = normalise_body(render_text(body_template, variables))
        return RenderedLetter(subject=subject, body=body, language=used, fell_back=fell_back)

    def render_each(
        self,
        campaign_slug: str,
        targets: Iterable[Target],
        supporter: Supporter,
        language: str | None = None,
        summits: SummitSeries | None = None,
    ) -> list[RenderedLetter]:
        """What `render` writes to each of `targets`, rendering each distinct text only once.

        A supporter writing to all their country's members of the European Parliament sends
        nearly the same letter to each. A render notes which fields of its target the template
        read, and prints placeholders where the recipient's salutation and closing go
        (sandbox.LetterTrace); a later target that agrees with it on every one of those fields,
        in the same letter language and with the same country's record, gets its text with its
        own lines put in, exactly as its own render would have written it.
        """
        content = self._content(campaign_slug)
        # By language, fallback and record country, then by the fields a render read: the
        # renders with their values of those fields.
        traced: dict[tuple[str, bool, str], dict[tuple[str, ...], dict[tuple, _TracedLetter]]]
        traced = {}
        letters: list[RenderedLetter] = []
        targets = list(targets)
        for target in targets:
            used, fell_back = self._language(content, target, language)
            fields = _target_fields(target, used)
            earlier = traced.setdefault((used, fell_back, supporter.country or target.country),
                                        {})
            letter = None
            for names, renders in earlier.items():
                render = renders.get(tuple(fields[name] for name in names))
                if render is not None:
                    letter = render.letter_to(target)
                    break
            if letter is None and len(letters) == len(targets) - 1:
                # No target after this one to share its render: nothing to trace it for.
                letter = self.render(campaign_slug, target, supporter, language, summits)
            elif letter is None:
                letter = self._render_traced(campaign_slug, used, fell_back, target, fields,
                                             supporter, summits, language, earlier)
            letters.append(letter)
        return letters

    def _render_traced(self, campaign_slug: str, used: str, fell_back: bool, target: Target,
                       fields: dict[str, Any], supporter: Supporter,
                       summits: SummitSeries | None, language: str | None,
                       earlier: dict[tuple[str, ...], dict[tuple, _TracedLetter]],
                       ) -> RenderedLetter:
        """Render the letter to `target`, tracing it, and keep the trace in `earlier` if a
        later target can use it."""
        subject_template, body_template = self._compiled[campaign_slug, used]
        subject_printable, body_printable = self._printable[campaign_slug, used]
        trace = LetterTrace()
        variables = self._variables(campaign_slug, used, traced_target_view(trace, **fields),
                                    target, supporter, summits)
        try:
            texts = [_traced_text(template, variables, trace, printable) for template, printable
                     in ((subject_template, subject_printable), (body_template, body_printable))]
        except RenderLimitExceeded:
            # A placeholder is one character, a line may be none: only the render itself can
            # say whether it would also have printed too much.
            if trace.budget is not None and trace.budget.output < 0:
                return self.render(campaign_slug, target, supporter, language, summits)
            raise
        # A placeholder is trusted only where the template printed it: not one the supporter
        # typed.
        if any(text.count(placeholder) != printed.get(placeholder, 0)
               for text, printed, _left in texts for placeholder in trace.lines):
            return self.render(campaign_slug, target, supporter, language, summits)
        # A capturing group: the placeholders are kept, at the odd places.
        at_placeholders = "(" + "|".join(map(re.escape, trace.lines)) + ")"
        subject, body = (
            _TracedText(tuple(re.split(at_placeholders, text)) if printed else (text,), left)
            for text, printed, left in texts)
        render = _TracedLetter(trace.lines, subject, body, used, fell_back)
        letter = render.letter_to(target)
        if letter is None:  # too long with this recipient's lines
            return self.render(campaign_slug, target, supporter, language, summits)
        # A render that read the target itself (`_source`, as a filter does where its line is
        # not printed as it comes) is its own.
        if "_source" not in trace.reads:
            names = tuple(trace.reads)
            earlier.setdefault(names, {})[tuple(trace.reads.values())] = render
        return letter

    def _language(self, content: CampaignContent, target: Target,
                  language: str | None) -> tuple[str, bool]:
        wanted = (language or target.language or DEFAULT_LANGUAGE).lower()
        return self._pick(content, str(target.kind), wanted)

    def _variables(self, campaign_slug: str, used: str, target_view: TargetView,
                   target: Target, supporter: Supporter,
                   summits: SummitSeries | None) -> dict[str, Any]:
        return {
            "supporter": SupporterView(
                name=supporter.name.strip(),
                town=supporter.town.strip(),
                own_words=_clean_own_words(supporter.own_words),
                country=supporter.country,
            ),
            "target": target_view,
            "campaign": self._views[campaign_slug, used],
            "summit": next_summit_view(summits, used),
            "record": record_view(summits, supporter.country or target.country, used),
            "language": used,
            "variant_seed": supporter.variant_seed or supporter.email,
        }


def _traced_text(template: jinja2.Template, variables: dict[str, Any], trace: LetterTrace,
                 placeholders_printable: bool) -> tuple[str, dict[str, int], int]:
    """Render one template with `variables` holding a traced target: the text, the times each
    placeholder was printed, and what the output budget had left."""
    trace.placeholders_printable = placeholders_printable
    trace.printed, trace.budget = {}, None
    text = render_text(template, variables)
    return text, trace.printed, trace.budget.output if trace.budget is not None else 0
