"""The Jinja sandbox letters render in: read-only views, a fixed set of filters, no globals.

Templates are content that staff edit, so they run sandboxed; the same environment checks them
when they are loaded (templates.py) and renders them (rendering.py).
"""

from __future__ import annotations

import gc
import hashlib
import textwrap
import threading
import time
from collections.abc import Generator, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields
from typing import Any

from jinja2 import (
    StrictUndefined,
    Template,
    TemplateSyntaxError,
    nodes,
    pass_context,
    pass_environment,
    pass_eval_context,
)
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from representatives.model import Target

from .salutations import salutation
from .salutations.closings import closing

DEFAULT_LANGUAGE = "en"

# A staff template may repeat strings or lists, but not build values big enough to stall a worker.
_MAX_REPEAT = 10_000
# Built-in filters a letter may use; everything else (attr, map, format, tojson...) is left out.
_ALLOWED_FILTERS = (
    "capitalize default first join last length lower replace title trim upper wordwrap".split()
)
# Work one render may do: loop iterations plus calls (macros, methods), and its time. A letter
# needs a handful of each; a template written to stall a worker is stopped here.
MAX_OPERATIONS = 20_000
RENDER_SECONDS = 0.5
MAX_CALL_DEPTH = 30
# The longest string a template may build (by ~, +, join, replace or wordwrap).
MAX_TEXT = 100_000
# All the text one render may print, counted as it is printed: template text, every printed
# value, macro output and {% set %}/{% filter %} blocks alike, so that no buffer grows past it.
# Far more than the longest letter (rendering.BODY_MAX_LENGTH) with its blank lines.
MAX_OUTPUT = 100_000
# wordwrap takes time in proportion to its text and is refused on more than the longest letter,
# so that a single call cannot outlast a render's time limit by much (the clock is only read
# between steps).
MAX_WRAP = 10_000
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
    # `name` (of an office addressed by its title), `role` and `body` as the letter's language
    # has them: the office's own title where the letter is in its language (rendering.py).
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
    in_eu: bool = False  # an MEP, or a target in a member state of the European Union


@dataclass(frozen=True, slots=True)
class CampaignView:
    title: str


_TARGET_FIELDS = frozenset(field.name for field in fields(TargetView))
# The filters that write a line of the recipient's own: they read the whole target, not one of
# its fields, so a traced render leaves a placeholder where they print (see LetterTrace).
RECIPIENT_FILTERS = frozenset({"salutation", "closing"})
# Statements whose output goes straight into the letter; anything else (a macro, a {% set %} or
# {% filter %} block, a call, an {% autoescape %} block) may change or examine it first.
_PRINTING_STATEMENTS = (nodes.Template, nodes.If, nodes.For, nodes.With)


class LetterTrace:
    """What a render read of its target: the fields, by name and value, and where the
    recipient's own lines (salutation, closing) were printed, as placeholders.

    Two targets whose fields agree on every one a render read get the same text from it, but
    for those lines: `LetterRenderer.render_each` renders once and puts each target's lines in.
    """

    __slots__ = ("_markers", "budget", "lines", "placeholders_printable", "printed", "reads")

    def __init__(self) -> None:
        self.reads: dict[str, Any] = {}
        # placeholder -> (filter, language): what to print in its place for each recipient
        self.lines: dict[str, tuple[str, str]] = {}
        self._markers: dict[tuple[str, str], str] = {}  # the other way round
        # Set per template: True only where every salutation and closing is printed as it
        # comes (`recipient_lines_printed_as_they_come`), so that putting the real line in
        # place of the placeholder afterwards gives what the template would have printed.
        self.placeholders_printable = False
        self.printed: dict[str, int] = {}  # placeholder -> times printed in this render
        self.budget: _Budget | None = None  # the budget of the render that printed them

    def placeholder(self, context: Context, kind: str, language: str) -> str | None:
        """The placeholder for the `kind` line in `language`, counted as printed once; None
        where the template does not print the line as it comes, or once the private use area
        is used up (the line is then printed itself, and the render reads the whole target).

        One character from Unicode's private use area, so that it takes no more of the
        render's output budget than any line but an empty one. It is only trusted where it
        occurs in the text exactly as often as it was printed, which rules out one the
        supporter typed.
        """
        if not self.placeholders_printable:
            return None
        marker = self._markers.get((kind, language))
        if marker is None:
            if len(self.lines) >= _PLACEHOLDER_COUNT:
                return None
            marker = self._markers[kind, language] = chr(_PLACEHOLDERS_START + len(self.lines))
            self.lines[marker] = (kind, language)
        self.printed[marker] = self.printed.get(marker, 0) + 1
        self.budget = _budget(context)
        return marker


