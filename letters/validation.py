"""Checking a staff-edited letter template before it can be saved, and previewing it.

A template is valid when its header and Jinja parse, it reads only the documented variables and
filters, and it renders for every kind of target it addresses, for sample supporters with and
without their own words and with the longest details the form takes, without touching anything
the sandbox forbids and within a time limit; and when each letter it renders is one the
supporter's form accepts unedited: a subject and a text, neither longer than the form allows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import jinja2

from representatives.model import Channel, ChannelKind, Target, TargetKind
from representatives.summits import Participation, SummitFacts, SummitSeries

from .rendering import (
    BODY_MAX_LENGTH,
    NAME_MAX_LENGTH,
    OWN_WORDS_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    TOWN_MAX_LENGTH,
    LetterRenderer,
    RenderedLetter,
    Supporter,
    sent_length,
)
from .salutations import salutation
from .sandbox import SecurityError, render_clock
from .summit_views import warm_locale
from .templates import CampaignContent, ContentError, LetterTemplate, parse_template
from .text import is_plain_text, is_single_line

# A letter renders in well under a millisecond; a template needing this long is refused (and
# stopped while rendering once it has taken it).
DEFAULT_TIME_LIMIT = 0.05


def _filled(text: str, length: int) -> str:
    """`text` repeated and cut to `length` characters, the last not a space (it would be cut)."""
    filled = (text * (length // len(text) + 1))[:length]
    return filled[:-1] + "." if filled[-1].isspace() else filled


_OWN_WORDS = "I have two children and I worry about the world they will grow up in. "
SAMPLE_SUPPORTERS = (
    Supporter(name="Alex Sample", email="alex.sample@example.org", town="Utrecht",
              own_words=_OWN_WORDS.strip(), country="NL"),
    Supporter(name="Sam Example", email="sam@example.org"),
    # Whoever gives the longest details the form takes still gets a letter they can send.
    Supporter(name=_filled("Alexandra Samantha Example-Sample ", NAME_MAX_LENGTH),
              email="longest@example.org",
              town=_filled("Llanfairpwllgwyngyll-on-the-Sea ", TOWN_MAX_LENGTH),
              own_words=_filled(_OWN_WORDS, OWN_WORDS_MAX_LENGTH), country="NL"),
)

# A series with a next summit and a country that signed, endorsed and declined, so that every
# branch a template takes on the record is rendered; templates are also checked without one.
SAMPLE_SUMMITS = SummitSeries.build(
    [
        SummitFacts("sample-2023", "Sample Summit", "Bletchley Park", "GB", date(2023, 11, 1),
                    date(2023, 11, 2), "held", 2023),
        SummitFacts("sample-2025", "Second Sample Summit", "Paris", "FR", date(2025, 2, 10),
                    date(2025, 2, 11), "held", 2025),
        SummitFacts("sample-2026", "Third Sample Summit", "New Delhi", "IN", date(2026, 2, 16),
                    date(2026, 2, 20), "held", 2026),
        SummitFacts("sample-next", "Next Sample Summit", "Geneva", "CH", None, None, "next",
                    2027),
    ],
    [
        Participation("sample-2023", "NL", "", "signed"),
        Participation("sample-2025", "NL", "", "declined"),
        Participation("sample-2026", "NL", "", "endorsed"),
    ],
)

_SAMPLE_ROLES = {
    TargetKind.SUMMIT_DELEGATE: ("Summit delegate", "Ministry of Foreign Affairs"),
    TargetKind.MINISTER: ("Minister for Digital Affairs", "Government"),
    TargetKind.HEAD_OF_GOVERNMENT: ("Prime Minister", "Office of the Prime Minister"),
    TargetKind.MP: ("Member of Parliament", "Parliament"),
    TargetKind.MEP: ("Member of the European Parliament", "European Parliament"),
}


def sample_target(kind: TargetKind | str, country: str = "GB", language: str = "en",
                  gender: str | None = None) -> Target:
    """A made-up target of `kind` for previews and checks."""
    kind = TargetKind(kind)
    role, body = _SAMPLE_ROLES[kind]
    return Target(
        id=f"sample:{kind}", name="Robin Example", kind=kind, role=role, body=body,
        country=country, language=language, given_name="Robin", family_name="Example",
        gender=gender, channels=(Channel(ChannelKind.EMAIL, "robin@parliament.example"),),
    )


def _template_line(exc: BaseException, template: LetterTemplate) -> int | None:
    """The file line a render error happened on, from Jinja's rewritten traceback."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return template.body_line + line - 1 if line is not None else None


def _renderer(content: CampaignContent, template: LetterTemplate,
              time_limit: float) -> LetterRenderer:
    # Only the candidate: every letter checked or previewed is one it addresses (the other
    # languages' templates would only be compiled again, on every keystroke of the editor).
    candidate = replace(content, templates={template.language: template})
    # A language's first render reads its locale data (country names, list patterns): done
    # here, not inside the time limit the check holds the template to.
    warm_locale(template.language)
    # Stopped at the limit while rendering, not measured once it is done: a render written to
    # hold a worker must not get to run longer than the limit it is refused for.
    return LetterRenderer({content.slug: candidate}, render_seconds=time_limit)


