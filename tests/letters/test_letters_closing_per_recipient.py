"""A letter shared by several recipients closes per recipient, as it opens per recipient: the
closing that agrees with each salutation is taken out of the shared text and put back, exactly
once, before the supporter's name."""

from __future__ import annotations

import pytest

from letters.rendering import LetterRenderer, Supporter
from letters.salutations import salutation
from letters.salutations.closings import agrees, closing, is_closing_line
from letters.salutations.shared_inbox import closing_for_all, salutation_for_all
from letters.sharing import addressed_body, closed_text, closing_for, share_letters
from letters.templates import load_campaign_dir
from representatives.model import TargetKind

from .conftest import CAMPAIGN, make_target, write_campaign

ANN = Supporter(name="Ann Lee", email="ann@example.net", town="Lyon")
DEPUTY = dict(kind=TargetKind.MP, role="Député", country="FR", language="fr")
HIGH = "l'expression de ma haute considération."
NEUTRAL_FR = ("Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations "
              "distinguées.")


def _deputies():
    return [
        make_target(id="fr:1", name="Marie Curie", given_name="Marie", family_name="Curie",
                    gender="female", **DEPUTY),
        make_target(id="fr:2", name="Jean Dupont", given_name="Jean", family_name="Dupont",
                    gender="male", **DEPUTY),
        make_target(id="fr:3", name="Camille Martin", given_name="Camille",
                    family_name="Martin", **DEPUTY),  # no gender in the data
    ]


def _as_sent(letter, recipient, signer=ANN.name) -> str:
    return addressed_body(recipient.salutation,
                          closed_text(letter.body, recipient.closing, letter.language, signer))


def test_french_letter_to_three_deputies_shares_one_text_and_closes_per_recipient(renderer):
    targets = _deputies()
    [letter] = share_letters(renderer, CAMPAIGN, targets, ANN)
    assert letter.language == "fr"
    assert [(r.salutation, r.closing) for r in letter.recipients] == [
        ("Madame la Députée,", f"Je vous prie d'agréer, Madame la Députée, {HIGH}"),
        ("Monsieur le Député,", f"Je vous prie d'agréer, Monsieur le Député, {HIGH}"),
        ("Madame, Monsieur,", NEUTRAL_FR),
    ]
    # The shared text has no closing, and ends with the supporter's name and town.
    assert "agréer" not in letter.body
    assert letter.body.endswith("précieuse.\n\nAnn Lee\nLyon\n")
    for recipient, target in zip(letter.recipients, targets, strict=True):
        # Put back, it is the letter exactly as the template writes it to that recipient.
        assert _as_sent(letter, recipient) == renderer.render(CAMPAIGN, target, ANN).body
        assert _as_sent(letter, recipient).count("agréer") == 1


def test_english_letter_closes_faithfully_to_an_office_and_sincerely_to_a_name(renderer):
    office = make_target(id="gb:1", name="Foreign Office", given_name=None, family_name=None,
                         kind=TargetKind.SUMMIT_DELEGATE, by_title=True)
    named = make_target(id="gb:2", kind=TargetKind.SUMMIT_DELEGATE, gender="female")
    [letter] = share_letters(renderer, CAMPAIGN, [office, named], ANN)
    assert [(r.salutation, r.closing) for r in letter.recipients] == [
        ("Dear Sir or Madam,", "Yours faithfully,"), ("Dear Ms Smith,", "Yours sincerely,")]
    assert "Yours" not in letter.body
    sent = [_as_sent(letter, r) for r in letter.recipients]
    assert sent[0].endswith("\n\nYours faithfully,\n\nAnn Lee\nLyon\n")
    assert sent[1].endswith("\n\nYours sincerely,\n\nAnn Lee\nLyon\n")
    assert sent == [renderer.render(CAMPAIGN, t, ANN).body for t in (office, named)]


TEXT = "Please support a treaty.\n\nThank you for your time.\n\nAnn Lee\nLyon\n"


@pytest.mark.parametrize(("edited", "expected"), [
    # As it came: the closing goes before the name, as a paragraph of its own.
    (TEXT, "Please support a treaty.\n\nThank you for your time.\n\nYours sincerely,\n\n"
           "Ann Lee\nLyon\n"),
    # The supporter wrote a closing of their own: it is replaced, not doubled.
    ("Please support a treaty.\n\nKind regards,\n\nAnn Lee\n",
     "Please support a treaty.\n\nYours sincerely,\n\nAnn Lee\n"),
    ("Please support a treaty.\n\nYours faithfully\nAnn Lee",
     "Please support a treaty.\n\nYours sincerely,\nAnn Lee"),
    # They deleted their name: the closing ends the letter.
    ("Please support a treaty.\n\nThank you.", "Please support a treaty.\n\nThank you.\n\n"
                                              "Yours sincerely,"),
    # Their name alone.
    ("Ann Lee\n", "Yours sincerely,\n\nAnn Lee\n"),
])
def test_the_closing_comes_out_once_however_the_text_is_edited(edited, expected):
    assert closed_text(edited, "Yours sincerely,", "en", "Ann Lee") == expected
    # Applied again (a shared inbox's closing replacing the first recipient's): still once.
    again = closed_text(expected, "Yours faithfully,", "en", "Ann Lee")
    assert again == expected.replace("Yours sincerely,", "Yours faithfully,")
    assert again.count("Yours") == 1


