"""Campaign content as files: one folder per campaign, one letter template per language.

A folder holds `campaign.json` and `<language>.txt` files. A template file is a small header of
`key: value` lines, a line `---`, then the Jinja body:

    subject: Put an AI pause treaty on the agenda of the next AI summit
    targets: summit_delegate, minister, mp, mep
    ---
    {{ target|salutation }}
    ...
    {{ target|closing }}

`salutation` is the opening line in the letter's language, `closing` the closing line that
agrees with it (letters.salutations.closings: "Yours faithfully," after "Dear Sir or Madam,").
Written on its own line just before the supporter's name, as above, the closing is added per
recipient where it differs between them (letters.sharing), like the salutation.

Templates are checked when loaded (header, Jinja syntax, only the variables a letter is given),
so a broken file fails at start-up with its path and line, not when a supporter writes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2
from jinja2 import meta, nodes

from representatives.model import TargetKind

from .sandbox import DEFAULT_LANGUAGE, make_environment
from .text import normalise_newlines

DEFAULT_ROOT = Path(__file__).parent / "campaigns"

# The only names a template may read; rendering passes exactly these.
ALLOWED_VARIABLES = frozenset(
    {"supporter", "target", "campaign", "summit", "record", "language"})

_HEADER_KEYS = ("subject", "targets", "review")
# `review: native reader needed` marks a letter nobody fluent in its language has read yet (a
# translation): the staff editor says so until staff mark it reviewed.
NEEDS_REVIEW = "native reader needed"
_HEADER_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(.*)$")
_LANGUAGE_FILE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?\.txt$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Checked in the environment letters render in, so unknown filters are caught here too.
_CHECK_ENV = make_environment()


class ContentError(ValueError):
    """A campaign file that cannot be used; says which file and line."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        where = self.path or "<template>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class LetterTemplate:
    """One campaign's letter in one language: subject and body are Jinja sources."""

    campaign: str
    language: str
    subject: str
    body: str
    target_kinds: tuple[TargetKind, ...]
    path: str | None = None
    body_line: int = 1  # line of the file where the body starts, for error messages
    needs_review: bool = False  # awaiting a native reader's review (the file's `review` line)


@dataclass(frozen=True, slots=True)
class CampaignContent:
    """Everything a campaign folder holds."""

    slug: str
    titles: dict[str, str]
    intros: dict[str, str]
    target_kinds: tuple[TargetKind, ...]
    templates: dict[str, LetterTemplate] = field(default_factory=dict)
    # Set by staff: the countries whose supporters may write (empty: all), and the last day
    # letters are taken.
    countries: tuple[str, ...] = ()
    deadline: date | None = None

    def title(self, language: str) -> str:
        """The title in `language`, else English."""
        return self.titles.get(language) or self.titles[DEFAULT_LANGUAGE]

    def intro(self, language: str) -> str:
        """The introduction in `language`, else English."""
        return self.intros.get(language) or self.intros.get(DEFAULT_LANGUAGE, "")


