"""Letters in Japanese, Korean, Chinese (simplified) and Hindi: salutations, the default letter."""

from __future__ import annotations

import pytest

from letters.rendering import LetterRenderer
from letters.salutations import salutation
from letters.templates import load_campaign_dir
from representatives.model import TargetKind

from .conftest import CAMPAIGN, make_target, write_campaign

K = TargetKind
LANGUAGES = ("ja", "ko", "zh", "hi")


def office(kind: TargetKind, role: str, country: str):
    """An office with no named holder, as the government data gives it."""
    return make_target(kind=kind, name=role, role=role, given_name=None, family_name=None,
                       country=country, by_title=True)


MINISTER_JP = office(K.MINISTER, "Minister for Digital Transformation", "JP")
PM_JP = office(K.HEAD_OF_GOVERNMENT, "Prime Minister of Japan", "JP")
PRESIDENT_KR = office(K.HEAD_OF_GOVERNMENT, "President of the Republic of Korea", "KR")
PREMIER_CN = office(K.HEAD_OF_GOVERNMENT, "Premier of the State Council", "CN")
PM_IN = office(K.HEAD_OF_GOVERNMENT, "Prime Minister of India", "IN")
MP = make_target()  # Jane Smith, a British MP, gender not given
MP_WOMAN = make_target(gender="female")
NOBODY = make_target(kind=K.SUMMIT_DELEGATE, name="", given_name=None, family_name=None,
                     gender="female")
DELEGATE = make_target(kind=K.SUMMIT_DELEGATE)
DELEGATE_MAN = make_target(kind=K.SUMMIT_DELEGATE, gender="male")
PROFESSOR = make_target(kind=K.SUMMIT_DELEGATE, honorific="Prof.")
MP_YAMADA = make_target(name="山田太郎", given_name="太郎", family_name="山田", country="JP")
MP_HONG = make_target(name="홍길동", given_name="길동", family_name="홍", country="KR")
DEPUTY_WANG = make_target(name="王伟", given_name="伟", family_name="王", country="CN")
DEPUTY_WANG_PINYIN = make_target(name="Wei WANG", given_name="Wei", family_name="WANG",
                                 country="CN")


@pytest.mark.parametrize(
    ("language", "target", "expected"),
    [
        # Japanese: by office title before the name and 様, never by gender.
        ("ja", MINISTER_JP, "大臣 様"),
        ("ja", PM_JP, "内閣総理大臣 様"),
        ("ja", PRESIDENT_KR, "大統領 様"),
        ("ja", PREMIER_CN, "首相 様"),
        ("ja", MP, "議員 Jane Smith 様"),
        ("ja", MP_WOMAN, "議員 Jane Smith 様"),
        ("ja", MP_YAMADA, "国会議員 山田太郎 様"),
        ("ja", DEPUTY_WANG_PINYIN, "議員 Wang Wei 様"),
        ("ja", DELEGATE_MAN, "Jane Smith 様"),
        ("ja", PROFESSOR, "Jane Smith 様"),
        ("ja", NOBODY, "ご担当者 様"),
        # Korean: 존경하는 ... 님께, by office, never by gender.
        ("ko", MINISTER_JP, "존경하는 장관님께"),
        ("ko", PRESIDENT_KR, "존경하는 대통령님께"),
        ("ko", PM_IN, "존경하는 총리님께"),
        ("ko", MP, "존경하는 Jane Smith 의원님께"),
        ("ko", MP_WOMAN, "존경하는 Jane Smith 의원님께"),
        ("ko", MP_HONG, "존경하는 홍길동 의원님께"),
        ("ko", DELEGATE, "존경하는 Jane Smith 님께"),
        ("ko", PROFESSOR, "존경하는 Jane Smith 교수님께"),
        ("ko", NOBODY, "존경하는 담당자님께"),
        # Chinese: 尊敬的 + family name + office; 女士/先生 only with a stated gender.
        ("zh", MINISTER_JP, "尊敬的部长："),
        ("zh", PREMIER_CN, "尊敬的总理："),
        ("zh", PM_JP, "尊敬的首相："),
        ("zh", PRESIDENT_KR, "尊敬的总统："),
        ("zh", MP, "尊敬的 Smith 议员："),
        ("zh", DEPUTY_WANG, "尊敬的王代表："),
        ("zh", DEPUTY_WANG_PINYIN, "尊敬的 Wang 代表："),
        ("zh", DELEGATE, "尊敬的 Jane Smith 阁下："),
        ("zh", DELEGATE_MAN, "尊敬的 Smith 先生："),
        ("zh", PROFESSOR, "尊敬的 Smith 教授："),
        ("zh", NOBODY, "尊敬的先生/女士："),
        # Hindi: माननीय + office; महोदय/महोदया only with a stated gender, else जी.
        ("hi", MINISTER_JP, "माननीय मंत्री जी,"),
        ("hi", PM_IN, "माननीय प्रधानमंत्री जी,"),
        ("hi", PRESIDENT_KR, "माननीय राष्ट्रपति जी,"),
        ("hi", MP, "माननीय सांसद जी,"),
        ("hi", MP_WOMAN, "माननीय सांसद महोदया,"),
        ("hi", make_target(gender="male"), "माननीय सांसद महोदय,"),
        ("hi", DELEGATE, "आदरणीय Jane Smith जी,"),
        ("hi", DELEGATE_MAN, "आदरणीय श्री Smith जी,"),
        ("hi", PROFESSOR, "आदरणीय प्रो. Smith जी,"),
        ("hi", NOBODY, "आदरणीय महोदय/महोदया,"),
    ],
)
def test_salutation(language, target, expected):
    assert salutation(target, language) == expected


