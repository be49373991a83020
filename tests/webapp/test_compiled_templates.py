"""Every app of a process shares its compiled templates; an edited template is compiled anew."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from tests.apps import make_config
from webapp import create_app
from webapp.app_state import app_state
from webapp.templating import CompiledTemplates


def test_a_second_app_renders_without_compiling(database_url, tmp_path):
    first = create_app(make_config(tmp_path / "first", database_url))
    second = create_app(make_config(tmp_path / "second", database_url))
    try:
        page = first.test_client().get("/")
        assert page.status_code == 200

        def no_compiling(*args, **kwargs):
            raise AssertionError("compiled a template the first app had compiled")

        second.jinja_env.compile = no_compiling  # type: ignore[method-assign]
        again = second.test_client().get("/")
        assert again.status_code == 200
        assert again.text.count("<option") == page.text.count("<option") > 100
    finally:
        app_state(first).database.dispose()
        app_state(second).database.dispose()


def test_an_edited_template_is_compiled_again():
    cache = CompiledTemplates()
    before = Environment(loader=DictLoader({"page.html": "Dear {{ name }},"}),
                         bytecode_cache=cache)
    assert before.get_template("page.html").render(name="Ada") == "Dear Ada,"

    after = Environment(loader=DictLoader({"page.html": "Hello {{ name }}!"}),
                        bytecode_cache=cache)
    assert after.get_template("page.html").render(name="Ada") == "Hello Ada!"