def _for_whom(target: Target, supporter: Supporter) -> str:
    longest = supporter is SAMPLE_SUPPORTERS[-1]
    return (f"to a {target.kind} target"
            + (", from a supporter giving the longest name, town and own words the form takes"
               if longest else ""))


def _check_sendable(letter: RenderedLetter, template: LetterTemplate, target: Target,
                    supporter: Supporter) -> None:
    """Refuse a letter the supporter's form would refuse unedited (webapp.supporters.forms)."""
    whom = _for_whom(target, supporter)
    if not letter.subject:
        raise ContentError(f"the subject is empty ({whom}); a letter needs one", template.path)
    if len(letter.subject) > SUBJECT_MAX_LENGTH:
        raise ContentError(
            f"the subject is {len(letter.subject):,} characters long ({whom}); supporters can "
            f"send a subject of at most {SUBJECT_MAX_LENGTH} characters", template.path)
    if not is_single_line(letter.subject):
        raise ContentError(f"the subject contains invisible control characters ({whom})",
                           template.path)
    length = sent_length(letter.body)
    if length > BODY_MAX_LENGTH:
        raise ContentError(
            f"the letter is {length:,} characters long ({whom}, line breaks counted as two "
            f"characters, as browsers send them); supporters can send at most "
            f"{BODY_MAX_LENGTH:,} characters", template.path)
    if not is_plain_text(letter.body):
        raise ContentError(f"the letter contains invisible control characters ({whom})",
                           template.path)
    # Supporters edit the text after the salutation (letters.sharing); it must not be empty.
    greeting = salutation(target, letter.language)
    text = letter.body.removeprefix(greeting + "\n") if greeting else letter.body
    if not text.strip():
        raise ContentError(f"the letter has no text besides its salutation ({whom})",
                           template.path)


def _render(renderer, content, template, target, supporter, time_limit,
            summits: SummitSeries | None = SAMPLE_SUMMITS) -> RenderedLetter:
    # The sandbox's clock, not the wall clock: on a busy server a harmless letter's render
    # waits for a core or the interpreter lock, and staff would be told their letter is slow.
    started = render_clock()
    try:
        letter = renderer.render(content.slug, target, supporter, language=template.language,
                                 summits=summits)
    except SecurityError as exc:
        raise ContentError(f"not allowed in a letter: {exc}", template.path,
                           _template_line(exc, template)) from None
    except jinja2.UndefinedError as exc:
        raise ContentError(f"{exc.message} (for a {target.kind} target)", template.path,
                           _template_line(exc, template)) from None
    except RecursionError:
        raise ContentError("the template calls itself too deeply", template.path) from None
    except Exception as exc:  # noqa: BLE001  (any error in staff content is reported, not raised)
        raise ContentError(f"{type(exc).__name__}: {exc}", template.path,
                           _template_line(exc, template)) from None
    elapsed = render_clock() - started
    if elapsed > time_limit:
        raise ContentError(
            f"the template takes too long to render ({elapsed * 1000:.0f} ms, the limit is "
            f"{time_limit * 1000:.0f} ms)", template.path)
    _check_sendable(letter, template, target, supporter)
    return letter


def validate_template(text: str, *, content: CampaignContent, language: str,
                      time_limit: float = DEFAULT_TIME_LIMIT) -> LetterTemplate:
    """Parse and check a template file's text for `content`; raise ContentError if invalid."""
    template = parse_template(text, campaign=content.slug, language=language,
                              default_kinds=content.target_kinds)
    extra = set(template.target_kinds) - set(content.target_kinds)
    if extra:
        names = ", ".join(sorted(extra))
        raise ContentError(f"targets {names} are not addressed by this campaign", None, 2)
    renderer = _renderer(content, template, time_limit)
    for kind in template.target_kinds:
        for gender in (None, "female", "male"):
            target = sample_target(kind, language=language, gender=gender)
            for supporter in SAMPLE_SUPPORTERS:
                _render(renderer, content, template, target, supporter, time_limit)
        # Where the data marks no next summit and knows nothing of the supporter's country.
        _render(renderer, content, template, sample_target(kind, language=language),
                SAMPLE_SUPPORTERS[1], time_limit, summits=None)
    return template


def preview(text: str, *, content: CampaignContent, language: str, target: Target,
            supporter: Supporter, time_limit: float = DEFAULT_TIME_LIMIT,
            summits: SummitSeries | None = SAMPLE_SUMMITS) -> RenderedLetter:
    """Validate `text`, then render it for `target` and `supporter` in `language`."""
    template = validate_template(text, content=content, language=language,
                                 time_limit=time_limit)
    if target.kind not in template.target_kinds:
        raise ContentError(f"this template does not address {target.kind} targets")
    return _render(_renderer(content, template, time_limit), content, template, target,
                   supporter, time_limit, summits)
