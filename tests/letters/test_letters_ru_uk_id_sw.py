"""Letters in Russian, Ukrainian, Indonesian and Swahili: salutations and templates."""

from __future__ import annotations

import pytest

from letters.rendering import Supporter
from letters.salutations import LANGUAGES, salutation
from letters.templates import DEFAULT_ROOT, load_campaign_dir
from representatives.model import TargetKind

from .conftest import CAMPAIGN, morgan

K = TargetKind
OURS = ("ru", "uk", "id", "sw")


person = morgan  # Alex Morgan, in the language's own country (tests/letters/conftest.py)


# The offices as the governments data names them, with no holder: addressed by title.
BY_TITLE = dict(name="", given_name=None, family_name=None, by_title=True)


@pytest.mark.parametrize(
    ("language", "kind", "gender", "extra", "expected"),
    [
        # Russian: "господин"/"госпожа" with the office or the undeclined family name.
        ("ru", K.MINISTER, "female", {}, "Уважаемая госпожа министр!"),
        ("ru", K.MINISTER, None, {}, "Уважаемая госпожа / Уважаемый господин министр!"),
        ("ru", K.MP, "male", {}, "Уважаемый господин депутат!"),
        ("ru", K.MEP, None, {}, "Уважаемая госпожа / Уважаемый господин депутат!"),
        ("ru", K.MP, "female", {"role": "Senator"}, "Уважаемая госпожа сенатор!"),
        ("ru", K.HEAD_OF_GOVERNMENT, None,
         dict(BY_TITLE, role="Chairman of the Government of the Russian Federation"),
         "Уважаемая госпожа / Уважаемый господин Председатель Правительства!"),
        ("ru", K.HEAD_OF_GOVERNMENT, "male", {"role": "President"},
         "Уважаемый господин Президент!"),
        ("ru", K.HEAD_OF_GOVERNMENT, None, {"role": "King"}, "Ваше Превосходительство!"),
        ("ru", K.SUMMIT_DELEGATE, "female", {}, "Уважаемая госпожа Morgan!"),
        ("ru", K.SUMMIT_DELEGATE, None, {}, "Уважаемая госпожа / Уважаемый господин Morgan!"),
        ("ru", K.SUMMIT_DELEGATE, "male", {"honorific": "Prof."},
         "Уважаемый господин профессор Morgan!"),
        ("ru", K.SUMMIT_DELEGATE, "male", {"name": "", "given_name": None, "family_name": None},
         "Уважаемые дамы и господа!"),
        # Ukrainian: the office in the vocative; a man's family name is never declined by rule.
        ("uk", K.MINISTER, "male", {}, "Шановний пане Міністре!"),
        ("uk", K.MINISTER, None, dict(BY_TITLE, role="Minister of Digital Transformation"),
         "Шановна пані / Шановний пане Міністре!"),
        ("uk", K.MP, "female", {}, "Шановна пані народний депутате!"),
        ("uk", K.MP, "male", {"country": "PL"}, "Шановний пане депутате!"),
        ("uk", K.MEP, None, {"country": "DE"}, "Шановна пані / Шановний пане депутате!"),
        ("uk", K.HEAD_OF_GOVERNMENT, None, dict(BY_TITLE, role="Prime Minister of Ukraine"),
         "Шановна пані / Шановний пане Прем’єр-міністре!"),
        ("uk", K.HEAD_OF_GOVERNMENT, None, {"role": "King"}, "Ваша Високоповажносте!"),
        ("uk", K.SUMMIT_DELEGATE, "female", {}, "Шановна пані Morgan!"),
        ("uk", K.SUMMIT_DELEGATE, "male", {}, "Шановний пане!"),
        ("uk", K.SUMMIT_DELEGATE, None, {}, "Шановна пані / Шановний пане!"),
        ("uk", K.SUMMIT_DELEGATE, "female", {"family_name": "Ковальська"},
         "Шановна пані Ковальська!"),
        # A noun-like name in -а would take the vocative ("пані Галушко"): left out.
        ("uk", K.SUMMIT_DELEGATE, "female", {"family_name": "Галушка"}, "Шановна пані!"),
        ("uk", K.SUMMIT_DELEGATE, "male", {"honorific": "Prof."}, "Шановний пане професоре!"),
        ("uk", K.SUMMIT_DELEGATE, None, {"honorific": "Dr"},
         "Шановна пані докторко / Шановний пане докторе!"),
        # Indonesian: "Bapak"/"Ibu", "Bapak/Ibu" without a gender; full names, undeclined.
        ("id", K.MINISTER, "female", {}, "Yang terhormat Ibu Menteri,"),
        ("id", K.MINISTER, None, dict(BY_TITLE, role="Minister of Communication and Digital "
                                      "Affairs"), "Yang terhormat Bapak/Ibu Menteri,"),
        ("id", K.HEAD_OF_GOVERNMENT, None,
         dict(BY_TITLE, role="President of the Republic of Indonesia"),
         "Yang terhormat Bapak/Ibu Presiden,"),
        ("id", K.HEAD_OF_GOVERNMENT, None, {"role": "King"}, "Yang Mulia,"),
        ("id", K.MP, "male", {}, "Yang terhormat Bapak Alex Morgan,"),
        ("id", K.MP, None, {}, "Yang terhormat Bapak/Ibu Alex Morgan,"),
        ("id", K.MP, None, {"name": "", "given_name": None, "family_name": None},
         "Yang terhormat Bapak/Ibu Anggota Dewan,"),
        ("id", K.SUMMIT_DELEGATE, "female", {"honorific": "Dr"},
         "Yang terhormat Ibu Dr. Alex Morgan,"),
        ("id", K.SUMMIT_DELEGATE, None, {"name": "", "given_name": None, "family_name": None},
         "Yang terhormat Bapak/Ibu,"),
        # Swahili: "Mheshimiwa" for office holders whatever their gender, "Mpendwa" for others.
        ("sw", K.MINISTER, "female", {}, "Mheshimiwa Waziri,"),
        ("sw", K.HEAD_OF_GOVERNMENT, None,
         dict(BY_TITLE, role="President of the United Republic of Tanzania"),
         "Mheshimiwa Rais,"),
        ("sw", K.HEAD_OF_GOVERNMENT, None, {"role": "Prime Minister"}, "Mheshimiwa Waziri Mkuu,"),
        ("sw", K.MP, "male", {}, "Mheshimiwa Alex Morgan,"),
        ("sw", K.MP, None, {"honorific": "Dr"}, "Mheshimiwa Dkt. Alex Morgan,"),
        ("sw", K.MEP, None, {"name": "", "given_name": None, "family_name": None},
         "Mheshimiwa Mbunge,"),
        ("sw", K.SUMMIT_DELEGATE, "female", {}, "Mpendwa Bi. Morgan,"),
        ("sw", K.SUMMIT_DELEGATE, "male", {}, "Mpendwa Bw. Morgan,"),
        ("sw", K.SUMMIT_DELEGATE, None, {}, "Mpendwa Alex Morgan,"),
        ("sw", K.SUMMIT_DELEGATE, None, {"honorific": "Prof."}, "Mpendwa Prof. Morgan,"),
    ],
)
def test_salutation(language, kind, gender, extra, expected):
    assert salutation(person(language, kind, gender, **extra), language) == expected


