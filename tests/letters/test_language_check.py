"""Whether what a supporter added to a letter is in another language (letters.language_check)."""

from __future__ import annotations

import pytest

from letters.language_check import (
    added_text,
    identify,
    model_language,
    other_language,
    sentences,
)

LETTER_EN = ("Dear Minister,\n\nI am writing to ask for your help in starting negotiations on an "
             "international treaty. A pause by one country alone would fail.\n\n"
             "Thank you for your time.\n\nYours sincerely,\n\nJane Doe\n")


@pytest.mark.parametrize(("text", "language"), [
    ("Als Krankenschwester sehe ich jeden Tag, wie schnell diese Systeme unsere "
     "Krankenhäuser verändern.", "de"),
    ("Je suis enseignante et je vois chaque jour mes élèves utiliser ces outils sans "
     "comprendre leurs risques.", "fr"),
    ("Mi hija crecerá con todo lo que construyamos ahora, y quiero que sea un mundo seguro.",
     "es"),
    ("Ik maak me grote zorgen over de toekomst van mijn kinderen en kleinkinderen.", "nl"),
    ("Jako lekarz widzę, jak szybko te systemy zmieniają naszą pracę w szpitalu.", "pl"),
    ("As a nurse I see every day how fast these systems are changing our hospitals.", "en"),
    ("Sono un ricercatore e credo che una pausa internazionale sia necessaria e possibile.",
     "it"),
])
def test_identifies_sentences_in_several_languages(text, language):
    assert identify(text) == language


@pytest.mark.parametrize("text", [
    "Bitte handeln Sie jetzt.",  # German, but four words: too few to say
    "Merci beaucoup !",
    "OpenAI, Anthropic, Google DeepMind",
    "",
])
def test_short_texts_are_not_judged(text):
    assert identify(text) is None


def test_added_text_is_what_the_generated_letter_does_not_hold():
    edited = LETTER_EN.replace("Thank you for your time.",
                               "Mein Sohn studiert Informatik in Berlin. Thank you for your time.")
    assert added_text(LETTER_EN, edited) == "Mein Sohn studiert Informatik in Berlin."
    assert added_text(LETTER_EN, LETTER_EN) == ""
    # Spacing and line breaks moved around are not words of the supporter's.
    assert added_text(LETTER_EN, LETTER_EN.replace("\n\n", "\n").replace(" a ", "  a ")) == ""


def test_sentences_split_on_ends_and_lines():
    assert sentences("One. Two!\nThree?\n\n  Four  ") == ["One.", "Two!", "Three?", "Four"]


def test_a_german_paragraph_in_an_english_letter_is_found():
    edited = LETTER_EN.replace(
        "Thank you for your time.",
        "Meine Tochter wird in der Welt aufwachsen, die wir jetzt bauen. Bitte setzen Sie sich "
        "für diesen Vertrag ein.\n\nThank you for your time.")
    found = other_language(LETTER_EN, edited, "en")
    assert found is not None
    assert found.language == "de"
    assert "Meine Tochter" in found.passage


def test_added_words_in_the_letters_own_language_give_no_hint():
    edited = LETTER_EN.replace(
        "Thank you for your time.",
        "My daughter will grow up in the world we are building now, so please act.\n\n"
        "Thank you for your time.")
    assert other_language(LETTER_EN, edited, "en") is None


def test_a_few_foreign_words_give_no_hint():
    edited = LETTER_EN.replace("Thank you for your time.", "Danke schön! Thank you for your time.")
    assert other_language(LETTER_EN, edited, "en") is None


def test_the_letters_own_language_is_compared_in_the_models_terms():
    # The campaign writes Norwegian as "nb" and Brazilian Portuguese as "pt-br".
    assert model_language("nb") == "no"
    assert model_language("pt-br") == "pt"
    letter = "Kjære statsråd,\n\nJeg skriver for å be om din hjelp.\n"
    edited = letter + ("Jeg er bekymret for hva som skjer med barna våre når disse systemene "
                       "blir kraftigere for hvert år.\n")
    assert other_language(letter, edited, "nb") is None
    brazil = "Prezado deputado,\n\nEscrevo para pedir sua ajuda.\n"
    edited = brazil + ("Minha filha vai crescer no mundo que estamos construindo agora, e eu "
                       "quero que ele seja seguro.\n")
    assert other_language(brazil, edited, "pt-br") is None
    found = other_language(brazil, edited, "en")
    assert found is not None and found.language == "pt"


def test_a_fingerprint_tells_an_unedited_text_whatever_its_line_ends():
    from letters.language_check import fingerprint

    text = "Geachte minister,\n\nEen verdrag, graag.\n\nJane"
    assert fingerprint(text.replace("\n", "\r\n")) == fingerprint(text)
    assert fingerprint(text + " ") != fingerprint(text)