_PLACEHOLDERS_START, _PLACEHOLDER_COUNT = 0xE000, 0x1900  # the private use area: U+E000 to U+F8FF


class TracedTargetView(TargetView):
    """A TargetView that notes in its trace every field read, by any route: the sandbox's
    attribute access, or a filter turning the whole view into text (its repr reads all).

    Each field is a property over the view's own slot: only reading a field costs a call, not
    every look-up on the view (isinstance asks for its __class__, the sandbox for its type).
    """

    __slots__ = ("_trace",)
    _trace: LetterTrace


def _noting(name: str) -> property:
    slot = getattr(TargetView, name)

    def read(view: TracedTargetView) -> Any:
        value = slot.__get__(view)
        view._trace.reads[name] = value
        return value

    return property(read)


for _name in _TARGET_FIELDS:
    setattr(TracedTargetView, _name, _noting(_name))
# Named as the view it stands for, so that the template sees no difference: not in the text
# of the view (its repr) nor in an error message naming its type.
TracedTargetView.__name__ = TracedTargetView.__qualname__ = TargetView.__name__


def traced_target_view(trace: LetterTrace, **fields: Any) -> TracedTargetView:
    """A TargetView of these `fields` (all of them) that notes its reads in `trace`."""
    if fields.keys() != _TARGET_FIELDS:
        raise TypeError(f"a target view has the fields {sorted(_TARGET_FIELDS)}")
    view = object.__new__(TracedTargetView)
    for name, value in fields.items():
        getattr(TargetView, name).__set__(view, value)  # the slot, under the property
    object.__setattr__(view, "_trace", trace)
    return view


def recipient_lines_printed_as_they_come(tree: nodes.Template) -> bool:
    """True if every `salutation` and `closing` filter in the template (as the letter
    environment parses it) is printed as it comes: `{{ target|salutation }}`, outside macros,
    blocks and {% set %}, with nothing done to it.

    Only then can a placeholder stand in for the line during a render (LetterTrace).
    """
    as_they_come: set[int] = set()

    def visit(node: nodes.Node, prints_to_letter: bool) -> None:
        if isinstance(node, nodes.Output) and prints_to_letter:
            for child in node.nodes:  # each wrapped in _emitted by _Guard
                if isinstance(child, nodes.Filter) and child.name == "_emitted":
                    printed = child.node
                    if isinstance(printed, nodes.Filter) and printed.name in RECIPIENT_FILTERS:
                        as_they_come.add(id(printed))
        for inner in node.iter_child_nodes():
            visit(inner, prints_to_letter and isinstance(node, _PRINTING_STATEMENTS))

    visit(tree, True)
    return all(id(node) in as_they_come for node in tree.find_all(nodes.Filter)
               if node.name in RECIPIENT_FILTERS)


_BUILTIN_FILTERS = SandboxedEnvironment().filters
_TOO_MUCH_OUTPUT = "the letter is too long (the template prints more than {:,} characters)"


class _FullCollections(threading.local):
    """CPU time this thread spent in full garbage collections (see render_clock)."""

    seconds = 0.0
    started: float | None = None


_full_collections = _FullCollections()


def _count_full_collection(phase: str, info: dict[str, int]) -> None:
    if info["generation"] != 2:
        return  # the young generations take a fraction of a millisecond
    if phase == "start":
        _full_collections.started = time.thread_time()
    elif _full_collections.started is not None:
        _full_collections.seconds += time.thread_time() - _full_collections.started
        _full_collections.started = None


gc.callbacks.append(_count_full_collection)


def render_clock() -> float:
    """The rendering thread's own CPU time: what a template written to stall a worker burns.

    Not the wall clock, which also runs while the render waits its turn (for the interpreter
    lock in a worker's threads, for a core on a busy machine) and would then stop a letter that
    did nothing wrong, when the service is busiest. Nor a full garbage collection that happens
    to start during the render: it walks every object of the process, and in a process with a
    large heap (the test suite's, which builds thousands of apps) takes longer than a render may.
    """
    return time.thread_time() - _full_collections.seconds