def test_our_languages_are_discovered():
    assert set(OURS) <= LANGUAGES


@pytest.mark.parametrize("language", OURS)
def test_templates_await_a_native_reader(language):
    template = load_campaign_dir(DEFAULT_ROOT / CAMPAIGN).templates[language]
    assert template.needs_review


@pytest.mark.parametrize(
    ("language", "kind", "country", "fragment"),
    [
        ("ru", K.MINISTER, "RU", "Позаботитесь ли Вы о том, чтобы правительство"),
        ("ru", K.MP, "US", "Призовёте ли Вы администрацию"),
        ("uk", K.HEAD_OF_GOVERNMENT, "UA", "позицією Вашого уряду"),
        ("uk", K.MP, "UA", "депутатського запиту"),
        ("id", K.MINISTER, "ID", "Apakah Bapak/Ibu bersedia memastikan bahwa pemerintah"),
        ("id", K.MP, "US", "anggota Kongres?"),
        ("sw", K.HEAD_OF_GOVERNMENT, "TZ", "msimamo wa serikali yako"),
        ("sw", K.MEP, "DE", "kwa niaba ya Umoja wa Ulaya"),
    ],
)
def test_the_ask_follows_the_kind(renderer, language, kind, country, fragment):
    supporter = Supporter(name="Ann Lee", email="ann@example.net", town="")
    letter = renderer.render(CAMPAIGN, person(language, kind, country=country), supporter)
    assert letter.language == language and not letter.fell_back
    asks = [p for p in letter.body.split("\n\n") if p.rstrip().endswith("?")]
    assert len(asks) == 1 and fragment in asks[0]
    assert letter.body.endswith("Ann Lee\n")
