"""Templates' `_()` in the request's language, with force_locale for mails in another."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

HEADING = '{{ _("Please check your inbox") }}'


def test_template_strings_follow_the_locale_in_force(app):
    with app.test_request_context("/?lang=en"):
        assert render_template_string(HEADING) == "Please check your inbox"
        with force_locale("nl"):
            dutch = render_template_string(HEADING)
        assert dutch not in ("", "Please check your inbox")
        # Back in the request's own language once the mail is rendered.
        assert render_template_string(HEADING) == "Please check your inbox"
    with app.test_request_context("/?lang=nl"):
        assert render_template_string(HEADING) == dutch


def test_outside_a_request_the_app_context_language_is_used(app):
    with app.app_context(), force_locale("nl"):
        assert render_template_string(HEADING) not in ("", "Please check your inbox")


def test_template_strings_are_escaped_then_formatted(app):
    template = ('{{ _("We have sent an e-mail to %(email)s with your letters and a link. Your '
                'letters go out only when you follow that link and confirm. The link is valid '
                'for 7 days.", email="<b>&amp;") }}')
    with app.test_request_context("/?lang=nl"):
        assert render_template_string('{{ _("Subject") }}') == "Onderwerp"
        assert "&lt;b&gt;&amp;amp;" in render_template_string(template)


def _switcher(page: str) -> str:
    return page.split('class="languages"', 1)[1].split("</nav>", 1)[0]


def test_language_switcher_after_a_form_leads_home_and_a_page_links_to_itself(app):
    with app.test_client() as client:
        answer = client.post("/c/treaty-at-next-summit?lang=nl", data={}).get_data(as_text=True)
    assert 'aria-label="Taal"' in answer
    assert '<strong>Nederlands</strong>' in _switcher(answer)
    assert 'href="/?lang=en"' in _switcher(answer)
    with app.test_client() as client:
        page = client.get("/c/treaty-at-next-summit?lang=nl").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert 'href="/c/treaty-at-next-summit?lang=en"' in _switcher(page)


def test_a_language_code_with_its_region_names_a_region_babel_knows():
    from webapp.i18n import is_language, language_name

    assert is_language("nl") and is_language("pt-br") and is_language("zh-tw")
    assert language_name("pt-br") == "Português (Brasil)"
    # Babel would read these as en_US and pt_BR: not what the code says.
    assert not is_language("en-zz") and not is_language("pt-xx")
    assert not is_language("pt-BR") and not is_language("pt_br") and not is_language("xx")