def _target_kinds(value: object, path, line: int | None) -> tuple[TargetKind, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ContentError("target kinds must be a list", path, line)
    kinds = []
    for item in items:
        name = str(item).strip()
        try:
            kinds.append(TargetKind(name))
        except ValueError:
            known = ", ".join(k.value for k in TargetKind)
            raise ContentError(
                f"unknown target kind {name!r} (known: {known})", path, line
            ) from None
    if not kinds:
        raise ContentError("no target kinds given", path, line)
    return tuple(kinds)


def check_source(source: str, *, path=None, first_line: int = 1) -> None:
    """Raise ContentError unless `source` is valid Jinja reading only the allowed variables."""
    try:
        tree = _CHECK_ENV.parse(source)
        # Runs the code generator, which also refuses unknown filters and tests.
        unknown = meta.find_undeclared_variables(tree) - ALLOWED_VARIABLES
    except jinja2.TemplateSyntaxError as exc:  # TemplateAssertionError is a subclass
        line = first_line + (exc.lineno or 1) - 1
        raise ContentError(f"template: {exc.message}", path, line) from None
    if unknown:
        name = sorted(unknown)[0]
        node = next(n for n in tree.find_all(nodes.Name) if n.name == name)
        allowed = ", ".join(sorted(ALLOWED_VARIABLES))
        raise ContentError(
            f"unknown variable {name!r} (a letter has: {allowed})",
            path,
            first_line + node.lineno - 1,
        )


def parse_template(
    text: str,
    *,
    campaign: str,
    language: str,
    default_kinds: tuple[TargetKind, ...] = tuple(TargetKind),
    path=None,
) -> LetterTemplate:
    """Parse a template file's text (header, `---`, body) into a checked LetterTemplate."""
    lines = normalise_newlines(text).split("\n")
    header: dict[str, tuple[str, int]] = {}
    separator = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line == "---":
            separator = number
            break
        if not line or line.startswith("#"):
            continue
        match = _HEADER_LINE.match(line)
        if not match:
            raise ContentError(
                f"header line must be 'key: value' (or '---' before the body), got {line[:40]!r}",
                path,
                number,
            )
        key, value = match.group(1).lower(), match.group(2).strip()
        if key not in _HEADER_KEYS:
            raise ContentError(
                f"unknown header {key!r} (known: {', '.join(_HEADER_KEYS)})", path, number
            )
        if key in header:
            raise ContentError(f"header {key!r} given twice", path, number)
        header[key] = (value, number)
    if separator is None:
        raise ContentError("no '---' line between the header and the body", path, len(lines))
    if "subject" not in header or not header["subject"][0]:
        at = header["subject"][1] if "subject" in header else separator
        raise ContentError("the header needs a non-empty 'subject'", path, at)
    subject, subject_line = header["subject"]
    kinds = default_kinds
    if "targets" in header:
        kinds = _target_kinds(header["targets"][0], path, header["targets"][1])
    needs_review = False
    if "review" in header:
        value, line_number = header["review"]
        if value.lower() != NEEDS_REVIEW:
            raise ContentError(f"review can only be '{NEEDS_REVIEW}'", path, line_number)
        needs_review = True
    body = "\n".join(lines[separator:])
    if not body.strip():
        raise ContentError("the letter body is empty", path, separator + 1)
    check_source(subject, path=path, first_line=subject_line)
    check_source(body, path=path, first_line=separator + 1)
    return LetterTemplate(
        campaign=campaign,
        language=language,
        subject=subject,
        body=body,
        target_kinds=kinds,
        path=str(path) if path is not None else None,
        body_line=separator + 1,
        needs_review=needs_review,
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(f"not UTF-8 ({exc.reason} at byte {exc.start})", path) from None


def _language_map(data: dict, key: str, path: Path) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ContentError(f"{key!r} must map language codes to text", path)
    if DEFAULT_LANGUAGE not in value:
        raise ContentError(f"{key!r} needs an English ({DEFAULT_LANGUAGE!r}) entry", path)
    return dict(value)


def load_campaign_dir(path: str | Path) -> CampaignContent:
    """Load and check one campaign folder (campaign.json and its <language>.txt templates)."""
    folder = Path(path)
    meta_path = folder / "campaign.json"
    try:
        data = json.loads(_read_text(meta_path))
    except FileNotFoundError:
        raise ContentError("missing campaign.json", meta_path) from None
    except json.JSONDecodeError as exc:
        raise ContentError(f"invalid JSON: {exc.msg}", meta_path, exc.lineno) from None
    if not isinstance(data, dict):
        raise ContentError("campaign.json must hold an object", meta_path)
    slug = data.get("slug")
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise ContentError("'slug' must be lower-case words joined by '-'", meta_path)
    if slug != folder.name:
        raise ContentError(f"slug {slug!r} differs from the folder name {folder.name!r}", meta_path)
    kinds = _target_kinds(data.get("target_kinds", []), meta_path, None)
    if "summit" in data or "summit_series" in data:
        raise ContentError("the summits are data, not campaign content: staff keep them at "
                           "/staff/summits (the next summit is the one marked next there)",
                           meta_path)

    templates = {}
    for file in sorted(folder.glob("*.txt")):
        if not _LANGUAGE_FILE.match(file.name):
            raise ContentError("a template file is named <language>.txt, e.g. en.txt", file)
        language = file.stem
        template = parse_template(
            _read_text(file), campaign=slug, language=language, default_kinds=kinds, path=file
        )
        extra = set(template.target_kinds) - set(kinds)
        if extra:
            names = ", ".join(sorted(extra))
            raise ContentError(f"targets {names} are not addressed by this campaign", file)
        templates[language] = template
    if DEFAULT_LANGUAGE not in templates:
        raise ContentError(f"missing the English template {DEFAULT_LANGUAGE}.txt", folder)

    return CampaignContent(
        slug=slug,
        titles=_language_map(data, "title", meta_path),
        intros=_language_map(data, "intro", meta_path),
        target_kinds=kinds,
        templates=templates,
    )


def load_all_campaigns(root: str | Path | None = None) -> dict[str, CampaignContent]:
    """Load every campaign folder under `root` (default: the campaigns shipped with the package)."""
    base = Path(root) if root is not None else DEFAULT_ROOT
    campaigns = {}
    for folder in sorted(p for p in base.iterdir() if (p / "campaign.json").is_file()):
        content = load_campaign_dir(folder)
        campaigns[content.slug] = content
    return campaigns
