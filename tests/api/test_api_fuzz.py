"""Property-based fuzz of /api/v1's bodies, on SQLite and PostgreSQL: a real submission or
render request, then fields changed (NUL, lone surrogates as JSON escapes and as raw bytes,
very long strings, other types, nesting), dropped, repeated or added; a fuzzed query for the
targets; a fuzzed key and campaign now and then.

The same properties as the forms' fuzz (tests/webapp/test_fuzz.py): no server error, always a
JSON answer, and nothing half-stored (a refused request changes no count; a taken submission
is stored with its confirmation notice). Schemathesis covers the OpenAPI document's shapes
(test_api_schemathesis.py); this goes where the schema does not lead: near-valid values.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.webapp.flow import SLUG
from tests.webapp.fuzzing import (
    FUZZ,
    WORST,
    any_json,
    any_text,
    check,
    counts,
    long_in_address,
    long_text,
    mostly,
    odd,
    quoted,
    raw,
    value,
)
from webapp.app_state import app_state
from webapp.models import Submission

API = "/api/v1"
JANE = {"name": "Jane Doe", "email": "jane@example.org", "town": "Utrecht", "country": "NL",
        "postcode": "", "own_words": "My daughter will grow up with whatever we build now.",
        "wants_updates": True}

# What a field may become: odd text, any JSON value, a long string, another type. (Copies:
# a body is changed in place, and must not change the values it was drawn from.)
replacement = st.one_of(odd, any_text, long_text, any_json,
                        st.sampled_from([None, True, 0, -1, 2**63, 1e308, [], {}, [[[]]]])
                        ).map(copy.deepcopy)


def paths(document, prefix=()) -> list[tuple]:
    """Where each value of a JSON document sits: keys and list indices from the top."""
    found = [prefix]
    if isinstance(document, dict):
        for key, item in document.items():
            found += paths(item, (*prefix, key))
        return found
    if isinstance(document, list):
        for index, item in enumerate(document):
            found += paths(item, (*prefix, index))
    return found


def parent_of(document, path):
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def mutated_json(draw, base: dict, near_values: dict):
    """The base body with a few values changed (near-valid or anything), dropped, repeated in
    a list, or an unknown key added."""
    document = json.loads(json.dumps(base))
    mode = draw(st.sampled_from(["as it was", "poison", "poison", "mutate", "mutate"]))
    if mode == "as it was":
        return document
    if mode == "poison":
        # One of the worst characters in one string, which must be refused or taken harmlessly.
        strings = [p for p in paths(document) if isinstance(parent_of(document, p + ("",)),
                                                             str)]
        path = draw(st.sampled_from(strings))
        parent, key = parent_of(document, path), path[-1]
        at = draw(st.integers(0, len(parent[key])))
        parent[key] = parent[key][:at] + draw(st.sampled_from(WORST)) + parent[key][at:]
        return document
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(document)))
        if not path:
            if draw(mostly(False, st.just(True), one_in=8)):
                document = draw(replacement)  # not even an object
            continue
        parent, key = parent_of(document, path), path[-1]
        operation = draw(st.sampled_from(["near", "near", "odd", "any", "drop", "add"]))
        current = parent[key]
        if operation == "near":
            choices = near_values.get(key if isinstance(key, str) else "", [])
            if isinstance(current, str):
                at = draw(st.integers(0, len(current)))
                choices = [*choices, current[:at] + draw(odd) + current[at:]]
            parent[key] = (copy.deepcopy(draw(st.sampled_from(choices))) if choices
                           else draw(replacement))
        elif operation == "odd":
            parent[key] = draw(odd)
        elif operation == "any":
            parent[key] = draw(replacement)
        elif operation == "drop":
            del parent[key]
        elif isinstance(parent, dict):
            parent[draw(st.one_of(st.sampled_from(["supporter", "letters", "target_id",
                                                   "extra"]), any_text))] = draw(replacement)
        else:
            parent.append(copy.deepcopy(current))
    return document


def encoded(document, ascii_only: bool) -> bytes:
    """JSON as a client writes it: lone surrogates escaped ("\\ud800"), or, written by a
    careless one, as the raw bytes no UTF-8 decoder takes."""
    return raw(json.dumps(document, ensure_ascii=ascii_only, allow_nan=True))


def test_api_bodies_take_anything(app, client, auth):
    targets = client.get(f"{API}/campaigns/{SLUG}/targets?country=NL", headers=auth)
    assert targets.status_code == 200
    ids = [t["id"] for t in targets.get_json()["targets"] if t["can_send_for_me"]]
    assert ids
    submission = {"supporter": JANE, "partner_consent": True, "idempotency_key": "order-12345",
                  "letters": [{"target_id": ids[0], "subject": "A treaty",
                               "body": "Please work for a treaty."}]}
    render = {"supporter": JANE, "target_id": ids[0]}
    near_values = {
        "target_id": [*ids, ids[0].upper(), "", "t:none", ids[0] + " "],
        "country": ["NL", "nl", "US", "XX", "", "NLD"],
        "postcode": ["", "1012AB", "12345", "x" * 17],
        "email": ["jane@example.org", "jöse@example.org", "jane@exämple.org", "@"],
        "idempotency_key": ["order-12345", "order-67890", "1234567", "x" * 65, "a b c d e f"],
        "partner_consent": [True, False, "true", 1],
        "wants_updates": [True, False, "yes", None],
        "letters": [[], [{"target_id": i} for i in ids], [{"target_id": ids[0]}] * 2],
        "subject": ["", " ", "x" * 999],
        "body": ["", "x" * 10_001],
    }
    key = auth["Authorization"]
    query_value = st.one_of(st.sampled_from(["NL", "nl", "US", "", "1012AB", "12345"]), odd,
                            any_text, long_in_address)

    seen: Counter[tuple[str, int]] = Counter()

    @settings(FUZZ, max_examples=150)  # quick ones: no page to render
    @given(endpoint=st.sampled_from(["submissions", "submissions", "render", "targets"]),
           submission=mutated_json(submission, near_values),
           render=mutated_json(render, near_values),
           query=st.lists(st.tuples(st.sampled_from(["country", "postcode", "x"]), query_value),
                          max_size=3).map(lambda pairs: [("country", "NL"), *pairs]),
           ascii_only=mostly(True, st.just(False)),
           content_type=mostly("application/json", st.sampled_from(
               [None, "text/plain", "application/json; charset=latin-1",
                "application/x-www-form-urlencoded"])),
           authorization=mostly(key, st.sampled_from(["", "Bearer ", key + "x", key.lower(),
                                                      "Basic " + key[7:], key[:-1]])),
           slug=mostly(SLUG, value([SLUG, "no-campaign"], in_address=True)),
           order=st.integers(0, 10**6))
    def fuzz(endpoint, submission, render, query, ascii_only, content_type, authorization,
             slug, order):
        if isinstance(submission, dict) and submission.get("idempotency_key") == "order-12345":
            # A new order now and then, or the same one again (a duplicate: nothing new).
            submission["idempotency_key"] = f"order-{order:06d}"
        headers = {"Authorization": authorization} if authorization else {}
        if content_type:
            headers["Content-Type"] = content_type
        url = f"{API}/campaigns/{quote(raw(slug), safe='')}/{endpoint}"
        before = counts(app)
        if endpoint == "targets":
            response = client.get(url + "?" + "&".join(f"{quoted(k)}={quoted(v)}"
                                                       for k, v in query), headers=headers)
        else:
            body = submission if endpoint == "submissions" else render
            response = client.post(url, data=encoded(body, ascii_only), headers=headers)
        after = check(app, response, before, may_store=endpoint == "submissions")
        seen[endpoint, response.status_code] += 1
        assert response.is_json, (response.status_code, response.get_data()[:200])
        if response.status_code == 202:  # taken: the submission with its confirmation mail
            assert after.submissions == before.submissions + 1
            assert after.notices == before.notices + 1
        else:
            assert after.submissions == before.submissions

    fuzz()
    # The fuzz reached what lies behind the key and the body's checks, on every endpoint.
    assert {("submissions", 202), ("render", 200), ("targets", 200)} <= set(seen), seen


def test_country_around_white_space_is_stored_as_its_code(app, client, auth):
    # What the fuzz found: "NL\n" matched the Netherlands and was stored as it came (a 500 on
    # PostgreSQL, whose column holds two letters).
    response = client.post(f"{API}/campaigns/{SLUG}/submissions", headers=auth,
                           json={"supporter": {**JANE, "country": "nl\r\n"}})
    assert response.status_code == 202, response.get_json()
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Submission.country)).all() == ["NL"]
