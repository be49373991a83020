"""Arabic, Persian, Turkish and Uzbek: salutations and the default campaign's letters."""

from __future__ import annotations

import pytest

from letters.rendering import LetterRenderer, Supporter
from letters.salutations import salutation
from letters.templates import load_campaign_dir
from representatives.model import TargetKind

from .conftest import CAMPAIGN, make_target, write_campaign

K = TargetKind


def by_title(kind: TargetKind, role: str, country: str, **extra):
    """An office addressed by its title, as the government data gives it (no holder)."""
    return make_target(kind=kind, role=role, country=country, name=role, given_name=None,
                       family_name=None, by_title=True, **extra)


def named(kind: TargetKind = K.MP, **extra):
    values = dict(kind=kind, name="Alex Morgan", given_name="Alex", family_name="Morgan",
                  role="Member of Parliament")
    values.update(extra)
    return make_target(**values)


NOBODY = dict(name="", given_name=None, family_name=None)

CASES = [
    # Arabic: the office's style, the agreeing "المحترم/ة" only with a stated gender.
    ("ar", by_title(K.MINISTER, "Minister of Communications", "EG"), "معالي الوزير،"),
    ("ar", by_title(K.MINISTER, "Minister", "EG", gender="female"), "معالي الوزيرة المحترمة،"),
    ("ar", by_title(K.HEAD_OF_GOVERNMENT, "Prime Minister", "EG"), "دولة رئيس الوزراء،"),
    ("ar", by_title(K.HEAD_OF_GOVERNMENT, "President of the Republic", "TN"), "فخامة الرئيس،"),
    ("ar", by_title(K.HEAD_OF_GOVERNMENT, "Crown Prince and Prime Minister of the Kingdom of "
                    "Saudi Arabia", "SA"), "صاحب السمو الملكي،"),
    ("ar", by_title(K.HEAD_OF_GOVERNMENT, "Sultan of Oman", "OM"), "صاحب الجلالة،"),
    ("ar", named(gender="male"), "سعادة النائب Alex Morgan المحترم،"),
    ("ar", named(), "سعادة Alex Morgan،"),
    ("ar", named(K.SUMMIT_DELEGATE, honorific="Dr"), "سعادة د. Alex Morgan،"),
    ("ar", named(K.MP, **NOBODY), "سعادة عضو البرلمان،"),
    ("ar", named(K.SUMMIT_DELEGATE, **NOBODY), "حضرات السيدات والسادة المحترمين،"),
    # Persian: "جناب آقای / سرکار خانم" only with a stated gender, else the genderless "محترم".
    ("fa", by_title(K.MINISTER, "Minister of ICT", "IR"), "وزیر محترم،"),
    ("fa", by_title(K.MINISTER, "Minister of ICT", "IR", gender="male"), "جناب آقای وزیر،"),
    ("fa", by_title(K.HEAD_OF_GOVERNMENT, "President of the Islamic Republic of Iran", "IR"),
     "ریاست محترم جمهوری،"),
    ("fa", named(gender="female", honorific="Dr"), "سرکار خانم دکتر Alex Morgan،"),
    ("fa", named(), "Alex Morgan گرامی،"),
    ("fa", named(K.MP, **NOBODY), "نماینده محترم،"),
    ("fa", named(K.SUMMIT_DELEGATE, **NOBODY), "مسئول محترم،"),
    # Turkish: "Sayın", no gender ever.
    ("tr", by_title(K.MINISTER, "Minister of Industry and Technology", "TR", gender="female"),
     "Sayın Bakan,"),
    ("tr", by_title(K.HEAD_OF_GOVERNMENT, "President of the Republic of Türkiye", "TR"),
     "Sayın Cumhurbaşkanı,"),
    ("tr", named(gender="female"), "Sayın Alex Morgan,"),
    ("tr", named(K.SUMMIT_DELEGATE, honorific="Prof. Dr."), "Sayın Prof. Alex Morgan,"),
    ("tr", named(K.MP, **NOBODY), "Sayın Milletvekili,"),
    ("tr", named(K.SUMMIT_DELEGATE, **NOBODY), "Sayın Yetkili,"),
    # Uzbek: "Hurmatli ...!", no gender ever.
    ("uz", by_title(K.MINISTER, "Minister of Digital Technologies", "UZ"), "Hurmatli vazir!"),
    ("uz", by_title(K.HEAD_OF_GOVERNMENT, "President of the Republic of Uzbekistan", "UZ"),
     "Muhtaram Prezident!"),
    ("uz", named(gender="male"), "Hurmatli Alex Morgan!"),
    ("uz", named(K.SUMMIT_DELEGATE, honorific="Dr."), "Hurmatli doktor Alex Morgan!"),
    ("uz", named(K.MP, **NOBODY), "Hurmatli deputat!"),
    ("uz", named(K.SUMMIT_DELEGATE, **NOBODY), "Hurmatli xonimlar va janoblar!"),
]


