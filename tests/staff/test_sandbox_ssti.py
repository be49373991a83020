"""Server-side template injection: the known escapes of the Jinja sandbox are refused or stopped."""

from __future__ import annotations

import threading
import time

import pytest

from letters.sandbox import SecurityError, make_environment, render_text
from letters.templates import ContentError, load_all_campaigns
from letters.validation import validate_template

from .conftest import token

ESCAPES = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ target.__class__.__init__.__globals__ }}",
    "{{ supporter.__init__.__globals__['os'] }}",
    "{{ campaign.title.__class__.__base__.__subclasses__() }}",
    "{{ target._source }}",
    "{{ (target|attr('__class__')) }}",
    "{{ '{0.__class__}'.format(target) }}",
    "{{ '{a.__class__}'.format_map({'a': target}) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '%999999999s' % 1 }}",
    "{{ ''.ljust(999999999) }}",
    "{{ 'x'.center(999999999) }}",
    "{{ 9 ** 999999 }}",
    "{{ 'a' * 100000000 }}",
    "{{ range(10**9)|list }}",
    "{{ lipsum() }}{{ cycler }}{{ namespace }}",
    "{{ self.__init__.__globals__ }}",
    "{% for a in 'x'*9000 %}{% for b in 'x'*9000 %}{% for c in 'x'*9000 %}{% endfor %}"
    "{% endfor %}{% endfor %}",
    "{% macro f() %}{{ f() }}{{ f() }}{% endmacro %}{{ f() }}",
    "{% set a = 'x'*9000 %}{% set a = a ~ a %}{% set a = a ~ a %}{% set a = a ~ a %}"
    "{% set a = a ~ a %}{% set a = a ~ a %}{% set a = a ~ a %}{{ a }}",
    "{{ (['x'*9000]*9000)|join }}",
    "{{ ('x'*9000)|replace('x', 'x'*9000) }}",
    "{% for x in [1]|recursive %}{% endfor %}",
    "{% for x in [[1]] recursive %}{{ loop(x) }}{% endfor %}",
    "{{ [[1]*9000]*9000 }}",
]


@pytest.fixture(scope="module")
def content():
    return load_all_campaigns()["treaty-at-next-summit"]


@pytest.mark.parametrize("body", ESCAPES)
def test_escape_cannot_be_saved(content, body):
    started = time.perf_counter()
    with pytest.raises(ContentError):
        validate_template(f"subject: x\n---\nHello\n{body}\n", content=content, language="en")
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize("body", [b for b in ESCAPES if "recursive" not in b and "range" not in b
                                  and "lipsum" not in b and "attr(" not in b
                                  and "self." not in b and "_source" not in b])
def test_escape_is_stopped_at_render_time(body):
    # Even a template that skipped the check (a file edited by hand) is stopped while rendering.
    env = make_environment()
    started = time.perf_counter()
    with pytest.raises((SecurityError, ContentError)):
        env.from_string(body).render(target=object(), supporter=object(), campaign=object())
    assert time.perf_counter() - started < 2.0


def test_render_time_limit_stops_a_slow_template():
    env = make_environment(render_seconds=0.05, max_operations=10**9)
    body = ("{% for a in 'x'*9000 %}{% for b in 'x'*9000 %}{{ a }}{% endfor %}{% endfor %}")
    started = time.perf_counter()
    with pytest.raises(SecurityError, match="too long"):
        env.from_string(body).render()
    assert time.perf_counter() - started < 1.0


def test_harmless_templates_still_work():
    env = make_environment()
    body = ("{% for w in ['a', 'b'] %}{{ w|upper }}{% endfor %} {{ 'x'.upper() }} "
            "{{ 'a b'.split()|join(',') }} {{ 2 * 3 }} {{ 'ab' ~ 'cd' }}")
    assert env.from_string(body).render() == "AB X a,b 6 abcd"


def test_app_stays_responsive_while_refusing(staff_app, editor):
    url = "/staff/campaigns/treaty-at-next-summit/letters/en"
    evil = ("subject: x\n---\n{% for a in 'x'*9000 %}{% for b in 'x'*9000 %}{% endfor %}"
            "{% endfor %}\n")
    csrf = token(editor, url)
    results: list[int] = []

    def hammer():
        client = staff_app.test_client()
        with editor.session_transaction() as source, client.session_transaction() as target:
            target.update(source)
        for _ in range(3):
            response = client.post(f"{url}/preview", data={
                "csrf_token": csrf, "source": evil, "country": "", "target": "", "seed": ""})
            results.append(response.status_code)

    thread = threading.Thread(target=hammer)
    started = time.perf_counter()
    thread.start()
    public = staff_app.test_client().get("/c/treaty-at-next-summit?lang=en")
    assert public.status_code == 200
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert results == [200, 200, 200]
    assert time.perf_counter() - started < 5.0
    response = editor.post(f"{url}/preview", data={
        "csrf_token": csrf, "source": evil, "country": "", "target": "", "seed": ""})
    assert "too much work" in response.get_json()["error"]


def _waits() -> str:
    """Takes long while doing no work: as a render does that waits its turn for the
    interpreter lock or a core on a busy machine."""
    time.sleep(0.15)
    return "ready"


def test_a_render_that_waits_is_not_stopped_by_the_time_limit():
    """The limit counts the render's own work (its thread's CPU time), not time spent waiting:
    a busy machine does not make a harmless letter fail."""
    env = make_environment(render_seconds=0.05)
    template = env.from_string("{{ wait() }} and {{ wait() }}")
    assert render_text(template, {"wait": _waits}) == "ready and ready"


def test_a_full_garbage_collection_during_a_render_does_not_count_against_it():
    """A collection walks every object of the process: in a large one (the test suite's) it can
    take longer than a render may, and is no work of the template's."""
    import gc

    heap = [[n] for n in range(300_000)]  # objects a full collection walks
    started = time.thread_time()
    gc.collect()
    one_collection = time.thread_time() - started

    def collect() -> str:
        gc.collect()
        gc.collect()
        return "collected"

    env = make_environment(render_seconds=one_collection / 3)
    assert render_text(env.from_string("{{ collect() }}"), {"collect": collect}) == "collected"
    assert len(heap) == 300_000
