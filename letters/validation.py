"""Checking a staff-edited letter template before it can be saved, and previewing it.

A template is valid when its header and Jinja parse, it reads only the documented variables and
filters, and it renders for every kind of target it addresses, for sample supporters with and
without their own words, without touching anything the sandbox forbids and within a time limit.
"""

from __future__ import annotations

import time
from dataclasses import replace

import jinja2

from representatives.model import Channel, ChannelKind, Target, TargetKind

from .rendering import LetterRenderer, RenderedLetter, Supporter
from .sandbox import SecurityError
from .templates import CampaignContent, ContentError, LetterTemplate, parse_template

# A letter renders in well under a millisecond; a template needing this long is refused.
DEFAULT_TIME_LIMIT = 0.05
# Hard stop for one render while checking (the budget in the sandbox stops it earlier).
_CHECK_RENDER_SECONDS = 0.25

SAMPLE_SUPPORTERS = (
    Supporter(name="Alex Sample", email="alex.sample@example.org", town="Utrecht",
              own_words="I have two children and I worry about the world they will grow up in.",
              country="NL"),
    Supporter(name="Sam Example", email="sam@example.org"),
)

_SAMPLE_ROLES = {
    TargetKind.SUMMIT_DELEGATE: ("Summit delegate", "Ministry of Foreign Affairs"),
    TargetKind.MINISTER: ("Minister for Digital Affairs", "Government"),
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


def _renderer(content: CampaignContent, template: LetterTemplate) -> LetterRenderer:
    candidate = replace(content, templates={**content.templates, template.language: template})
    return LetterRenderer({content.slug: candidate}, render_seconds=_CHECK_RENDER_SECONDS)


def _render(renderer, content, template, target, supporter, time_limit) -> RenderedLetter:
    started = time.perf_counter()
    try:
        letter = renderer.render(content.slug, target, supporter, language=template.language)
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
    elapsed = time.perf_counter() - started
    if elapsed > time_limit:
        raise ContentError(
            f"the template takes too long to render ({elapsed * 1000:.0f} ms, the limit is "
            f"{time_limit * 1000:.0f} ms)", template.path)
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
    renderer = _renderer(content, template)
    for kind in template.target_kinds:
        for gender in (None, "female", "male"):
            target = sample_target(kind, language=language, gender=gender)
            for supporter in SAMPLE_SUPPORTERS:
                _render(renderer, content, template, target, supporter, time_limit)
    return template


def preview(text: str, *, content: CampaignContent, language: str, target: Target,
            supporter: Supporter, time_limit: float = DEFAULT_TIME_LIMIT) -> RenderedLetter:
    """Validate `text`, then render it for `target` and `supporter` in `language`."""
    template = validate_template(text, content=content, language=language,
                                 time_limit=time_limit)
    if target.kind not in template.target_kinds:
        raise ContentError(f"this template does not address {target.kind} targets")
    return _render(_renderer(content, template), content, template, target, supporter,
                   time_limit)
