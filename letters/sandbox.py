"""The Jinja sandbox letters render in: read-only views, a fixed set of filters, no globals.

Templates are content that staff edit, so they run sandboxed; the same environment checks them
when they are loaded (templates.py) and renders them (rendering.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import StrictUndefined, pass_context
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from representatives.model import Target

from .salutations import salutation

DEFAULT_LANGUAGE = "en"

# A staff template may repeat strings or lists, but not build values big enough to stall a worker.
_MAX_REPEAT = 10_000
# Built-in filters a letter may use; everything else (attr, map, format, tojson...) is left out.
_ALLOWED_FILTERS = (
    "capitalize default first join last length lower replace title trim upper wordwrap".split()
)


# Read-only views: frozen, and the source object sits behind a "_" name the sandbox refuses.
@dataclass(frozen=True, slots=True)
class SupporterView:
    name: str
    town: str
    own_words: str
    country: str


@dataclass(frozen=True, slots=True)
class TargetView:
    name: str
    given_name: str
    family_name: str
    honorific: str
    kind: str
    role: str
    body: str
    area: str
    country: str
    _source: Target


@dataclass(frozen=True, slots=True)
class CampaignView:
    title: str


class _LetterEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        """Refuse powers and huge repetitions; other arithmetic is plain."""
        if operator == "**":
            raise SecurityError("the ** operator is not available in letters")
        if isinstance(left, int) and isinstance(right, str | list | tuple):
            left, right = right, left
        if isinstance(left, str | list | tuple) and isinstance(right, int):
            if len(left) * right > _MAX_REPEAT:
                raise SecurityError("repetition too large for a letter")
        return super().call_binop(context, operator, left, right)


@pass_context
def _salutation_filter(context, target, language: str | None = None) -> str:
    source = target._source if isinstance(target, TargetView) else target
    return salutation(source, language or context.get("language") or DEFAULT_LANGUAGE)


def make_environment() -> SandboxedEnvironment:
    """The sandboxed environment letters render in (plain text, strict about unknown names)."""
    env = _LetterEnvironment(
        autoescape=False,  # letters are plain text, never HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters = {name: env.filters[name] for name in _ALLOWED_FILTERS}
    env.filters["salutation"] = _salutation_filter
    env.globals.clear()  # no range(), dict(), lipsum(): a letter sees only its own variables
    return env
