"""The interface in nine languages: complete catalogues, and a switcher on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from .conftest import login

TRANSLATIONS = Path(__file__).resolve().parents[2] / "webapp" / "translations"
LANGUAGES = ("nl", "de", "fr", "es", "ja", "ko", "zh", "pt")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as file:
        return read_po(file, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_keeps_placeholders(language):
    with open(TRANSLATIONS / "messages.pot", "rb") as file:
        template = read_po(file)
    translated = catalogue(language)
    for message in template:
        if not message.id:
            continue
        entry = translated.get(message.id)
        assert entry is not None, f"{language}: missing {message.id!r}"
        assert not entry.fuzzy, f"{language}: fuzzy {message.id!r}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(strings), f"{language}: empty {message.id!r}"
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, (language, message.id)


@pytest.mark.parametrize("path", ["/c/treaty-at-next-summit", "/staff/login", "/staff/"])
def test_every_page_switches_between_the_languages(staff_app, path):
    client = staff_app.test_client()
    login(client, "viewer")
    page = client.get(f"{path}?lang=de").get_data(as_text=True)
    switcher = page.split('class="languages"', 1)[1].split("</nav>", 1)[0]
    for code in ("en", "nl", "fr", "es", "ja", "ko", "zh", "pt"):
        assert f'hreflang="{code}"' in switcher
    assert "<strong>Deutsch</strong>" in switcher


@pytest.mark.parametrize(("language", "text"), [
    ("de", "Anmelden"), ("fr", "Se connecter"), ("es", "Iniciar sesión"), ("nl", "Aanmelden")])
def test_staff_pages_are_translated(staff_app, language, text):
    page = staff_app.test_client().get(f"/staff/login?lang={language}").get_data(as_text=True)
    assert text in page
