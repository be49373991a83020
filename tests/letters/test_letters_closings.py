"""Closings that agree with the salutation: the French formula repeats its title, English
closes "faithfully" to an unnamed reader and "sincerely" to a named one."""

from __future__ import annotations

import pytest

from letters.salutations import LANGUAGES as SALUTATION_LANGUAGES
from letters.salutations import salutation
from letters.salutations.closings import LANGUAGES, closing
from letters.sandbox import make_environment
from letters.template_variables import template_filters
from representatives.model import TargetKind

from .conftest import CAMPAIGN, make_target

DUPONT = dict(name="Jean Dupont", given_name="Jean", family_name="Dupont", country="FR",
              language="fr")
NEUTRAL_FR = ("Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations "
              "distinguées.")


def test_french_neutral_opens_and_closes_madame_monsieur():
    target = make_target(**DUPONT)  # an MP whose gender the data does not give
    assert salutation(target, "fr") == "Madame, Monsieur,"
    assert closing(target, "fr") == NEUTRAL_FR
    nameless = make_target(name="Ministère", given_name=None, family_name=None, country="FR",
                           kind=TargetKind.SUMMIT_DELEGATE, by_title=True)
    assert salutation(nameless, "fr") == "Madame, Monsieur,"
    assert closing(nameless, "fr") == NEUTRAL_FR


@pytest.mark.parametrize(("extra", "opening", "ending"), [
    ({"gender": "female"}, "Madame la Députée,",
     "Je vous prie d'agréer, Madame la Députée, l'expression de ma haute considération."),
    ({"gender": "male"}, "Monsieur le Député,",
     "Je vous prie d'agréer, Monsieur le Député, l'expression de ma haute considération."),
    ({"gender": "female", "kind": TargetKind.MEP}, "Madame la Députée,",
     "Je vous prie d'agréer, Madame la Députée, l'expression de ma haute considération."),
    ({"gender": "male", "kind": TargetKind.MINISTER, "role": "Ministre"}, "Monsieur le Ministre,",
     "Je vous prie d'agréer, Monsieur le Ministre, l'expression de ma haute considération."),
    ({"gender": "female", "kind": TargetKind.MINISTER, "role": "Ministre"}, "Madame la Ministre,",
     "Je vous prie d'agréer, Madame la Ministre, l'expression de ma haute considération."),
    ({"gender": "female", "role": "Sénatrice"}, "Madame la Sénatrice,",
     "Je vous prie d'agréer, Madame la Sénatrice, l'expression de ma haute considération."),
    # Addressed by name: the closing repeats "Madame", never the family name.
    ({"gender": "female", "kind": TargetKind.SUMMIT_DELEGATE}, "Madame Dupont,",
     "Je vous prie d'agréer, Madame, l'expression de mes salutations distinguées."),
    ({"gender": "male", "kind": TargetKind.HEAD_OF_GOVERNMENT, "role": "Premier ministre"},
     "Monsieur Dupont,",
     "Je vous prie d'agréer, Monsieur, l'expression de ma haute considération."),
    ({"gender": "male", "kind": TargetKind.SUMMIT_DELEGATE, "honorific": "Prof."},
     "Monsieur le Professeur,",
     "Je vous prie d'agréer, Monsieur le Professeur, l'expression de mes salutations "
     "distinguées."),
    # Without a gender there is no office form either.
    ({"kind": TargetKind.MINISTER, "role": "Ministre"}, "Madame, Monsieur,", NEUTRAL_FR),
])
def test_french_closing_repeats_the_salutation(extra, opening, ending):
    target = make_target(**{**DUPONT, **extra})
    assert salutation(target, "fr") == opening
    assert closing(target, "fr") == ending
    assert opening.removesuffix(",").split(" Dupont")[0] in ending


def test_english_faithfully_to_sir_or_madam_sincerely_to_a_name():
    office = make_target(name="Foreign Office", given_name=None, family_name=None,
                         kind=TargetKind.SUMMIT_DELEGATE, by_title=True)
    assert salutation(office, "en") == "Dear Sir or Madam,"
    assert closing(office, "en") == "Yours faithfully,"
    assert closing(office, "en-GB") == "Yours faithfully,"
    named = make_target(gender="female")
    assert salutation(named, "en") == "Dear Ms Smith,"
    assert closing(named, "en") == "Yours sincerely,"
    assert closing(make_target(), "en") == "Yours sincerely,"  # "Dear Jane Smith,"
    minister = make_target(kind=TargetKind.MINISTER, role="Minister of State")
    assert salutation(minister, "en") == "Dear Minister,"
    assert closing(minister, "en") == "Yours sincerely,"


def test_other_languages_close_as_their_default_letter(campaigns):
    target = make_target(gender="female")
    assert closing(target, "de") == "Mit freundlichen Grüßen"
    assert closing(target, "pt-br") == "Respeitosamente,"
    assert closing(target, "pt-PT") == "Com os melhores cumprimentos,"
    assert closing(target, "xx") == "Yours sincerely,"  # English, as salutation falls back
    assert LANGUAGES == SALUTATION_LANGUAGES
    # Each fixed closing is the line its default letter closes with (or uses the filter).
    for language, template in campaigns[CAMPAIGN].templates.items():
        lines = template.body.rstrip("\n").split("\n")
        end = lines.index("{{ supporter.name }}")
        written = "\n".join(lines[end - 3:end - 1]) if language == "zh" else lines[end - 2]
        assert written in (closing(target, language), "{{ target|closing }}"), language


def test_closing_filter_in_the_sandbox():
    env = make_environment()
    target = make_target(**DUPONT, gender="female")
    text = env.from_string("{{ target|salutation }}\n{{ target|closing }}\n").render(
        target=target, language="fr")
    assert text == ("Madame la Députée,\nJe vous prie d'agréer, Madame la Députée, "
                    "l'expression de ma haute considération.\n")
    assert env.from_string("{{ target|closing('en') }}").render(target=target) == (
        "Yours sincerely,")
    assert template_filters()[:3] == ("salutation", "closing", "and_list")


def test_english_default_letter_closes_faithfully_to_an_office(renderer, supporter):
    office = make_target(name="Foreign Office", given_name=None, family_name=None,
                         kind=TargetKind.SUMMIT_DELEGATE, by_title=True)
    letter = renderer.render(CAMPAIGN, office, supporter)
    assert letter.body.startswith("Dear Sir or Madam,\n\n")
    assert "\n\nYours faithfully,\n\nAnn Lee\n" in letter.body
