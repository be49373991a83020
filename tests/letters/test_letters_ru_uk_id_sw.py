"""Letters in Russian, Ukrainian, Indonesian and Swahili: salutations and templates."""

from __future__ import annotations

import pytest

from letters.rendering import Supporter
from letters.salutations import LANGUAGES, salutation
from letters.templates import DEFAULT_ROOT, load_campaign_dir
from representatives.model import TargetKind
from representatives.summits import Participation, SummitSeries

from .conftest import CAMPAIGN, check_summit_sentences, morgan

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


@pytest.mark.parametrize(
    ("language", "next_summit", "host", "ai_act"),
    [
        ("ru", "в повестку следующего саммита по ИИ (Женева, 2027).",
         "Поскольку саммит проходит в Вашей стране",
         "Регламент ЕС об искусственном интеллекте (AI Act) уже относит"),
        ("uk", "до порядку денного наступного саміту з питань ШІ (Женева, 2027).",
         "Оскільки саміт приймає Ваша країна",
         "Регламент ЄС про штучний інтелект (AI Act) уже відносить"),
        ("id", "agenda Konferensi Tingkat Tinggi (KTT) AI berikutnya di Jenewa pada tahun 2027.",
         "Sebagai tuan rumah KTT tersebut", "Undang-Undang AI Uni Eropa (EU AI Act)"),
        ("sw", "kwenye ajenda ya mkutano wa kilele wa AI ujao (Geneva, 2027).",
         "Kwa kuwa nchi yako ndiyo mwenyeji", "Sheria ya AI ya Umoja wa Ulaya (EU AI Act)"),
    ],
)
def test_the_next_summit_its_host_and_the_ai_act(renderer, summits, language, next_summit,
                                                 host, ai_act):
    supporter = Supporter(name="Ann Lee", email="ann@example.net", town="")
    check_summit_sentences(renderer, summits, supporter, language, next_summit, host, ai_act)


# What each country did, as (summit, country, status): the shapes the record sentence takes.
RECORD = [("bletchley-2023", "US", "signed"), ("seoul-2024", "US", "signed"),
          ("delhi-2026", "US", "endorsed"), ("paris-2025", "US", "declined"),
          ("paris-2025", "GB", "declined"), ("bletchley-2023", "UA", "signed"),
          ("delhi-2026", "UA", "endorsed"), ("bletchley-2023", "ID", "signed"),
          ("delhi-2026", "ID", "endorsed"), ("delhi-2026", "RU", "endorsed"),
          ("delhi-2026", "TZ", "endorsed"), ("bletchley-2023", "EU", "signed"),
          ("delhi-2026", "SC", "endorsed")]


@pytest.mark.parametrize(
    ("language", "country", "sentence"),
    [
        # Russian and Ukrainian: "X — среди тех, кто подписал": no verb agrees with the name.
        ("ru", "US", "США — среди тех, кто подписал Декларацию Блетчли и Сеульскую декларацию, а "
         "также одобрил Декларацию Нью-Дели, но отказался подписать Парижское заявление об "
         "инклюзивном и устойчивом ИИ; ни один из этих документов никого ни к чему не "
         "обязывает."),
        ("ru", "GB", "Великобритания — среди тех, кто отказался подписать Парижское заявление"),
        ("ru", "RU", "Россия — среди тех, кто одобрил Декларацию Нью-Дели; этот документ никого "
         "ни к чему не обязывает."),
        ("ru", "SC", "Сейшельские Острова — среди тех, кто одобрил"),
        ("uk", "UA", "Україна — серед тих, хто підписав Декларацію Блетчлі, а також схвалив "
         "Декларацію Нью-Делі; жоден із цих документів нікого ні до чого не зобов’язує."),
        ("uk", "US", "США — серед тих, хто підписав Декларацію Блетчлі і Сеульську декларацію, "
         "а також схвалив Декларацію Нью-Делі, але відмовився підписати Паризьку заяву"),
        # Indonesian: names are not inflected.
        ("id", "ID", "Indonesia telah menandatangani Deklarasi Bletchley serta mendukung "
         "Deklarasi New Delhi; tidak satu pun dari dokumen tersebut mengikat siapa pun."),
        ("id", "GB", "Inggris Raya menolak menandatangani Pernyataan Paris tentang AI yang "
         "Inklusif dan Berkelanjutan."),
        # Swahili: "X ni miongoni mwa nchi zilizo...", whatever the name's noun class.
        ("sw", "TZ", "Tanzania ni miongoni mwa nchi zilizounga mkono Azimio la New Delhi; hati "
         "hiyo haimfungi mtu yeyote kisheria."),
        ("sw", "US", "Marekani ni miongoni mwa nchi zilizotia saini Azimio la Bletchley na Azimio "
         "la Seoul na zilizounga mkono Azimio la New Delhi, na pia miongoni mwa zilizokataa "
         "kutia saini Taarifa ya Paris"),
        ("sw", "EU", "Umoja wa Ulaya ni miongoni mwa pande zilizotia saini Azimio la Bletchley"),
    ],
)
def test_the_record_sentence_fits_any_country(renderer, summits, language, country, sentence):
    series = SummitSeries.build(summits.summits,
                                [Participation(s, c, "", status) for s, c, status in RECORD])
    supporter = Supporter(name="Ann Lee", email="ann@example.net", country=country)
    letter = renderer.render(CAMPAIGN, person(language, K.MINISTER), supporter, summits=series)
    assert sentence in letter.body
    nowhere = Supporter(name="Ann Lee", email="ann@example.net", country="AQ")
    assert sentence not in renderer.render(CAMPAIGN, person(language, K.MINISTER), nowhere,
                                           summits=series).body