class _Budget:
    """What one render may still do: loop iterations and calls, printed text, and time."""

    __slots__ = ("deadline", "depth", "limit", "operations", "output")

    def __init__(self, env) -> None:
        self.operations: int = getattr(env, "max_operations", MAX_OPERATIONS)
        self.limit: int = getattr(env, "max_output", MAX_OUTPUT)
        self.output = self.limit
        self.deadline = render_clock() + getattr(env, "render_seconds", RENDER_SECONDS)
        self.depth = 0

    def check_time(self) -> None:
        if render_clock() > self.deadline:
            raise RenderLimitExceeded("the template takes too long to render")

    def spend(self) -> None:
        """One loop iteration or call."""
        self.operations -= 1
        if self.operations < 0:
            raise RenderLimitExceeded("the template does too much work (loops or calls)")
        self.check_time()

    def emit(self, size: int) -> None:
        """`size` more characters printed; refused before they reach any buffer."""
        self.output -= size
        if self.output < 0:
            raise RenderLimitExceeded(_TOO_MUCH_OUTPUT.format(self.limit))
        self.check_time()


class _LetterContext(Context):
    """A render's context, carrying its budget.

    The context lives exactly as long as one render and is the same object in its macros and
    blocks; the evaluation context is not a safe place, since {% autoescape %} blocks restore
    its attributes when they end, which would hand out a fresh budget.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.letter_budget = _Budget(self.environment)


def _budget(context: Context) -> _Budget:
    budget = getattr(context, "letter_budget", None)
    if budget is None:  # a context the environment did not make (none does today)
        budget = _Budget(context.environment)
        context.letter_budget = budget  # type: ignore[attr-defined]
    return budget


def _check_size(value):
    if isinstance(value, str | list | tuple) and len(value) > MAX_TEXT:
        raise RenderLimitExceeded("text too long for a letter")
    return value


@pass_context
def _counted(context, iterable):
    """Every `for` loop iterates through this (see _Guard)."""
    budget = _budget(context)
    for item in iterable:
        budget.spend()
        yield item


@pass_context  # never folded into a constant at compile time, unlike a plain filter
def _emitted(context, value):
    """Every piece of output, template text or printed value, passes through this (see _Guard)."""
    value = _finalize(value)
    if isinstance(value, str):
        size = len(value)
    elif isinstance(value, int | float):
        size = len(str(value))
    else:
        size = 0  # None prints as a word; StrictUndefined refuses to print
    _budget(context).emit(size)
    return value


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


def _wordwrap_filter(env, s, width=79, break_long_words=True, wrapstring=None,
                     break_on_hyphens=True):
    """Jinja's wordwrap, refusing long text and a result past MAX_TEXT before building it."""
    text = str(s)
    if len(text) > MAX_WRAP:
        raise RenderLimitExceeded(f"text too long to wrap in a letter (over {MAX_WRAP:,} "
                                  "characters)")
    separator = env.newline_sequence if wrapstring is None else str(wrapstring)
    paragraphs = [
        textwrap.wrap(line, width=width, expand_tabs=False, replace_whitespace=False,
                      break_long_words=break_long_words, break_on_hyphens=break_on_hyphens)
        for line in text.splitlines()
    ]
    # What the joins below make: every line, and a separator between lines and paragraphs.
    separators = sum(max(len(lines) - 1, 0) for lines in paragraphs) + max(len(paragraphs) - 1, 0)
    size = sum(len(line) for lines in paragraphs for line in lines)
    if size + separators * len(separator) > MAX_TEXT:
        raise RenderLimitExceeded("text too long for a letter")
    return separator.join(separator.join(lines) for lines in paragraphs)