@pytest.mark.parametrize(("language", "target", "expected"), CASES)
def test_salutation(language, target, expected):
    assert salutation(target, language) == expected


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_gendered_forms_only_from_the_data(language):
    """A female first name changes nothing; only the data's gender does."""
    anna = named(name="Anna Morgan", given_name="Anna")
    assert salutation(anna, language) == salutation(named(), language).replace("Alex", "Anna")
    assert salutation(named(gender="female"), language) != salutation(named(), language)


# Phrases the letters must keep: the opening formula and the closing.
OPENINGS = {
    "ar": ("تحية طيبة وبعد،", "وتفضلوا بقبول فائق الاحترام والتقدير،"),
    "fa": ("با سلام و احترام،", "با سپاس و احترام،"),
    "tr": ("desteğinizi rica etmek için yazıyorum", "Saygılarımla,"),
    "uz": ("murojaat qilmoqdaman", "Hurmat bilan,"),
}


@pytest.mark.parametrize("language", sorted(OPENINGS))
def test_letter(campaigns, renderer, language):
    supporter = Supporter(name="Ann Lee", email="a@example.net", town="Leeds")
    target = by_title(K.MINISTER, "Minister", "EG", language=language)
    letter = renderer.render(CAMPAIGN, target, supporter)
    assert (letter.language, letter.fell_back) == (language, False)
    assert campaigns[CAMPAIGN].templates[language].needs_review
    opening, closing = OPENINGS[language]
    assert opening in letter.body
    assert letter.body.endswith(f"{closing}\n\nAnn Lee\nLeeds\n")
    # The US branch of the ask for members of Congress is translated too.
    us = renderer.render(CAMPAIGN, named(country="US", language=language), supporter).body
    gb = renderer.render(CAMPAIGN, named(country="GB", language=language), supporter).body
    assert us != gb


def test_uzbek_uses_the_official_apostrophes(renderer):
    supporter = Supporter(name="Ann Lee", email="a@example.net")
    body = renderer.render(CAMPAIGN, named(language="uz"), supporter).body
    assert "oʻ" in body and "ʼ" in body
    assert "'" not in body and "‘" not in body and "’" not in body


@pytest.mark.parametrize("language", sorted(OPENINGS))
def test_an_upcoming_summit_is_named(tmp_path, campaigns, language):
    templates = campaigns[CAMPAIGN].templates
    folder = write_campaign(
        tmp_path,
        {lang: f"subject: {templates[lang].subject}\n---\n{templates[lang].body}"
         for lang in ("en", language)},
        target_kinds=[kind.value for kind in TargetKind],
        summit={"name": "India AI Impact Summit", "city": "New Delhi", "date": "2030-03-01",
                "upcoming": True},
    )
    renderer = LetterRenderer({"test-campaign": load_campaign_dir(folder)})
    supporter = Supporter(name="Ann Lee", email="a@example.net")
    for kind in TargetKind:
        target = make_target(kind=kind, language=language)
        body = renderer.render("test-campaign", target, supporter, language=language).body
        assert "India AI Impact Summit" in body and "New Delhi" in body
        assert 180 <= len(body.split()) <= 420