@pytest.mark.parametrize("language", ["ja", "ko"])
@pytest.mark.parametrize("kind", list(TargetKind))
def test_japanese_and_korean_never_use_gender(language, kind):
    forms = {salutation(make_target(kind=kind, gender=g), language)
             for g in ("female", "male", None)}
    assert len(forms) == 1, forms


# The closing of each letter, and how its length is counted (characters per word for languages
# written without spaces, as in test_letters_rendering).
CLOSINGS = {"ja": "敬具", "ko": "삼가 올립니다.", "zh": "此致\n敬礼！", "hi": "सादर,"}
QUESTION_MARKS = {"ja": "？", "ko": "?", "zh": "？", "hi": "?"}
PER_WORD = {"ja": 2.5, "zh": 1.7}


def length(text: str, language: str) -> float:
    if language in PER_WORD:
        return len("".join(text.split())) / PER_WORD[language]
    return len(text.split())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("country", ["GB", "US"])
def test_letter(renderer, supporter, language, country):
    for kind in TargetKind:
        target = make_target(kind=kind, language=language, country=country)
        letter = renderer.render(CAMPAIGN, target, supporter)
        assert (letter.language, letter.fell_back) == (language, False)
        assert letter.body.endswith(f"\n\n{CLOSINGS[language]}\n\nAnn Lee\nLeeds\n")
        assert "Bletchley" not in letter.body  # the place names are translated
        paragraphs = letter.body.split("\n\n")
        asks = [p for p in paragraphs if p.endswith(QUESTION_MARKS[language])]
        assert len(asks) == 1 and paragraphs.index(asks[0]) == 5, asks
        assert 180 <= length(letter.body, language) <= 420


def test_the_us_branch_differs(renderer, supporter):
    for language in LANGUAGES:
        us, gb = (renderer.render(CAMPAIGN, make_target(language=language, country=c), supporter)
                  for c in ("US", "GB"))
        assert us.body.split("\n\n")[5] != gb.body.split("\n\n")[5]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_upcoming_summit_is_named_and_the_letter_stays_in_length(
    tmp_path, campaigns, supporter, language
):
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
    for kind in TargetKind:
        target = make_target(kind=kind, language=language)
        body = renderer.render("test-campaign", target, supporter, language=language).body
        assert "India AI Impact Summit" in body and "New Delhi" in body
        assert 180 <= length(body, language) <= 420


@pytest.mark.parametrize("language", LANGUAGES)
def test_marked_for_a_native_reader(campaigns, language):
    template = campaigns[CAMPAIGN].templates[language]
    assert template.needs_review
    assert template.subject and "?" not in template.subject