def _variant_filter(context, index: int, alternatives: int) -> int:
    """Which of `alternatives` wordings to use at variant `index` (see letters.variants).

    A cryptographic hash, so that the choices at different places are independent: a CRC is
    linear, and with it every two-way choice of a letter flipped together.
    """
    seed = str(context.get("variant_seed", ""))
    digest = hashlib.blake2b(f"{seed}\x00{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % max(int(alternatives), 1)


def _finalize(value):
    # Only text and numbers are printed: printing a list or a view would build its repr, which
    # can be huge and says nothing a letter needs.
    if value.__class__ is str:  # nearly always: the fast path costs one comparison
        return value
    if isinstance(value, str | int | float | Undefined) or value is None:
        return value
    raise SecurityError(f"a letter can print text and numbers, not {type(value).__name__}")


class _Guard(NodeTransformer):
    """Rewrites a parsed template so that its loops, concatenations and output are metered."""

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

    def visit_Output(self, node):
        # Every Output node: the template's own and those of macros, call, set and filter
        # blocks, which collect into buffers of their own before anything reaches the stream.
        node = self.generic_visit(node)
        node.nodes = [nodes.Filter(child, "_emitted", [], [], None, None, lineno=child.lineno)
                      for child in node.nodes]
        return node


class _LetterEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    context_class = _LetterContext
    max_operations = MAX_OPERATIONS
    max_output = MAX_OUTPUT
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
        budget = _budget(__context)
        budget.spend()
        if budget.depth >= MAX_CALL_DEPTH:
            raise RenderLimitExceeded("calls nested too deeply (a macro calling itself?)")
        budget.depth += 1
        try:
            return super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.depth -= 1

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
def _and_list_filter(context, items, names=None) -> str:
    from .summit_views import and_list

    if isinstance(items, str) or not isinstance(items, list | tuple):
        raise SecurityError("and_list joins a list")
    if len(items) > 100:
        raise RenderLimitExceeded("too many items for one sentence")
    if names is not None and not isinstance(names, dict):
        raise SecurityError("and_list's names are a mapping")
    return and_list(str(context.get("language") or DEFAULT_LANGUAGE), items, names)


@pass_context
def _salutation_filter(context, target, language: str | None = None) -> str:
    return _recipient_line_filter(context, "salutation", target, language)


@pass_context
def _closing_filter(context, target, language: str | None = None) -> str:
    """The closing line that agrees with `target|salutation` (see salutations.closings)."""
    return _recipient_line_filter(context, "closing", target, language)


def _recipient_line_filter(context, kind: str, target, language: str | None) -> str:
    language = language or context.get("language") or DEFAULT_LANGUAGE
    if isinstance(target, TracedTargetView) and isinstance(language, str):
        marker = target._trace.placeholder(context, kind, language)
        if marker is not None:
            return marker
    source = target._source if isinstance(target, TargetView) else target
    return recipient_line(kind, source, language)


def recipient_line(kind: str, target: Target, language: str) -> str:
    """What the `kind` filter (salutation or closing) prints for `target` in `language`."""
    kept = _KEPT_LINES.get()
    if kept is None:
        return (salutation if kind == "salutation" else closing)(target, language)
    key = (kind, language, id(target))
    line = kept.get(key)
    if line is None:
        # The target is kept with its line so that its id is not another's while it is kept.
        line = kept[key] = (target, (salutation if kind == "salutation" else closing)(
            target, language))
    return line[1]


# The recipient lines worked out within `recipient_lines_kept`: by filter, language and target.
_KEPT_LINES: ContextVar[dict[tuple[str, str, int], tuple[Target, str]] | None] = ContextVar(
    "kept_recipient_lines", default=None)


@contextmanager
def recipient_lines_kept() -> Iterator[None]:
    """Within this, each recipient's line in a language is worked out once, however often it is
    asked for: by the renders that print it (the filters, or the placeholders of
    `LetterRenderer.render_each`) and by what splits it off their texts again
    (letters.sharing). The lines depend on nothing else, and are let go at the end."""
    token = _KEPT_LINES.set({})
    try:
        yield
    finally:
        _KEPT_LINES.reset(token)


def make_environment(*, render_seconds: float = RENDER_SECONDS,
                     max_operations: int = MAX_OPERATIONS,
                     max_output: int = MAX_OUTPUT) -> SandboxedEnvironment:
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
    env.filters["closing"] = _closing_filter
    env.filters["join"] = pass_eval_context(_join_filter)
    env.filters["replace"] = pass_eval_context(_replace_filter)
    env.filters["wordwrap"] = pass_environment(_wordwrap_filter)
    env.filters["variant"] = pass_context(_variant_filter)
    env.filters["and_list"] = _and_list_filter
    # Inserted by _Guard, not meant to be written by hand (harmless if they are).
    env.filters["_counted"] = _counted
    env.filters["_sized"] = _sized
    env.filters["_emitted"] = _emitted
    env.finalize = _finalize
    env.render_seconds = render_seconds
    env.max_operations = max_operations
    env.max_output = max_output
    env.globals.clear()  # no range(), dict(), lipsum(): a letter sees only its own variables
    return env


def render_text(template: Template, variables: Mapping[str, Any]) -> str:
    """Render `template` as a stream, stopping once its output passes MAX_OUTPUT or its time.

    The sandbox meters output where it is made (see _Guard); this is the last line, on what
    actually comes out, and reads the clock once per piece.
    """
    env = template.environment
    limit = getattr(env, "max_output", MAX_OUTPUT)
    deadline = render_clock() + getattr(env, "render_seconds", RENDER_SECONDS)
    parts: list[str] = []
    size = 0
    stream = template.generate(variables)
    try:
        for part in stream:
            size += len(part)
            if size > limit:
                raise RenderLimitExceeded(_TOO_MUCH_OUTPUT.format(limit))
            if render_clock() > deadline:
                raise RenderLimitExceeded("the template takes too long to render")
            parts.append(part)
    finally:
        if isinstance(stream, Generator):  # what Jinja returns: end its render at once
            stream.close()
    return "".join(parts)
