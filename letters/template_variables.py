"""What a letter template can use, as the list the staff editor shows: each variable with its
attributes, and the filters. Read off the views a render passes (sandbox.py, summit_views.py)
and the environment it renders in, so that a field added there is listed here; the editor
says in the staff member's language what each one holds (summit_views.py documents `summit`,
`record` and `and_list` for developers).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache

from .sandbox import CampaignView, SupporterView, TargetView, make_environment
from .summit_views import RecordView, SummitView
from .templates import ALLOWED_VARIABLES

# In the editor's order; `language` is a plain value, the others read-only views.
_VIEWS: dict[str, type | None] = {
    "supporter": SupporterView,
    "target": TargetView,
    "campaign": CampaignView,
    "summit": SummitView,
    "record": RecordView,
    "language": None,
}
# Fields a template does not see or need: the target's own record stays behind a "_" name
# the sandbox refuses, and summit.upcoming is always true (kept for templates written before
# the series was data).
_UNLISTED = frozenset({"_source", "upcoming"})
# The filters letters add to Jinja's own, listed first.
LETTER_FILTERS = ("salutation", "closing", "and_list")
# Filters the sandbox inserts itself: `variant` is what [[one|other]] becomes, and those with
# a "_" name count a render's work.
_INSERTED_FILTERS = frozenset({"variant"})


@dataclass(frozen=True, slots=True)
class TemplateVariable:
    name: str  # "summit"
    attributes: tuple[str, ...]  # ("summit.name", "summit.city", ...); () for a plain value


@cache
def template_variables() -> tuple[TemplateVariable, ...]:
    """Every variable a template may read, with its attributes, in the editor's order."""
    names = [name for name in _VIEWS if name in ALLOWED_VARIABLES]
    names += sorted(ALLOWED_VARIABLES - set(names))  # one the views above do not know yet
    return tuple(
        TemplateVariable(name, tuple(f"{name}.{f.name}" for f in fields(view)
                                     if f.name not in _UNLISTED) if (view := _VIEWS.get(name))
                         else ())
        for name in names
    )


@cache
def template_filters() -> tuple[str, ...]:
    """The filters a template may use: the letters' own, then Jinja's that are allowed."""
    allowed = {name for name in make_environment().filters
               if not name.startswith("_") and name not in _INSERTED_FILTERS}
    return tuple(name for name in LETTER_FILTERS if name in allowed) + tuple(
        sorted(allowed - set(LETTER_FILTERS)))