def test_a_french_closing_typed_by_the_supporter_is_replaced_by_the_agreeing_one():
    edited = ("Merci.\n\nVeuillez agréer l’expression de mes salutations distinguées.\n\n"
              "Ann Lee\n")
    ending = f"Je vous prie d'agréer, Madame la Députée, {HIGH}"
    assert closed_text(edited, ending, "fr", "Ann Lee") == f"Merci.\n\n{ending}\n\nAnn Lee\n"
    assert closed_text("Merci.\n\nCordialement,\nAnn Lee", ending, "fr", "Ann Lee") == (
        f"Merci.\n\n{ending}\nAnn Lee")
    assert closed_text("Merci.\n\nAnn Lee", "", "fr", "Ann Lee") == "Merci.\n\nAnn Lee"


@pytest.mark.parametrize(("line", "language", "expected"), [
    ("Yours sincerely,", "en", True), ("  kind regards ", "en-GB", True),
    ("Thank you for your time.", "en", False), ("Yours is the decision.", "en", False),
    ("Je vous prie d'agréer, Monsieur le Ministre, l'expression de ma haute considération.",
     "fr", True),
    ("Veuillez recevoir, Madame, mes salutations distinguées.", "fr", True),
    ("Bien cordialement", "fr", True),
    ("Je vous prie de bien vouloir inscrire ce traité à l'ordre du jour.", "fr", False),
    ("Mit freundlichen Grüßen", "de", False),  # not a language whose closing agrees
])
def test_closing_lines_are_recognised_in_the_languages_that_build_them(line, language,
                                                                        expected):
    assert is_closing_line(line, language) is expected


def test_languages_that_close_alike_for_everyone_keep_the_closing_in_the_text(renderer):
    """German closes "Mit freundlichen Grüßen" after "Sehr geehrte Frau Ministerin," as after
    any other salutation; Spanish, Italian and Portuguese close the same way for everyone too:
    their shared text keeps its closing, which the supporter edits like any other line."""
    for language, country, ending in (("de", "DE", "Mit freundlichen Grüßen"),
                                      ("es", "ES", "Atentamente,"),
                                      ("it", "IT", "Distinti saluti"),
                                      ("pt", "PT", "Com os melhores cumprimentos,")):
        assert not agrees(language)
        targets = [make_target(id=f"{country}:{n}", country=country, language=language,
                               kind=TargetKind.MINISTER, role="Minister", gender=gender)
                   for n, gender in enumerate(("female", "male"))]
        [letter] = share_letters(renderer, CAMPAIGN, targets, ANN)
        assert all(r.closing == "" for r in letter.recipients)
        assert f"\n\n{ending}\n\nAnn Lee\n" in letter.body
        assert closing_for(targets[0], language, True) == ""
    assert agrees("en") and agrees("fr") and agrees("en-US")


def test_a_template_closing_elsewhere_keeps_its_closing_in_the_shared_text(tmp_path):
    """Only a closing that `closed_text` would put back where the template wrote it leaves
    the shared text: here it follows the name, so every recipient keeps the template's."""
    folder = write_campaign(tmp_path, {"en": (
        "subject: A treaty\n---\n{{ target|salutation }}\n\nPlease help.\n\n"
        "{{ supporter.name }}\n\n{{ target|closing }}\n")})
    content = load_campaign_dir(folder)
    letters = share_letters(LetterRenderer({content.slug: content}), content.slug,
                            [make_target()], ANN)
    [letter] = letters
    assert letter.recipients[0].closing == ""
    assert letter.body == "Please help.\n\nAnn Lee\n\nYours sincerely,\n"


def test_one_closing_for_a_shared_inbox_agrees_with_its_one_salutation():
    def minister(n, gender, role="Minister", country="GB", language="en"):
        return make_target(id=f"m:{n}", name=f"Name {n}", family_name=str(n), gender=gender,
                           kind=TargetKind.MINISTER, role=role, country=country,
                           language=language)

    state, junior = minister(1, "male", "Secretary of State"), minister(2, "female")
    assert salutation_for_all([state, junior], "en") == "Dear Ministers,"
    assert closing_for_all([state, junior], "en") == "Yours sincerely,"
    # Madame la Ministre and Monsieur le Ministre: "Madame, Monsieur," and its closing.
    ministre, ministre_m = (minister(3, "female", "Ministre", "FR", "fr"),
                            minister(4, "male", "Ministre", "FR", "fr"))
    assert salutation_for_all([ministre, ministre_m], "fr") == "Madame, Monsieur,"
    assert closing_for_all([ministre, ministre_m], "fr") == NEUTRAL_FR
    assert closing_for_all([ministre, ministre], "fr") == closing(ministre, "fr")
    # Two women greeted by name close alike ("Madame"), but the one salutation that fits
    # both is the neutral one, so the closing is too.
    delegates = [make_target(id=f"d:{n}", name=name, given_name="A", family_name=name,
                             gender="female", kind=TargetKind.SUMMIT_DELEGATE, country="FR",
                             language="fr") for n, name in enumerate(("Dupont", "Martin"))]
    assert {salutation(d, "fr") for d in delegates} == {"Madame Dupont,", "Madame Martin,"}
    assert closing_for_all(delegates, "fr") == NEUTRAL_FR
