"""The Jinja sandbox letters render in: read-only views, a fixed set of filters, no globals.

Templates are content that staff edit, so they run sandboxed; the same environment checks them
when they are loaded (templates.py) and renders them (rendering.py).
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes, pass_context, pass_eval_context
from jinja2.runtime import Undefined
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from representatives.model import Target

from .salutations import salutation

DEFAULT_LANGUAGE = "en"

# A staff template may repeat strings or lists, but not build values big enough to stall a worker.
_MAX_REPEAT = 10_000
# Built-in filters a letter may use; everything else (attr, map, format, tojson...) is left out.
_ALLOWED_FILTERS = (
    "capitalize default first join last length lower replace title trim upper wordwrap".split()
)
# Work one render may do: loop iterations plus calls (macros, methods), and its wall time. A
# letter needs a handful of each; a template written to stall a worker is stopped here.
MAX_OPERATIONS = 20_000
RENDER_SECONDS = 0.5
MAX_CALL_DEPTH = 30
# The longest string a template may build (by ~, +, join or replace).
MAX_TEXT = 100_000
# Methods a template may call on plain values; everything else (format, ljust, center, zfill,
# encode...) is refused, because some of them build arbitrarily large strings.
_SAFE_METHODS: tuple[tuple[type, frozenset[str]], ...] = (
    (str, frozenset(
        "capitalize casefold count endswith find isalpha isdigit islower isspace istitle "
        "isupper lower lstrip partition removeprefix removesuffix rfind rpartition rsplit "
        "rstrip split splitlines startswith strip swapcase title upper".split()
    )),
    (dict, frozenset({"get", "items", "keys", "values"})),
    (list, frozenset({"count", "index"})),
    (tuple, frozenset({"count", "index"})),
)


class RenderLimitExceeded(SecurityError):
    """A template did more work, or took longer, than a letter may."""


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
    gender: str  # "female", "male" or "" where the data does not say
    kind: str
    role: str
    body: str
    area: str
    country: str
    _source: Target


@dataclass(frozen=True, slots=True)
class CampaignView:
    title: str


_BUILTIN_FILTERS = SandboxedEnvironment().filters


def _spend(eval_ctx) -> None:
    """Count one unit of work of this render; stop it past the budget or the time limit."""
    # The evaluation context is created per render, so the budget is too.
    budget = eval_ctx.__dict__.get("letter_budget")
    if budget is None:
        env = eval_ctx.environment
        budget = eval_ctx.letter_budget = [
            getattr(env, "max_operations", MAX_OPERATIONS),
            time.perf_counter() + getattr(env, "render_seconds", RENDER_SECONDS),
        ]
    budget[0] -= 1
    if budget[0] < 0:
        raise RenderLimitExceeded("the template does too much work (loops or calls)")
    if time.perf_counter() > budget[1]:
        raise RenderLimitExceeded("the template takes too long to render")


def _check_size(value):
    if isinstance(value, str | list | tuple) and len(value) > MAX_TEXT:
        raise RenderLimitExceeded("text too long for a letter")
    return value


@pass_eval_context
def _counted(eval_ctx, iterable):
    """Every `for` loop iterates through this (see _Guard)."""
    for item in iterable:
        _spend(eval_ctx)
        yield item


def _sized(value):
    """Every `~` concatenation passes through this (see _Guard)."""
    return _check_size(value)


def _join_filter(eval_ctx, value, d="", attribute=None):
    items = list(value)
    if any(not isinstance(item, str | int | float) for item in items):
        raise SecurityError("join takes a list of words or numbers")
    if sum(len(str(item)) for item in items) + len(d) * len(items) > MAX_TEXT:
        raise RenderLimitExceeded("text too long for a letter")
    return _BUILTIN_FILTERS["join"](eval_ctx, items, d, attribute)


def _replace_filter(eval_ctx, s, old, new, count=None):
    text, old, new = str(s), str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if count is not None:
        times = min(times, int(count))
    if len(text) + times * max(len(new) - len(old), 0) > MAX_TEXT:
        raise RenderLimitExceeded("text too long for a letter")
    return _BUILTIN_FILTERS["replace"](eval_ctx, s, old, new, count)


def _variant_filter(context, index: int, alternatives: int) -> int:
    """Which of `alternatives` wordings to use at variant `index` (see letters.variants)."""
    seed = str(context.get("variant_seed", ""))
    return zlib.crc32(f"{seed}\x00{index}".encode()) % max(int(alternatives), 1)


def _finalize(value):
    # Only text and numbers are printed: printing a list or a view would build its repr, which
    # can be huge and says nothing a letter needs.
    if value.__class__ is str:  # nearly always: the fast path costs one comparison
        return value
    if isinstance(value, str | int | float | Undefined) or value is None:
        return value
    raise SecurityError(f"a letter can print text and numbers, not {type(value).__name__}")


class _Guard(NodeTransformer):
    """Rewrites a parsed template so that its loops and concatenations are metered."""

    def __init__(self, name, filename):
        self.name, self.filename = name, filename

    def visit_For(self, node):
        node = self.generic_visit(node)
        if node.recursive:
            raise TemplateSyntaxError("recursive loops are not available in letters",
                                      node.lineno, self.name, self.filename)
        node.iter = nodes.Filter(node.iter, "_counted", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node):
        node = self.generic_visit(node)
        return nodes.Filter(node, "_sized", [], [], None, None, lineno=node.lineno)


class _LetterEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    max_operations = MAX_OPERATIONS
    render_seconds = RENDER_SECONDS

    def call_binop(self, context, operator, left, right):
        """Refuse powers, %-formatting and huge repetitions or sums; other arithmetic is plain."""
        if operator == "**":
            raise SecurityError("the ** operator is not available in letters")
        if operator == "%" and isinstance(left, str):
            raise SecurityError("%-formatting is not available in letters")
        if operator == "*":
            if isinstance(left, int) and isinstance(right, str | list | tuple):
                left, right = right, left
            if isinstance(left, str | list | tuple) and isinstance(right, int):
                if len(left) * right > _MAX_REPEAT:
                    raise SecurityError("repetition too large for a letter")
            elif isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > 128:
                    raise SecurityError("number too large for a letter")
        if operator == "+" and isinstance(left, str | list | tuple) and isinstance(
            right, str | list | tuple
        ):
            if len(left) + len(right) > MAX_TEXT:
                raise RenderLimitExceeded("text too long for a letter")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805  (Jinja's signature)
        """Every call a template makes (macros, methods) counts against the render's budget."""
        eval_ctx = __context.eval_ctx
        _spend(eval_ctx)
        depth = eval_ctx.__dict__.get("letter_depth", 0)
        if depth >= MAX_CALL_DEPTH:
            raise RenderLimitExceeded("calls nested too deeply (a macro calling itself?)")
        eval_ctx.letter_depth = depth + 1
        try:
            return super().call(__context, __obj, *args, **kwargs)
        finally:
            eval_ctx.letter_depth = depth

    def wrap_str_format(self, value):
        """str.format and format_map are refused outright: padding alone can fill the memory."""
        if super().wrap_str_format(value) is None:
            return None

        def refused(*_args, **_kwargs):
            raise SecurityError("str.format is not available in letters; use ~ to join text")

        return refused

    def is_safe_attribute(self, obj, attr, value):
        """On plain values, only the harmless methods; on anything else, the sandbox's rule."""
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if callable(value):
            for kind, allowed in _SAFE_METHODS:
                if isinstance(obj, kind):
                    return attr in allowed
        return True

    def preprocess(self, source, name=None, filename=None):
        """Expand wording variants (`[[one|other]]`) before Jinja reads the template."""
        from .variants import expand_variants

        return expand_variants(super().preprocess(source, name, filename), name, filename)

    def _parse(self, source, name, filename):
        return _Guard(name, filename).visit(super()._parse(source, name, filename))


@pass_context
def _salutation_filter(context, target, language: str | None = None) -> str:
    source = target._source if isinstance(target, TargetView) else target
    return salutation(source, language or context.get("language") or DEFAULT_LANGUAGE)


def make_environment(*, render_seconds: float = RENDER_SECONDS,
                     max_operations: int = MAX_OPERATIONS) -> SandboxedEnvironment:
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
    env.filters["join"] = pass_eval_context(_join_filter)
    env.filters["replace"] = pass_eval_context(_replace_filter)
    env.filters["variant"] = pass_context(_variant_filter)
    # Inserted by _Guard, not meant to be written by hand (harmless if they are).
    env.filters["_counted"] = _counted
    env.filters["_sized"] = _sized
    env.finalize = _finalize
    env.render_seconds = render_seconds
    env.max_operations = max_operations
    env.globals.clear()  # no range(), dict(), lipsum(): a letter sees only its own variables
    return env
