"""What the fuzz tests share: the strategies for arbitrary and near-valid input, raw request
bodies, and the checks that nothing was stored half (tests/webapp/test_fuzz.py, and the API's in
tests/api/test_api_fuzz.py)."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import exists, func, select

from webapp.app_state import app_state
from webapp.models import Letter, Notice, NoticeKind, Submission, WebhookEvent

# A fixed number of examples, the same on every run (derandomize), none kept between runs.
FUZZ = settings(max_examples=100, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))
FEWER = settings(FUZZ, max_examples=50)

FORM = "application/x-www-form-urlencoded"


# --- what is stored, and the rules it keeps ----------------------------------------------

class Counts(NamedTuple):
    submissions: int
    letters: int
    notices: int
    webhook_events: int


def counts(app) -> Counts:
    with app_state(app).database.session_factory() as session:
        return Counts(*(session.scalar(select(func.count()).select_from(model))
                        for model in (Submission, Letter, Notice, WebhookEvent)))


def assert_whole(app) -> None:
    """Nothing half-stored: each submission has its confirmation mail; it has letters exactly
    when it was confirmed, and pending letters exactly when it was not; its country is a code."""
    with app_state(app).database.session_factory() as session:
        has_notice = exists().where(Notice.submission_id == Submission.id,
                                    Notice.kind == NoticeKind.CONFIRMATION)
        has_letters = exists().where(Letter.submission_id == Submission.id)
        broken = session.scalars(select(Submission.id).where(
            ~has_notice
            | (Submission.confirmed_at.is_(None) & (has_letters
                                                    | Submission.pending_letters.is_(None)))
            | (Submission.confirmed_at.is_not(None) & ~has_letters)
            # Stored as checked: SQLite would keep what PostgreSQL's column refuses.
            | (func.length(Submission.country) != 2)
        )).all()
    assert not broken, f"half-stored submissions: {broken}"


def check(app, response, before: Counts, *, may_store: bool = True) -> Counts:
    """The properties of every answer; returns the counts after it."""
    assert response.status_code < 500, (response.status_code, response.get_data()[:300])
    after = counts(app)
    if response.status_code >= 400 or not may_store:
        assert after == before, (response.status_code, before, after)
    new_submissions = after.submissions - before.submissions
    assert new_submissions in (0, 1)
    assert after.notices - before.notices >= new_submissions
    assert_whole(app)
    return after


# --- building raw requests ---------------------------------------------------------------

def raw(text: str) -> bytes:
    """UTF-8, lone surrogates included (as the three bytes a raw body would carry)."""
    return text.encode("utf-8", "surrogatepass")


def quoted(text: str) -> str:
    return quote_from_bytes(raw(text), safe="")


def form_body(pairs) -> bytes:
    return "&".join(f"{quoted(k)}={quoted(v)}" for k, v in pairs).encode("ascii")


class Request(NamedTuple):
    pairs: list[tuple[str, str]]
    junk: bytes  # appended to the body as it is: broken escapes, invalid UTF-8
    content_type: str | None


def post_form(client, url: str, request: Request, headers: dict | None = None, query=()):
    if query:
        url += ("&" if "?" in url else "?") + form_body(query).decode()
    body = form_body(request.pairs) + request.junk
    headers = dict(headers or {})
    if request.content_type is not None:
        headers["Content-Type"] = request.content_type
    return client.post(url, data=body, headers=headers)


# --- strategies ----------------------------------------------------------------------------

# Characters that each broke some web app once: NUL and other controls, lone surrogates,
# line and paragraph separators, bidi overrides, a BOM, characters outside the BMP.
ODD = ["", " ", "\x00", "\ud800", "\udfff", "\r\n", "\n", "\r", "\t", "\x7f", "\x85",
       "\u2028", "\u2029", "\u202e", "\ufeff", "\ufffd", "\U0001d518", "é", "%00", "%",
       "<script>", "{{ 7*7 }}", "{% raw %}", "[[a|b]]", "' OR 1=1 --", "\\", "../", "null"]

any_char = st.characters(exclude_categories=())  # surrogates too
any_text = st.text(any_char, max_size=40)
LONG_CHARACTERS = st.sampled_from(["x", "é", "\x00", "\U0001d518", "\ud800", "a\n"])
long_text = st.builds(lambda c, n: c * n, LONG_CHARACTERS,
                      st.sampled_from([17, 101, 255, 1001, 10_001, 40_000, 300_000]))
# Addresses stay short enough for a server to take them (a few kB).
long_in_address = st.builds(lambda c, n: c * n, LONG_CHARACTERS, st.sampled_from([17, 255, 999]))


# The characters that matter most, drawn more often than the rest of ODD.
WORST = ["\x00", "\ud800", "\r\n", "\u2028"]
odd = st.one_of(st.sampled_from(WORST), st.sampled_from(ODD))


def near(values) -> st.SearchStrategy[str]:
    """A valid value, or one with an odd character put into it."""
    values = list(values)
    return st.one_of(
        st.sampled_from(values),
        st.builds(lambda v, char, at: v[:at % (len(v) + 1)] + char + v[at % (len(v) + 1):],
                  st.sampled_from(values), odd, st.integers(0, 200)),
        st.builds(lambda v, n: v * n, st.sampled_from(values), st.integers(2, 300)),
    )


def mostly(common, rare, one_in: int = 6) -> st.SearchStrategy:
    """`common`, except about once in `one_in` examples `rare`: the odd request must not keep
    the fuzz from reaching the code behind the form's first check."""
    common = common if isinstance(common, st.SearchStrategy) else st.just(common)
    # Not st.integers, which draws its bounds far more often than the rest.
    return st.sampled_from([False] * (one_in - 1) + [True]).flatmap(
        lambda rarely: rare if rarely else common)


