"""Arabic, Persian, Turkish and Uzbek: salutations and the default campaign's letters."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from letters.rendering import Supporter
from letters.salutations import salutation
from representatives.model import TargetKind
from representatives.summits import Participation, SummitFacts, SummitSeries

from .conftest import CAMPAIGN, make_target

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


# Phrases the letters must keep: the opening (Arabic and Persian open with a formula of their
# own; the Turkish and Uzbek request comes in one of its wording variants) and the closing.
OPENINGS = {
    "ar": (("تحية طيبة وبعد،",), "وتفضلوا بقبول فائق الاحترام والتقدير،"),
    "fa": (("با سلام و احترام،",), "با سپاس و احترام،"),
    "tr": (("desteğinizi rica etmek için yazıyorum", "katkıda bulunmanızı rica ediyorum",
            "yardımcı olmanızı saygıyla rica ederim"), "Saygılarımla,"),
    "uz": (("murojaat qilmoqdaman", "yordam berishingizni soʻrayman",
            "koʻmak berishingizni iltimos qilaman"), "Hurmat bilan,"),
}
SEEDS = [f"supporter-{n}" for n in range(8)]


@pytest.mark.parametrize("language", sorted(OPENINGS))
def test_letter(campaigns, renderer, language):
    supporter = Supporter(name="Ann Lee", email="a@example.net", town="Leeds")
    target = by_title(K.MINISTER, "Minister", "EG", language=language)
    letter = renderer.render(CAMPAIGN, target, supporter)
    assert (letter.language, letter.fell_back) == (language, False)
    assert campaigns[CAMPAIGN].templates[language].needs_review
    openings, closing = OPENINGS[language]
    for seed in SEEDS:
        body = renderer.render(CAMPAIGN, target, replace(supporter, variant_seed=seed)).body
        assert sum(opening in body for opening in openings) == 1
    assert letter.body.endswith(f"{closing}\n\nAnn Lee\nLeeds\n")
    # The US branch of the ask for members of Congress is translated too.
    us = renderer.render(CAMPAIGN, named(country="US", language=language), supporter).body
    gb = renderer.render(CAMPAIGN, named(country="GB", language=language), supporter).body
    assert us != gb


def test_uzbek_uses_the_official_apostrophes(renderer, summits):
    # The United States' name comes from Babel with a typographic quote ("Qo‘shma").
    supporter = Supporter(name="Ann Lee", email="a@example.net", country="US")
    body = renderer.render(CAMPAIGN, named(language="uz"), supporter, summits=RECORDS).body
    assert "Amerika Qoʻshma Shtatlari" in body
    assert "oʻ" in body and "ʼ" in body
    assert "'" not in body and "‘" not in body and "’" not in body


def series_with_records() -> SummitSeries:
    """The four summits, Geneva next, and three records: the United States signed at Bletchley
    and Seoul, endorsed New Delhi and declined Paris; Türkiye only signed at Bletchley; the
    United Kingdom only declined Paris (the shipped data changes, these forms must not)."""

    def held(summit_id, city, host, year):
        return SummitFacts(summit_id, summit_id, city, host, date(year, 1, 1), date(year, 1, 2),
                           "held", year)

    summits = [held("bletchley-2023", "Bletchley Park", "GB", 2023),
               held("seoul-2024", "Seoul", "KR", 2024), held("paris-2025", "Paris", "FR", 2025),
               held("delhi-2026", "New Delhi", "IN", 2026),
               SummitFacts("geneva-2027", "AI Summit Geneva", "Geneva", "CH", None, None,
                           "next", 2027)]
    rows = [("bletchley-2023", "US", "signed"), ("seoul-2024", "US", "signed"),
            ("delhi-2026", "US", "endorsed"), ("paris-2025", "US", "declined"),
            ("bletchley-2023", "TR", "signed"), ("paris-2025", "GB", "declined")]
    return SummitSeries.build(summits, [Participation(summit, country, "", status)
                                        for summit, country, status in rows])


RECORDS = series_with_records()

# The next summit in each letter's grammar (Geneva, 2027, in the shipped data), and the plain
# wording when the data marks none.
NEXT_SUMMIT = {
    "ar": ("جدول أعمال قمة الذكاء الاصطناعي المقبلة (جنيف، 2027).",
           "جدول أعمال قمة الذكاء الاصطناعي المقبلة."),
    "fa": ("دستور کار نشست بعدی هوش مصنوعی (ژنو، 2027) ", "دستور کار نشست بعدی هوش مصنوعی "),
    "tr": ("bir sonraki yapay zekâ zirvesinin (Cenevre, 2027) gündemine",
           "bir sonraki yapay zekâ zirvesinin gündemine"),
    "uz": ("navbatdagi sunʼiy intellekt sammiti (Jeneva, 2027) kun tartibiga",
           "navbatdagi sunʼiy intellekt sammiti kun tartibiga"),
}
HOST = {"ar": "بلدكم يستضيف هذه القمة", "fa": "کشور شما میزبان این نشست است",
        "tr": "Zirvenin ev sahibi olarak hükümetiniz", "uz": "Sammit mezboni sifatida hukumatingiz"}


@pytest.mark.parametrize("language", sorted(NEXT_SUMMIT))
def test_the_next_summit_is_named(renderer, summits, language):
    named_summit, plain = NEXT_SUMMIT[language]
    for kind in TargetKind:
        target = make_target(kind=kind, language=language)
        for seed in SEEDS:
            supporter = Supporter(name="Ann Lee", email="a@example.net", country="US",
                                  variant_seed=seed)
            body = renderer.render(CAMPAIGN, target, supporter, summits=summits).body
            assert named_summit in body
            assert 180 <= len(body.split()) <= 420
            without = renderer.render(CAMPAIGN, target, supporter, summits=None).body
            assert plain in without and "2027" not in without


@pytest.mark.parametrize("language", sorted(HOST))
def test_the_host_is_told_it_shapes_the_agenda(renderer, summits, supporter, language):
    host, other = (renderer.render(CAMPAIGN, make_target(kind=K.MINISTER, language=language,
                                                         country=country),
                                   supporter, summits=summits).body for country in ("CH", "EG"))
    assert HOST[language] in host and HOST[language] not in other


# The supporter's country's record, by what it did: the country's name stands uninflected
# (Arabic reads it in a noun phrase, so no verb agrees with it; Turkish and Uzbek put the
# accusative after the last document), one document or several.
RECORD = {
    "ar": {"US": "وقد شمل سجلّ الولايات المتحدة في هذه القمم توقيع إعلان بلتشلي وإعلان سيول، "
                 "فضلًا عن تأييد إعلان نيودلهي، مع الامتناع عن التوقيع على بيان باريس بشأن "
                 "الذكاء الاصطناعي الشامل والمستدام، ولا يُلزم أيٌّ من هذه الوثائق أحدًا.",
           "TR": "وقد شمل سجلّ تركيا في هذه القمم توقيع إعلان بلتشلي، وهذه الوثيقة لا تُلزم أحدًا.",
           "GB": "أما سجلّ المملكة المتحدة في هذه القمم فيقتصر على الامتناع عن التوقيع على بيان "
                 "باريس بشأن الذكاء الاصطناعي الشامل والمستدام."},
    "fa": {"US": "ایالات متحده اعلامیه بلچلی و اعلامیه سئول را امضا کرده و از اعلامیه دهلی نو "
                 "حمایت کرده، اما از امضای بیانیه پاریس درباره هوش مصنوعی فراگیر و پایدار "
                 "خودداری کرده است؛ هیچ‌یک از این اسناد برای کسی الزام‌آور نیست.",
           "TR": "ترکیه اعلامیه بلچلی را امضا کرده است؛ این سند برای کسی الزام‌آور نیست.",
           "GB": "بریتانیا از امضای بیانیه پاریس درباره هوش مصنوعی فراگیر و پایدار خودداری کرده "
                 "است."},
    "tr": {"US": "Amerika Birleşik Devletleri, Bletchley Bildirgesi ve Seul Bildirgesi'ni "
                 "imzalayıp Yeni Delhi Bildirgesi'ni destekledi, ancak Kapsayıcı ve "
                 "Sürdürülebilir Yapay Zekâ Hakkında Paris Bildirisi'ni imzalamayı reddetti; bu "
                 "belgelerin hiçbiri kimseyi bağlamıyor.",
           "TR": "Türkiye, Bletchley Bildirgesi'ni imzaladı; bu belge kimseyi bağlamıyor.",
           "GB": "Birleşik Krallık, Kapsayıcı ve Sürdürülebilir Yapay Zekâ Hakkında Paris "
                 "Bildirisi'ni imzalamayı reddetti."},
    "uz": {"US": "Amerika Qoʻshma Shtatlari Bletchli deklaratsiyasi va Seul deklaratsiyasini "
                 "imzolab, Nyu-Dehli deklaratsiyasini qoʻllab-quvvatladi, biroq inklyuziv, "
                 "barqaror sunʼiy intellekt toʻgʻrisidagi Parij bayonotini imzolashdan bosh "
                 "tortdi; bu hujjatlarning birortasi ham hech kim uchun majburiy emas.",
           "TR": "Turkiya Bletchli deklaratsiyasini imzoladi; bu hujjat hech kim uchun majburiy "
                 "emas.",
           "GB": "Buyuk Britaniya inklyuziv, barqaror sunʼiy intellekt toʻgʻrisidagi Parij "
                 "bayonotini imzolashdan bosh tortdi."},
}


@pytest.mark.parametrize("language", sorted(RECORD))
def test_the_supporters_country_record(renderer, language):
    target = make_target(kind=K.MINISTER, language=language, country="EG")
    for country, sentence in RECORD[language].items():
        supporter = Supporter(name="Ann Lee", email="a@example.net", country=country)
        assert sentence in renderer.render(CAMPAIGN, target, supporter, summits=RECORDS).body
    # A country the data knows nothing of gets no record sentence.
    unknown = Supporter(name="Ann Lee", email="a@example.net", country="AQ")
    body = renderer.render(CAMPAIGN, target, unknown, summits=RECORDS).body
    assert not any(sentence[:12] in body for sentence in RECORD[language].values())
