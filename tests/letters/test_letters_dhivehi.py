"""Dhivehi (dv): salutations by office, by name with honorific, neutral; the letter's shape."""

from __future__ import annotations

import pytest

from letters.salutations import salutation
from representatives.model import TargetKind

from .conftest import CAMPAIGN, make_target

K = TargetKind
MV = dict(name="Aishath Shifa", given_name="Aishath", family_name="Shifa", country="MV",
          language="dv")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # Office holders by office, one form for women and men, never by name.
        ({"kind": K.HEAD_OF_GOVERNMENT, "role": "President of the Republic of Maldives",
          "name": "Mohamed Muizzu", "given_name": "Mohamed", "family_name": "Muizzu",
          "gender": "male"}, "ޢިއްޒަތްތެރި ރައީސުލްޖުމްހޫރިއްޔާ،"),
        ({"kind": K.HEAD_OF_GOVERNMENT, "role": "President", "country": "LK"},
         "ޢިއްޒަތްތެރި ރައީސް،"),
        ({"kind": K.HEAD_OF_GOVERNMENT, "role": "Prime Minister", "country": "IN"},
         "ޢިއްޒަތްތެރި ބޮޑުވަޒީރު،"),
        ({"kind": K.HEAD_OF_GOVERNMENT, "role": "Head of State"}, "ޢިއްޒަތްތެރި ބޭފުޅާ،"),
        ({"kind": K.MINISTER, "role": "Minister of Homeland Security and Technology"},
         "ޢިއްޒަތްތެރި ވަޒީރު،"),
        ({"kind": K.MINISTER, "gender": "female"}, "ޢިއްޒަތްތެރި ވަޒީރު،"),
        # A named member of the Majlis: by office, as in the Majlis, not by name.
        ({"kind": K.MP, "role": "Member of the People's Majlis", "gender": "female"},
         "ޢިއްޒަތްތެރި މެންބަރު،"),
        ({"kind": K.MEP, "role": "Member of the European Parliament"}, "ޢިއްޒަތްތެރި މެންބަރު،"),
        # Others by the full name, with the honorific only where the data gives one.
        ({"kind": K.SUMMIT_DELEGATE}, "ޢިއްޒަތްތެރި Aishath Shifa،"),
        ({"kind": K.SUMMIT_DELEGATE, "gender": "female"}, "ޢިއްޒަތްތެރި އަލްފާޟިލާ Aishath Shifa،"),
        ({"kind": K.SUMMIT_DELEGATE, "gender": "male"}, "ޢިއްޒަތްތެރި އަލްފާޟިލް Aishath Shifa،"),
        ({"kind": K.SUMMIT_DELEGATE, "honorific": "Dr.", "gender": "female"},
         "ޢިއްޒަތްތެރި ޑރ. Aishath Shifa،"),
        ({"kind": K.SUMMIT_DELEGATE, "honorific": "Prof."}, "ޢިއްޒަތްތެރި ޕްރޮފެސަރ Aishath Shifa،"),
        # Neither name nor office: the neutral form.
        ({"kind": K.SUMMIT_DELEGATE, "name": "", "given_name": None, "family_name": None},
         "ޢިއްޒަތްތެރި ބޭފުޅާ،"),
    ],
)
def test_dhivehi_salutation(extra, expected):
    assert salutation(make_target(**{**MV, **extra}), "dv") == expected


def test_dhivehi_letter_to_the_president(renderer, supporter):
    target = make_target(**{**MV, "kind": K.HEAD_OF_GOVERNMENT,
                            "role": "President of the Republic of Maldives"})
    letter = renderer.render(CAMPAIGN, target, supporter)
    assert (letter.language, letter.fell_back) == ("dv", False)
    assert letter.body.startswith("ޢިއްޒަތްތެރި ރައީސުލްޖުމްހޫރިއްޔާ،\n\n")
    assert "ތިޔަ މަނިކުފާނުގެ ސަރުކާރުގެ މައްޤިފަކަށް" in letter.body
    questions = [p for p in letter.body.split("\n\n") if p.rstrip().endswith("؟")]
    assert len(questions) == 1 and "?" not in letter.body
    assert "ބްލެޗްލީ ޕާކް (2023)، ސޯލް (2024)، ޕެރިސް (2025) އަދި ނިއު ދިއްލީ (2026)" in letter.body
    assert letter.body.endswith("އިޚްލާޞްތެރިކަމާއެކު،\n\nAnn Lee\nLeeds\n")
