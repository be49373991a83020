"""Letters in Brazilian Portuguese, Icelandic and Norwegian Bokmål: salutations and templates."""

from __future__ import annotations

import pytest

from letters.salutations import LANGUAGES, salutation
from letters.templates import DEFAULT_ROOT, load_campaign_dir
from representatives.model import TargetKind

from .conftest import CAMPAIGN, morgan

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


def test_brazilian_letter_uses_brazilian_words(renderer, supporter):
    letter = renderer.render(CAMPAIGN, person("pt-br", K.MP, "female"), supporter)
    assert letter.body.startswith("Excelentíssima Senhora Deputada,\n\nDirijo-me a Vossa "
                                  "Excelência")
    for word in ("cúpula", "pauta", "controle", "ozônio", "pesquisadores"):
        assert word in letter.body
    for european in ("cimeira", "controlo", "ozono", "V. Ex.ª"):
        assert european not in letter.body
