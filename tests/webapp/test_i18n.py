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