def value(near_values=(), *, in_address=False) -> st.SearchStrategy[str]:
    choices = [odd, any_text, long_in_address if in_address else long_text]
    if near_values:
        choices = [near(near_values), near(near_values), *choices]
    return st.one_of(*choices)


JUNK = [b"&", b"&&=", b"=", b"%", b"%zz", b"%ED%A0%80", b"%FF%FE", b"&name=%00",
        b"&%C0%AF=1", b"\xff\xfe", b"&a=%E2%80%A8"]
junk = mostly(b"", st.sampled_from(JUNK))  # appended to a body as it is
content_type = mostly(FORM, st.sampled_from([f"{FORM}; charset=latin-1", None, "text/plain",
                                             "multipart/form-data; boundary=x",
                                             "application/json"]))


TOKENS = frozenset({"csrf_token", "embed_token", "seal"})


@st.composite
def mutated(draw, base, near_values: dict, extra_keys=()) -> Request:
    """The base form with a few of its fields changed, repeated or dropped, and maybe others
    added; its body maybe with junk after it, or under another content type."""
    pairs = list(base)
    keys = sorted({k for k, _ in base}) or ["x"]
    all_values = sorted({v for _, v in base if len(v) < 200}) or [""]
    fields = [k for k in keys if k not in TOKENS] or keys
    if draw(st.booleans()):
        # Half the time: the form as it was, but for one of the worst characters in one field,
        # which must then be refused at that field or taken harmlessly.
        key = draw(st.sampled_from(fields))
        original = next(v for k, v in pairs if k == key)
        at = draw(st.integers(0, len(original)))
        poisoned = original[:at] + draw(st.sampled_from(WORST)) + original[at:]
        pairs = [(k, poisoned if k == key else v) for k, v in pairs]
        return Request(pairs, b"", FORM)
    # The tokens that let a form in are changed now and then, not as often as the rest.
    chosen = draw(st.sets(st.sampled_from(fields), min_size=1, max_size=4))
    chosen |= {key for key in keys if key in TOKENS and draw(mostly(False, st.just(True)))}
    for key in sorted(chosen):
        operation = draw(st.sampled_from(["near", "near", "any", "drop", "repeat", "swap"]))
        if operation == "near":
            new = draw(near(near_values.get(key) or all_values))
        elif operation == "swap":  # another field's value in this one
            new = draw(st.sampled_from(all_values))
        else:
            new = draw(value())
        if operation != "repeat":
            pairs = [(k, v) for k, v in pairs if k != key]
        if operation != "drop":
            pairs.append((key, new))
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.one_of(st.sampled_from([*keys, *extra_keys]), any_text))
        pairs.append((name, draw(value(all_values))))
    return Request(pairs, draw(junk), draw(content_type))


# A header's value as a WSGI server passes it on: Latin-1, without line breaks.
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xff,
                                    exclude_characters="\x7f"), max_size=60)
# Any JSON, lone surrogates, NaN and integers beyond 64 bits included.
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                        st.floats(allow_nan=True, allow_infinity=True), any_text,
                        st.sampled_from(ODD))
any_json = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)), max_leaves=12)
