"""Templates' `_()` in the request's language, with force_locale for mails in another."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

from webapp.i18n import catalogue

HEADING = '{{ _("Please check your inbox") }}'


def test_template_strings_follow_the_locale_in_force(app):
    with app.test_request_context("/?lang=en"):
        assert render_template_string(HEADING) == "Please check your inbox"
        english = catalogue()
        with force_locale("nl"):
            dutch = render_template_string(HEADING)
            assert catalogue() is not english
        assert dutch not in ("", "Please check your inbox")
        # Back in the request's own language once the mail is rendered.
        assert render_template_string(HEADING) == "Please check your inbox"
        assert catalogue() is english
    with app.test_request_context("/?lang=nl"):
        assert render_template_string(HEADING) == dutch


def test_outside_a_request_the_app_context_language_is_used(app):
    with app.app_context(), force_locale("nl"):
        assert render_template_string(HEADING) not in ("", "Please check your inbox")


def test_template_gettext_gives_what_jinjas_new_style_gettext_gives(app):
    """_() in templates is our own one-step version of Jinja's new-style gettext."""
    from jinja2.ext import _gettext_alias, _make_new_gettext

    templates = ['{{ _("Subject") }}', '{{ _("100%% sure") }}', '{{ _("a %(x)s b", x=1) }}',
                 '{{ _("We have sent an e-mail to %(email)s with your letters and a link. Your '
                 'letters go out only when you follow that link and confirm. The link is valid '
                 'for 7 days.", email="<b>&amp;") }}']
    ours = app.jinja_env.globals["gettext"]
    assert app.jinja_env.globals["_"] is ours  # _() calls it directly, not through the alias
    jinjas = _make_new_gettext(lambda s: catalogue().ugettext(s))
    for language in ("en", "nl"):
        with app.test_request_context(f"/?lang={language}"):
            for template in templates:
                got = render_template_string(template)
                app.jinja_env.globals.update(gettext=jinjas, _=_gettext_alias)
                try:
                    expected = render_template_string(template)
                finally:
                    app.jinja_env.globals.update(gettext=ours, _=ours)
                assert got == expected
    with app.test_request_context("/?lang=nl"):
        assert render_template_string(templates[0]) == "Onderwerp"
        assert "&lt;b&gt;&amp;amp;" in render_template_string(templates[3])


def _switcher(page: str) -> str:
    return page.split('class="languages"', 1)[1].split("</nav>", 1)[0]


def test_page_chrome_is_kept_per_language_for_answers_to_forms(app):
    """An answer to a POST reuses its language's chrome; a GET page still links to itself."""
    from webapp.templating import page_chrome

    navs = {}
    for language in ("en", "nl", "en"):
        with app.test_request_context(f"/c/x/letters?lang={language}", method="POST"):
            chrome = page_chrome()
            assert chrome.language == language
            assert navs.setdefault(language, chrome.nav) is chrome.nav  # kept, not rendered
            assert page_chrome().head is chrome.head
    assert '<strong>English</strong>' in navs["en"]
    assert 'href="/?lang=nl"' in navs["en"]
    assert 'aria-label="Taal"' in navs["nl"]
    assert '<strong>Nederlands</strong>' in navs["nl"]
    assert 'href="/static/app.css' in chrome.head

    app.jinja_env.auto_reload = True  # templates being edited: nothing is kept
    try:
        with app.test_request_context("/c/x/letters?lang=fr", method="POST"):
            assert page_chrome().nav is not page_chrome().nav
    finally:
        app.jinja_env.auto_reload = False

    with app.test_client() as client:
        page = client.get("/c/treaty-at-next-summit?lang=nl").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert 'href="/c/treaty-at-next-summit?lang=en"' in _switcher(page)
