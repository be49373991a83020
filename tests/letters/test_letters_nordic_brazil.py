"""Letters in Brazilian Portuguese, Icelandic and Norwegian Bokmål: salutations and templates."""

from __future__ import annotations

import pytest

from letters.rendering import Supporter
from letters.salutations import LANGUAGES, salutation
from letters.templates import DEFAULT_ROOT, load_campaign_dir
from representatives.model import TargetKind
from representatives.summits import Participation, SummitSeries

from .conftest import CAMPAIGN, check_summit_sentences, morgan

K = TargetKind
OURS = ("pt-br", "is", "nb")


person = morgan  # Alex Morgan, in the language's own country (tests/letters/conftest.py)


@pytest.mark.parametrize(
    ("language", "kind", "gender", "extra", "expected"),
    [
        # Brazilian Portuguese: offices in full ("Excelentíssimo"), neutral forms without gender.
        ("pt-br", K.MINISTER, "female", {}, "Excelentíssima Senhora Ministra,"),
        ("pt-br", K.MINISTER, "male", {}, "Excelentíssimo Senhor Ministro,"),
        ("pt-br", K.MINISTER, None, {}, "Excelentíssimo(a) Senhor(a) Ministro(a),"),
        ("pt-br", K.MP, "female", {}, "Excelentíssima Senhora Deputada,"),
        ("pt-br", K.MP, None, {}, "Excelentíssimo(a) Senhor(a) Deputado(a),"),
        ("pt-br", K.MP, "male", {"role": "Senador da República"}, "Excelentíssimo Senhor Senador,"),
        ("pt-br", K.HEAD_OF_GOVERNMENT, None, {"role": "President of the Republic"},
         "Excelentíssimo(a) Senhor(a) Presidente,"),
        ("pt-br", K.HEAD_OF_GOVERNMENT, "female", {"role": "President of the Republic"},
         "Excelentíssima Senhora Presidente,"),
        ("pt-br", K.SUMMIT_DELEGATE, None, {}, "Prezado(a) Alex Morgan,"),
        ("pt-br", K.SUMMIT_DELEGATE, "female", {}, "Prezada Senhora Alex Morgan,"),
        ("pt-br", K.SUMMIT_DELEGATE, "male", {"honorific": "Dr"}, "Prezado Dr. Alex Morgan,"),
        ("pt-br", K.SUMMIT_DELEGATE, None, {"honorific": "Prof."},
         "Prezado(a) Professor(a) Alex Morgan,"),
        # Icelandic: offices are masculine nouns for everyone; Icelanders by given name.
        ("is", K.MINISTER, None, {}, "Ágæti ráðherra,"),
        ("is", K.MINISTER, "female", {}, "Ágæti ráðherra,"),
        ("is", K.HEAD_OF_GOVERNMENT, None, {"role": "Prime Minister"}, "Ágæti forsætisráðherra,"),
        ("is", K.MP, "female", {"name": "Katrín Jakobsdóttir", "given_name": "Katrín",
                                "family_name": "Jakobsdóttir"}, "Ágæta Katrín,"),
        ("is", K.MP, "male", {"name": "Bjarni Benediktsson", "given_name": None,
                              "family_name": None}, "Ágæti Bjarni,"),
        ("is", K.MP, None, {}, "Ágæti alþingismaður,"),
        ("is", K.MP, None, {"country": "GB"}, "Ágæti þingmaður,"),
        ("is", K.MP, "female", {"country": "GB"}, "Ágæta Alex Morgan,"),
        ("is", K.MEP, None, {"country": "DE"}, "Ágæti Evrópuþingmaður,"),
        ("is", K.SUMMIT_DELEGATE, None, {"country": "GB"}, "Góðan dag, Alex Morgan,"),
        ("is", K.SUMMIT_DELEGATE, None, {"name": "", "given_name": None, "family_name": None},
         "Ágæti viðtakandi,"),
        # Norwegian Bokmål: "Kjære" with office and name, no gender, no titles.
        ("nb", K.MINISTER, "female", {}, "Kjære statsråd Alex Morgan,"),
        ("nb", K.MINISTER, None, {"country": "SE"}, "Kjære minister Alex Morgan,"),
        ("nb", K.MINISTER, None, {"name": "", "given_name": None, "family_name": None},
         "Kjære statsråd,"),
        ("nb", K.HEAD_OF_GOVERNMENT, None, {"role": "Prime Minister", "name": "",
                                            "given_name": None, "family_name": None},
         "Kjære statsminister,"),
        ("nb", K.MP, "male", {}, "Kjære stortingsrepresentant Alex Morgan,"),
        ("nb", K.MP, None, {"country": "GB", "honorific": "Dr"}, "Kjære Alex Morgan,"),
        ("nb", K.SUMMIT_DELEGATE, None, {"name": "", "given_name": None, "family_name": None},
         "Hei,"),
    ],
)
def test_salutation(language, kind, gender, extra, expected):
    assert salutation(person(language, kind, gender, **extra), language) == expected


