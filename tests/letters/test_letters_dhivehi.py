"""Dhivehi (dv): salutations by office, by name with honorific, neutral; the letter's shape."""

from __future__ import annotations

import pytest

from letters.rendering import Supporter
from letters.salutations import salutation
from representatives.model import TargetKind

from .conftest import CAMPAIGN, make_target
from .test_letters_west_asia import RECORDS

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
    assert sum(summits in letter.body for summits in SUMMITS) == 1
    assert letter.body.endswith("އިޚްލާޞްތެރިކަމާއެކު،\n\nAnn Lee\nLeeds\n")


# The four summits, in one wording or the other.
SUMMITS = ("ބްލެޗްލީ ޕާކް (2023)، ސޯލް (2024)، ޕެރިސް (2025) އަދި ނިއު ދިއްލީ (2026)",
           "2023 ގައި ބްލެޗްލީ ޕާކުގައި، 2024 ގައި ސޯލްގައި، 2025 ގައި ޕެރިސްގައި އަދި 2026 ގައި "
           "ނިއު ދިއްލީގައެވެ")


def test_dhivehi_names_the_next_summit(renderer, summits):
    target = make_target(**{**MV, "kind": K.MINISTER})
    for seed in (f"supporter-{n}" for n in range(6)):
        supporter = Supporter(name="Ann Lee", email="a@example.net", variant_seed=seed)
        body = renderer.render(CAMPAIGN, target, supporter, summits=summits).body
        # Geneva in Thaana, in the locative, and the year (Babel has no Dhivehi months).
        assert "2027 ވަނަ އަހަރު ޖިނީވާގައި ބާއްވާ، ދެން އޮތް އޭއައި ސަމިޓްގެ އެޖެންޑާއަށް" in body
        assert sum(wording in body for wording in SUMMITS) == 1
        without = renderer.render(CAMPAIGN, target, supporter, summits=None).body
        assert "ދެން ބާއްވާ އޭއައި ސަމިޓްގެ އެޖެންޑާއަށް" in without and "2027" not in without


def test_dhivehi_record_names_the_government_in_thaana(renderer):
    target = make_target(**{**MV, "kind": K.MINISTER})
    american, british, unknown = (
        renderer.render(CAMPAIGN, target, Supporter(name="Ann Lee", email="a@example.net",
                                                    country=country), summits=RECORDS).body
        for country in ("US", "GB", "AQ"))
    assert ("އެމެރިކާގެ ސަރުކާރުން ސޮއިކޮށްފައިވާ ލިޔުންތަކުގެ ތެރޭގައި ބްލެޗްލީ އިޢުލާން އަދި "
            "ސޯލް އިޢުލާން ހިމެނެއެވެ. އަދި ތާއީދުކޮށްފައިވާ ލިޔުންތަކުގެ ތެރޭގައި ނިއު ދިއްލީ "
            "އިޢުލާން ހިމެނެއެވެ. ނަމަވެސް، އެ ސަރުކާރުން ސޮއިކުރުމަށް ދެކޮޅުހެދި") in american
    assert "މި ލިޔުންތަކުން އެއްވެސް ފަރާތަކަށް" in american
    assert "ބިރިޓަނުގެ ސަރުކާރުން ސޮއިކުރުމަށް ދެކޮޅުހެދި ލިޔުންތަކުގެ ތެރޭގައި" in british
    assert "ލާޒިމެއް ނުކުރެއެވެ" not in british  # it signed nothing
    assert "ސަރުކާރުން ސޮއިކ" not in unknown and "ސަރުކާރުން ތާއީދު" not in unknown