def test_discovered():
    assert set(OURS) <= LANGUAGES


def test_brazilian_is_not_european_portuguese():
    for kind in K:
        for gender in ("female", "male", None):
            target = person("pt-br", kind, gender)
            assert salutation(target, "pt-br") != salutation(target, "pt"), (kind, gender)


@pytest.mark.parametrize("language", OURS)
def test_template_awaits_a_native_reader(language):
    template = load_campaign_dir(DEFAULT_ROOT / CAMPAIGN).templates[language]
    assert template.needs_review


@pytest.mark.parametrize(
    ("language", "closing"),
    [("pt-br", "Respeitosamente,"), ("is", "Virðingarfyllst,"), ("nb", "Med vennlig hilsen")],
)
def test_letter_closing_and_ask(renderer, supporter, language, closing):
    letter = renderer.render(CAMPAIGN, person(language, K.MINISTER, "female"), supporter)
    assert (letter.language, letter.fell_back) == (language, False)
    assert f"\n\n{closing}\n\nAnn Lee\nLeeds\n" in letter.body
    asks = [p for p in letter.body.split("\n\n") if p.rstrip().endswith("?")]
    assert len(asks) == 1


@pytest.mark.parametrize("seed", [f"supporter-{n}" for n in range(8)])
def test_brazilian_letter_uses_brazilian_words(renderer, seed):
    # Every wording variant: each supporter's letter draws its own.
    supporter = Supporter(name="Ann Lee", email="ann@example.net", variant_seed=seed)
    letter = renderer.render(CAMPAIGN, person("pt-br", K.MP, "female"), supporter)
    assert letter.body.startswith("Excelentíssima Senhora Deputada,\n\nDirijo-me a Vossa "
                                  "Excelência")
    for word in ("cúpula", "pauta", "controle", "ozônio", "pesquisadores"):
        assert word in letter.body
    for european in ("cimeira", "controlo", "ozono", "V. Ex.ª"):
        assert european not in letter.body


@pytest.mark.parametrize(
    ("language", "next_summit", "host", "ai_act"),
    [
        ("pt-br", "na pauta da próxima cúpula sobre IA (Genebra, 2027).",
         "Como anfitrião da cúpula, o governo de Vossa Excelência",
         "A Lei de IA da União Europeia (AI Act) já considera"),
        ("is", "á dagskrá næsta leiðtogafundar um gervigreind (Genf, 2027).",
         "Þar sem fundurinn er haldinn í þínu landi", "Gervigreindarreglugerð ESB (AI Act)"),
        ("nb", "på dagsordenen for neste KI-toppmøte (Genève, 2027).",
         "Som vertskap for toppmøtet har din regjering", "EUs KI-forordning regner allerede"),
    ],
)
def test_the_next_summit_its_host_and_the_ai_act(renderer, supporter, summits, language,
                                                 next_summit, host, ai_act):
    check_summit_sentences(renderer, summits, supporter, language, next_summit, host, ai_act)


# What each country did, as (summit, country, status): the shapes the record sentence takes.
RECORD = [("bletchley-2023", "US", "signed"), ("seoul-2024", "US", "signed"),
          ("delhi-2026", "US", "endorsed"), ("paris-2025", "US", "declined"),
          ("paris-2025", "GB", "declined"), ("bletchley-2023", "PH", "signed"),
          ("delhi-2026", "PH", "endorsed"), ("bletchley-2023", "KE", "signed"),
          ("delhi-2026", "PT", "endorsed"), ("delhi-2026", "BR", "endorsed"),
          ("delhi-2026", "IS", "endorsed"), ("delhi-2026", "NO", "endorsed")]


@pytest.mark.parametrize(
    ("language", "country", "sentence"),
    [
        # Brazilian Portuguese: the country's article and the verb's number follow its name.
        ("pt-br", "US", "Os Estados Unidos assinaram a Declaração de Bletchley e a Declaração de "
         "Seul e endossaram a Declaração de Nova Délhi, mas se recusaram a assinar a Declaração "
         "de Paris sobre IA inclusiva e sustentável; nenhuma delas obriga ninguém."),
        ("pt-br", "GB", " O Reino Unido se recusou a assinar a Declaração de Paris sobre IA "
         "inclusiva e sustentável."),
        ("pt-br", "PH", "As Filipinas assinaram a Declaração de Bletchley e endossaram"),
        ("pt-br", "KE", "O Quênia assinou a Declaração de Bletchley, que, no entanto, não obriga "
         "ninguém."),
        ("pt-br", "BR", "O Brasil endossou a Declaração de Nova Délhi"),
        ("pt-br", "PT", " Portugal endossou a Declaração de Nova Délhi"),
        # Icelandic: plural names ("Bandaríkin", "-eyjar") take "hafa".
        ("is", "US", "Bandaríkin hafa undirritað Bletchley-yfirlýsinguna og Seúl-yfirlýsinguna og "
         "lýst stuðningi við yfirlýsinguna frá Nýju-Delí, en neitað að undirrita "
         "Parísaryfirlýsinguna um inngildandi og sjálfbæra gervigreind; engin þeirra er "
         "bindandi fyrir neinn."),
        ("is", "PH", "Filippseyjar hafa undirritað Bletchley-yfirlýsinguna og lýst stuðningi við"),
        ("is", "IS", "Ísland hefur lýst stuðningi við yfirlýsinguna frá Nýju-Delí, sem er þó ekki "
         "bindandi fyrir neinn."),
        # Norwegian: names stand alone, whatever their number.
        ("nb", "US", "USA har undertegnet Bletchley-erklæringen og Seoul-erklæringen og sluttet "
         "seg til New Delhi-erklæringen, men avslått å undertegne Paris-erklæringen om "
         "inkluderende og bærekraftig KI; ingen av dem er bindende for noen."),
        ("nb", "GB", "Storbritannia har avslått å undertegne Paris-erklæringen"),
        ("nb", "NO", "Norge har sluttet seg til New Delhi-erklæringen, som imidlertid ikke er "
         "bindende for noen."),
    ],
)
def test_the_record_sentence_agrees_with_the_country(renderer, summits, language, country,
                                                     sentence):
    series = SummitSeries.build(summits.summits,
                                [Participation(s, c, "", status) for s, c, status in RECORD])
    supporter = Supporter(name="Ann Lee", email="ann@example.net", country=country)
    letter = renderer.render(CAMPAIGN, person(language, K.MINISTER), supporter, summits=series)
    assert sentence in letter.body
    nowhere = Supporter(name="Ann Lee", email="ann@example.net", country="AQ")
    assert sentence not in renderer.render(CAMPAIGN, person(language, K.MINISTER), nowhere,
                                           summits=series).body
