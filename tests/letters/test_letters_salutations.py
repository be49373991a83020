"""Salutations per language, gender only where the data gives it, names in capitals repaired."""

from __future__ import annotations

import csv
import re

import pytest

from letters.salutations import LANGUAGES, normalise_family_name, salutation
from letters.sharing import greeting_for
from representatives.countries import EU_OFFICIAL_LANGUAGES, main_language
from representatives.model import TargetKind

from .conftest import COUNTRY, make_target, morgan

SMITH = dict(name="Jane Smith", given_name="Jane", family_name="Smith", country="GB")
JANSEN = dict(name="Jan Jansen", given_name="Jan", family_name="Jansen", country="NL")
SCHMIDT = dict(name="Jan Schmidt", given_name="Jan", family_name="Schmidt", country="DE")
DUPONT = dict(name="Jean Dupont", given_name="Jean", family_name="Dupont", country="FR")
GARCIA = dict(name="Juan García", given_name="Juan", family_name="García", country="ES")


@pytest.mark.parametrize(
    ("language", "person", "extra", "expected"),
    [
        ("en", SMITH, {}, "Dear Jane Smith,"),
        ("en", SMITH, {"gender": "female"}, "Dear Ms Smith,"),
        ("en", SMITH, {"gender": "male"}, "Dear Mr Smith,"),
        ("en", SMITH, {"honorific": "Dr"}, "Dear Dr Smith,"),
        ("en", SMITH, {"honorific": "Dr.", "gender": "female"}, "Dear Dr Smith,"),
        ("en", SMITH, {"honorific": "Prof."}, "Dear Professor Smith,"),
        ("en", SMITH, {"honorific": "Hon."}, "Dear Jane Smith,"),
        ("en", SMITH, {"country": "US", "honorific": "Sen."}, "Dear Senator Smith,"),
        ("en", SMITH, {"country": "US", "honorific": "Rep."}, "Dear Representative Smith,"),
        ("en", SMITH, {"country": "US", "honorific": "Dr"}, "Dear Dr. Smith,"),
        ("en", SMITH, {"country": "US", "gender": "female"}, "Dear Ms. Smith,"),
        ("en", SMITH, {"gender": "unknown"}, "Dear Jane Smith,"),
        ("en-GB", SMITH, {"gender": "male"}, "Dear Mr Smith,"),
        ("nl", JANSEN, {}, "Geachte Jan Jansen,"),
        ("nl", JANSEN, {"gender": "male"}, "Geachte heer Jansen,"),
        ("nl", JANSEN, {"gender": "female"}, "Geachte mevrouw Jansen,"),
        ("nl", JANSEN, {"gender": "male", "honorific": "Dr"}, "Geachte heer Jansen,"),
        ("nl", JANSEN, {"honorific": "Prof."}, "Geachte professor Jansen,"),
        ("de", SCHMIDT, {}, "Guten Tag Jan Schmidt,"),
        ("de", SCHMIDT, {"gender": "female"}, "Sehr geehrte Frau Schmidt,"),
        ("de", SCHMIDT, {"gender": "male"}, "Sehr geehrter Herr Schmidt,"),
        ("de", SCHMIDT, {"gender": "female", "honorific": "Dr"}, "Sehr geehrte Frau Dr. Schmidt,"),
        ("de", SCHMIDT, {"honorific": "Prof."}, "Guten Tag Prof. Jan Schmidt,"),
        ("fr", DUPONT, {}, "Madame, Monsieur,"),
        # Members of parliament are addressed by office in French (make_target's kind is mp).
        ("fr", DUPONT, {"gender": "female"}, "Madame la Députée,"),
        ("fr", DUPONT, {"gender": "male"}, "Monsieur le Député,"),
        ("fr", DUPONT, {"gender": "female", "kind": TargetKind.SUMMIT_DELEGATE}, "Madame Dupont,"),
        ("fr", DUPONT, {"gender": "male", "kind": TargetKind.SUMMIT_DELEGATE}, "Monsieur Dupont,"),
        ("es", GARCIA, {}, "Estimado/a Juan García:"),
        ("es", GARCIA, {"gender": "female"}, "Estimada señora García:"),
        ("es", GARCIA, {"gender": "male"}, "Estimado señor García:"),
        ("es", GARCIA, {"gender": "female", "honorific": "Dr."}, "Estimada doctora García:"),
        # Italian deputies are "Onorevole", one form for women and men.
        ("it", dict(SMITH, family_name="Rossi"), {"gender": "female"}, "Gentile Onorevole Rossi,"),
        ("it", dict(SMITH, family_name="Rossi"), {}, "Gentile Onorevole Rossi,"),
        (
            "it",
            dict(SMITH, family_name="Rossi"),
            {"gender": "female", "kind": TargetKind.SUMMIT_DELEGATE},
            "Gentile signora Rossi,",
        ),
        # A language without its own forms gets the English ones.
        ("th", SMITH, {"gender": "female"}, "Dear Ms Smith,"),
    ],
)
def test_salutation(language, person, extra, expected):
    assert salutation(make_target(**{**person, **extra}), language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Dear Sir or Madam,"),
        ("nl", "Geachte heer, mevrouw,"),
        ("de", "Sehr geehrte Damen und Herren,"),
        ("fr", "Madame, Monsieur,"),
        ("es", "Estimado/a señor/a:"),
    ],
)
def test_no_name_at_all(language, expected):
    # A gendered form with a name cannot be built without the name; the generic one can.
    # (A summit delegate: for an MP French would use the office, "Madame la Députée,".)
    target = make_target(
        name="", given_name=None, family_name=None, gender="female",
        kind=TargetKind.SUMMIT_DELEGATE,
    )
    assert salutation(target, language) == expected


def test_only_a_full_name():
    target = make_target(name="Christophe BAY", given_name=None, family_name=None, gender="male")
    # Without a family name a gendered form cannot be built; the neutral one can.
    assert salutation(target, "en") == "Dear Christophe Bay,"


@pytest.mark.parametrize(
    ("family", "country", "expected"),
    [
        ("BAY", "FR", "Bay"),
        ("KUBÍN", "CZ", "Kubín"),
        ("DÖMÖTÖR", "HU", "Dömötör"),
        ("VAN BRUG", "NL", "van Brug"),
        ("COTRIM DE FIGUEIREDO", "PT", "Cotrim de Figueiredo"),
        ("von der LEYEN", "DE", "von der Leyen"),
        ("VON DER LEYEN", "DE", "von der Leyen"),
        ("DI MAIO", "IT", "Di Maio"),
        ("D'ALEMA", "IT", "D'Alema"),
        ("DE CROO", "BE", "De Croo"),
        ("LE PEN", "FR", "Le Pen"),
        ("GISCARD D'ESTAING", "FR", "Giscard d'Estaing"),
        ("O'BRIEN", "IE", "O'Brien"),
        ("MÜLLER-LÜDENSCHEIDT", "DE", "Müller-Lüdenscheidt"),
        ("McAllister", "DE", "McAllister"),  # mixed case is kept as the data gives it
        ("van der Berg", "NL", "van der Berg"),
        ("RIBA I GINER", "ES", "Riba i Giner"),
        ("GARCÍA HERMIDA-VAN DER WALLE", "NL", "García Hermida-van der Walle"),
    ],
)
def test_family_names_in_capitals(family, country, expected):
    assert normalise_family_name(family, country) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Dear Ms van Brug,"),
        # Dutch capitalises a particle that opens the name when no first name precedes it.
        ("nl", "Geachte mevrouw Van Brug,"),
        ("de", "Sehr geehrte Frau van Brug,"),
    ],
)
def test_particles_with_gender(language, expected):
    target = make_target(
        name="Anouk VAN BRUG",
        given_name="Anouk",
        family_name="VAN BRUG",
        country="NL",
        gender="female",
    )
    assert salutation(target, language) == expected


def test_particles_in_the_neutral_form():
    target = make_target(
        name="Anouk VAN BRUG", given_name="Anouk", family_name="VAN BRUG", country="NL"
    )
    assert salutation(target, "nl") == "Geachte Anouk van Brug,"


def test_von_der_leyen_in_dutch():
    target = make_target(
        name="Ursula von der Leyen",
        given_name="Ursula",
        family_name="von der Leyen",
        country="DE",
        gender="female",
    )
    assert salutation(target, "nl") == "Geachte mevrouw Von der Leyen,"
    assert salutation(target, "de") == "Sehr geehrte Frau von der Leyen,"


def test_every_mep_name_comes_out_in_ordinary_case(shared_data):
    """Every MEP in the European Parliament data gets a salutation without names in capitals."""
    path = shared_data / "eu-parliament-meps" / "meps.csv"
    with path.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) > 700
    genders = {"F": "female", "M": "male"}
    for row in rows:
        target = make_target(
            name=f"{row['first_name']} {row['last_name']}",
            given_name=row["first_name"],
            family_name=row["last_name"],
            country=row["country"].upper(),
            gender=genders.get(row["gender"]),
        )
        for language in sorted(LANGUAGES):
            text = salutation(target, language)
            shouting = [w for w in text.replace(",", " ").split() if w.isupper() and len(w) > 1]
            assert not shouting, (row["last_name"], text)


# --- Every official language of the EU ---------------------------------------------------------

# The cases each language is checked on, in the order of the lists in EXPECTED below.
CASES = [
    (TargetKind.MINISTER, "female", None),
    (TargetKind.MINISTER, "male", None),
    (TargetKind.MINISTER, None, None),
    (TargetKind.MP, "female", None),
    (TargetKind.MP, "male", None),
    (TargetKind.MP, None, None),
    (TargetKind.MEP, "female", None),
    (TargetKind.MEP, "male", None),
    (TargetKind.MEP, None, None),
    (TargetKind.SUMMIT_DELEGATE, "female", None),
    (TargetKind.SUMMIT_DELEGATE, "male", None),
    (TargetKind.SUMMIT_DELEGATE, None, None),
    (TargetKind.SUMMIT_DELEGATE, "female", "Dr"),
    (TargetKind.SUMMIT_DELEGATE, "male", "Prof."),
    (TargetKind.SUMMIT_DELEGATE, None, "Dr"),
    (TargetKind.MP, "female", "Dr"),  # the office outranks the academic title where one is used
]
# Each language is tried on a person from the country that writes it (Hungarian puts the family
# name first for Hungarians; Bulgarian and Lithuanian name their own parliament's members).


EXPECTED = {
    'bg': [
        'Уважаема госпожо министър,',
        'Уважаеми господин министър,',
        'Уважаема госпожо / Уважаеми господин министър,',
        'Уважаема госпожо народен представител,',
        'Уважаеми господин народен представител,',
        'Уважаема госпожо / Уважаеми господин народен представител,',
        'Уважаема госпожо евродепутат,',
        'Уважаеми господин евродепутат,',
        'Уважаема госпожо / Уважаеми господин евродепутат,',
        'Уважаема госпожо Morgan,',
        'Уважаеми господин Morgan,',
        'Уважаема госпожо / Уважаеми господин Morgan,',
        'Уважаема д-р Morgan,',
        'Уважаеми господин професор Morgan,',
        'Уважаема / Уважаеми д-р Morgan,',
        'Уважаема госпожо народен представител,',
    ],
    'cs': [
        'Vážená paní ministryně,',
        'Vážený pane ministře,',
        'Vážená paní ministryně, vážený pane ministře,',
        'Vážená paní poslankyně,',
        'Vážený pane poslanče,',
        'Vážená paní poslankyně, vážený pane poslanče,',
        'Vážená paní poslankyně,',
        'Vážený pane poslanče,',
        'Vážená paní poslankyně, vážený pane poslanče,',
        'Vážená paní Morgan,',
        'Vážený pane,',
        'Vážená paní, vážený pane,',
        'Vážená paní doktorko,',
        'Vážený pane profesore,',
        'Vážená paní doktorko, vážený pane doktore,',
        'Vážená paní poslankyně,',
    ],
    'da': ['Kære Alex Morgan,'] * 16,
    'de': [
        'Sehr geehrte Frau Ministerin,',
        'Sehr geehrter Herr Minister,',
        'Guten Tag Alex Morgan,',
        'Sehr geehrte Frau Morgan,',
        'Sehr geehrter Herr Morgan,',
        'Guten Tag Alex Morgan,',
        'Sehr geehrte Frau Morgan,',
        'Sehr geehrter Herr Morgan,',
        'Guten Tag Alex Morgan,',
        'Sehr geehrte Frau Morgan,',
        'Sehr geehrter Herr Morgan,',
        'Guten Tag Alex Morgan,',
        'Sehr geehrte Frau Dr. Morgan,',
        'Sehr geehrter Herr Prof. Morgan,',
        'Guten Tag Dr. Alex Morgan,',
        'Sehr geehrte Frau Dr. Morgan,',
    ],
    'el': [
        'Αξιότιμη κυρία Υπουργέ,',
        'Αξιότιμε κύριε Υπουργέ,',
        'Αξιότιμη κυρία / Αξιότιμε κύριε Υπουργέ,',
        'Αξιότιμη κυρία Βουλευτά,',
        'Αξιότιμε κύριε Βουλευτά,',
        'Αξιότιμη κυρία / Αξιότιμε κύριε Βουλευτά,',
        'Αξιότιμη κυρία Ευρωβουλευτά,',
        'Αξιότιμε κύριε Ευρωβουλευτά,',
        'Αξιότιμη κυρία / Αξιότιμε κύριε Ευρωβουλευτά,',
        'Αξιότιμη κυρία Morgan,',
        'Αξιότιμε κύριε Morgan,',
        'Αξιότιμη κυρία / Αξιότιμε κύριε Morgan,',
        'Αξιότιμη κυρία Morgan,',
        'Αξιότιμε κύριε Καθηγητά,',
        'Αξιότιμη κυρία / Αξιότιμε κύριε Morgan,',
        'Αξιότιμη κυρία Βουλευτά,',
    ],
    'en': [
        'Dear Minister,',
        'Dear Minister,',
        'Dear Minister,',
        'Dear Ms Morgan,',
        'Dear Mr Morgan,',
        'Dear Alex Morgan,',
        'Dear Ms Morgan,',
        'Dear Mr Morgan,',
        'Dear Alex Morgan,',
        'Dear Ms Morgan,',
        'Dear Mr Morgan,',
        'Dear Alex Morgan,',
        'Dear Dr Morgan,',
        'Dear Professor Morgan,',
        'Dear Dr Morgan,',
        'Dear Dr Morgan,',
    ],
    'es': [
        'Estimada señora ministra:',
        'Estimado señor ministro:',
        'Estimado/a Alex Morgan:',
        'Estimada señora Morgan:',
        'Estimado señor Morgan:',
        'Estimado/a Alex Morgan:',
        'Estimada señora Morgan:',
        'Estimado señor Morgan:',
        'Estimado/a Alex Morgan:',
        'Estimada señora Morgan:',
        'Estimado señor Morgan:',
        'Estimado/a Alex Morgan:',
        'Estimada doctora Morgan:',
        'Estimado profesor Morgan:',
        'Estimado/a Alex Morgan:',
        'Estimada doctora Morgan:',
    ],
    'et': [
        'Lugupeetud proua minister!',
        'Lugupeetud härra minister!',
        'Lugupeetud minister!',
        'Lugupeetud proua Morgan!',
        'Lugupeetud härra Morgan!',
        'Lugupeetud Alex Morgan!',
        'Lugupeetud proua Morgan!',
        'Lugupeetud härra Morgan!',
        'Lugupeetud Alex Morgan!',
        'Lugupeetud proua Morgan!',
        'Lugupeetud härra Morgan!',
        'Lugupeetud Alex Morgan!',
        'Lugupeetud dr Morgan!',
        'Lugupeetud professor Morgan!',
        'Lugupeetud dr Morgan!',
        'Lugupeetud dr Morgan!',
    ],
    'fi': [
        'Arvoisa ministeri Morgan,',
        'Arvoisa ministeri Morgan,',
        'Arvoisa ministeri Morgan,',
        'Arvoisa kansanedustaja Morgan,',
        'Arvoisa kansanedustaja Morgan,',
        'Arvoisa kansanedustaja Morgan,',
        'Arvoisa Euroopan parlamentin jäsen Morgan,',
        'Arvoisa Euroopan parlamentin jäsen Morgan,',
        'Arvoisa Euroopan parlamentin jäsen Morgan,',
        'Hyvä Alex Morgan,',
        'Hyvä Alex Morgan,',
        'Hyvä Alex Morgan,',
        'Arvoisa tohtori Morgan,',
        'Arvoisa professori Morgan,',
        'Arvoisa tohtori Morgan,',
        'Arvoisa kansanedustaja Morgan,',
    ],
    'fr': [
        'Madame la Ministre,',
        'Monsieur le Ministre,',
        'Madame, Monsieur,',
        'Madame la Députée,',
        'Monsieur le Député,',
        'Madame, Monsieur,',
        'Madame la Députée,',
        'Monsieur le Député,',
        'Madame, Monsieur,',
        'Madame Morgan,',
        'Monsieur Morgan,',
        'Madame, Monsieur,',
        'Madame Morgan,',
        'Monsieur le Professeur,',
        'Madame, Monsieur,',
        'Madame la Députée,',
    ],
    'ga': ['A Chara,'] * 16,
    'hr': [
        'Poštovana gospođo ministrice,',
        'Poštovani gospodine ministre,',
        'Poštovana gospođo / Poštovani gospodine Morgan,',
        'Poštovana gospođo zastupnice,',
        'Poštovani gospodine zastupniče,',
        'Poštovana gospođo / Poštovani gospodine Morgan,',
        'Poštovana gospođo zastupnice,',
        'Poštovani gospodine zastupniče,',
        'Poštovana gospođo / Poštovani gospodine Morgan,',
        'Poštovana gospođo Morgan,',
        'Poštovani gospodine Morgan,',
        'Poštovana gospođo / Poštovani gospodine Morgan,',
        'Poštovana dr. Morgan,',
        'Poštovani prof. Morgan,',
        'Poštovana / Poštovani dr. Morgan,',
        'Poštovana gospođo zastupnice,',
    ],
    'hu': [
        'Tisztelt Miniszter Asszony!',
        'Tisztelt Miniszter Úr!',
        'Tisztelt Morgan Alex!',
        'Tisztelt Képviselő Asszony!',
        'Tisztelt Képviselő Úr!',
        'Tisztelt Morgan Alex!',
        'Tisztelt Képviselő Asszony!',
        'Tisztelt Képviselő Úr!',
        'Tisztelt Morgan Alex!',
        'Tisztelt Morgan Asszony!',
        'Tisztelt Morgan Úr!',
        'Tisztelt Morgan Alex!',
        'Tisztelt Dr. Morgan Asszony!',
        'Tisztelt Professzor Úr!',
        'Tisztelt Dr. Morgan Alex!',
        'Tisztelt Képviselő Asszony!',
    ],
    'it': [
        'Gentile Ministra,',
        'Gentile Ministro,',
        'Gentile Alex Morgan,',
        'Gentile Onorevole Morgan,',
        'Gentile Onorevole Morgan,',
        'Gentile Onorevole Morgan,',
        'Gentile Onorevole Morgan,',
        'Gentile Onorevole Morgan,',
        'Gentile Onorevole Morgan,',
        'Gentile signora Morgan,',
        'Gentile signor Morgan,',
        'Gentile Alex Morgan,',
        'Gentile dottoressa Morgan,',
        'Gentile professor Morgan,',
        'Gentile Alex Morgan,',
        'Gentile Onorevole Morgan,',
    ],
    'lt': [
        'Gerbiama ministre,',
        'Gerbiamas ministre,',
        'Gerbiama / Gerbiamas ministre,',
        'Gerbiama Seimo nare,',
        'Gerbiamas Seimo nary,',
        'Gerbiama Seimo nare / Gerbiamas Seimo nary,',
        'Gerbiama Europos Parlamento nare,',
        'Gerbiamas Europos Parlamento nary,',
        'Gerbiama Europos Parlamento nare / Gerbiamas Europos Parlamento nary,',
        'Gerbiama ponia,',
        'Gerbiamas pone,',
        'Gerbiama ponia / Gerbiamas pone,',
        'Gerbiama daktare,',
        'Gerbiamas profesoriau,',
        'Gerbiama / Gerbiamas daktare,',
        'Gerbiama Seimo nare,',
    ],
    'lv': [
        'Godātā ministres kundze!',
        'Godātais ministra kungs!',
        'Godātā ministres kundze / Godātais ministra kungs!',
        'Godātā deputātes kundze!',
        'Godātais deputāta kungs!',
        'Godātā deputātes kundze / Godātais deputāta kungs!',
        'Godātā deputātes kundze!',
        'Godātais deputāta kungs!',
        'Godātā deputātes kundze / Godātais deputāta kungs!',
        'Godātā kundze!',
        'Godātais kungs!',
        'Godātā kundze / Godātais kungs!',
        'Godātā doktores kundze!',
        'Godātais profesora kungs!',
        'Godātā doktores kundze / Godātais doktora kungs!',
        'Godātā deputātes kundze!',
    ],
    'mt': [
        'Onorevoli Ministru,',
        'Onorevoli Ministru,',
        'Onorevoli Ministru,',
        'Onorevoli Morgan,',
        'Onorevoli Morgan,',
        'Onorevoli Morgan,',
        'Onorevoli Morgan,',
        'Onorevoli Morgan,',
        'Onorevoli Morgan,',
        'Għażiża Sinjura Morgan,',
        'Għażiż Sur Morgan,',
        'Għażiż/a Alex Morgan,',
        'Għażiża Dr Morgan,',
        'Għażiż Prof. Morgan,',
        'Għażiż/a Dr Morgan,',
        'Onorevoli Morgan,',
    ],
    'nl': [
        'Geachte mevrouw Morgan,',
        'Geachte heer Morgan,',
        'Geachte minister,',
        'Geachte mevrouw Morgan,',
        'Geachte heer Morgan,',
        'Geachte Alex Morgan,',
        'Geachte mevrouw Morgan,',
        'Geachte heer Morgan,',
        'Geachte Alex Morgan,',
        'Geachte mevrouw Morgan,',
        'Geachte heer Morgan,',
        'Geachte Alex Morgan,',
        'Geachte mevrouw Morgan,',
        'Geachte professor Morgan,',
        'Geachte Alex Morgan,',
        'Geachte mevrouw Morgan,',
    ],
    'pl': [
        'Szanowna Pani Minister,',
        'Szanowny Panie Ministrze,',
        'Szanowna Pani Minister / Szanowny Panie Ministrze,',
        'Szanowna Pani Poseł,',
        'Szanowny Panie Pośle,',
        'Szanowna Pani Poseł / Szanowny Panie Pośle,',
        'Szanowna Pani Poseł,',
        'Szanowny Panie Pośle,',
        'Szanowna Pani Poseł / Szanowny Panie Pośle,',
        'Szanowna Pani,',
        'Szanowny Panie,',
        'Szanowna Pani / Szanowny Panie,',
        'Szanowna Pani Doktor,',
        'Szanowny Panie Profesorze,',
        'Szanowna Pani Doktor / Szanowny Panie Doktorze,',
        'Szanowna Pani Poseł,',
    ],
    'pt': [
        'Exma. Senhora Ministra,',
        'Exmo. Senhor Ministro,',
        'Exmo(a). Senhor(a) Alex Morgan,',
        'Exma. Senhora Deputada,',
        'Exmo. Senhor Deputado,',
        'Exmo(a). Senhor(a) Alex Morgan,',
        'Exma. Senhora Deputada,',
        'Exmo. Senhor Deputado,',
        'Exmo(a). Senhor(a) Alex Morgan,',
        'Exma. Senhora Alex Morgan,',
        'Exmo. Senhor Alex Morgan,',
        'Exmo(a). Senhor(a) Alex Morgan,',
        'Exma. Senhora Dra. Alex Morgan,',
        'Exmo. Senhor Professor Alex Morgan,',
        'Exmo(a). Senhor(a) Dr(a). Alex Morgan,',
        'Exma. Senhora Deputada,',
    ],
    'ro': [
        'Stimată doamnă ministru,',
        'Stimate domnule ministru,',
        'Stimată doamnă / Stimate domnule ministru,',
        'Stimată doamnă Morgan,',
        'Stimate domnule Morgan,',
        'Stimată doamnă / Stimate domnule Morgan,',
        'Stimată doamnă Morgan,',
        'Stimate domnule Morgan,',
        'Stimată doamnă / Stimate domnule Morgan,',
        'Stimată doamnă Morgan,',
        'Stimate domnule Morgan,',
        'Stimată doamnă / Stimate domnule Morgan,',
        'Stimată doamnă doctor Morgan,',
        'Stimate domnule profesor Morgan,',
        'Stimată doamnă / Stimate domnule doctor Morgan,',
        'Stimată doamnă doctor Morgan,',
    ],
    'sk': [
        'Vážená pani ministerka,',
        'Vážený pán minister,',
        'Vážená pani / Vážený pán Morgan,',
        'Vážená pani poslankyňa,',
        'Vážený pán poslanec,',
        'Vážená pani / Vážený pán Morgan,',
        'Vážená pani poslankyňa,',
        'Vážený pán poslanec,',
        'Vážená pani / Vážený pán Morgan,',
        'Vážená pani Morgan,',
        'Vážený pán Morgan,',
        'Vážená pani / Vážený pán Morgan,',
        'Vážená pani doktorka,',
        'Vážený pán profesor,',
        'Vážená pani / Vážený pán Morgan,',
        'Vážená pani poslankyňa,',
    ],
    'sl': [
        'Spoštovana gospa ministrica,',
        'Spoštovani gospod minister,',
        'Spoštovana gospa / Spoštovani gospod Morgan,',
        'Spoštovana gospa poslanka,',
        'Spoštovani gospod poslanec,',
        'Spoštovana gospa / Spoštovani gospod Morgan,',
        'Spoštovana gospa poslanka,',
        'Spoštovani gospod poslanec,',
        'Spoštovana gospa / Spoštovani gospod Morgan,',
        'Spoštovana gospa Morgan,',
        'Spoštovani gospod Morgan,',
        'Spoštovana gospa / Spoštovani gospod Morgan,',
        'Spoštovana dr. Morgan,',
        'Spoštovani prof. Morgan,',
        'Spoštovana / Spoštovani dr. Morgan,',
        'Spoštovana gospa poslanka,',
    ],
    'sv': ['Hej Alex Morgan,'] * 16,
}


def test_every_language_has_its_expected_table():
    # The EU's languages here; the others' exact forms in their own test files.
    assert set(EXPECTED) == EU_OFFICIAL_LANGUAGES
    assert LANGUAGES <= set(COUNTRY)
    assert all(len(forms) == len(CASES) for forms in EXPECTED.values())


@pytest.mark.parametrize("language", sorted(EXPECTED))
@pytest.mark.parametrize(("case", "kind_gender_title"), list(enumerate(CASES)))
def test_every_language_kind_gender_and_title(language, case, kind_gender_title):
    kind, gender, honorific = kind_gender_title
    target = morgan(language, kind, gender, honorific)
    assert salutation(target, language) == EXPECTED[language][case]


@pytest.mark.parametrize("language", sorted(EU_OFFICIAL_LANGUAGES))
def test_every_eu_language_has_its_own_salutation(language):
    assert language in LANGUAGES
    if language == "en":
        return
    for kind, gender, honorific in CASES:
        target = morgan(language, kind, gender, honorific)
        assert salutation(target, language) != salutation(target, "en"), (kind, gender)


# How a salutation may end: a comma, colon or exclamation mark in most languages; the Arabic
# comma; and in Japanese, Chinese and Korean the honorific itself or a full-width mark.
_SALUTATION_ENDS = ",:!،、，：様殿께"


def well_formed(text: str) -> bool:
    first = text[:1]
    return (
        bool(text)
        and text == text.strip()
        and "None" not in text
        and "  " not in text
        and not re.search(r"\s[,:!/]$|\s,|//", text)
        and text[-1] in _SALUTATION_ENDS
        # Capitalised, in scripts that have capitals.
        and (first.isupper() or first.lower() == first.upper())
    )


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("kind", list(TargetKind))
@pytest.mark.parametrize("honorific", [None, "Dr", "Dr.", "Prof.", "Prof. Dr.", "Sen.", "Hon."])
def test_gender_is_never_guessed(language, kind, honorific):
    """Without a gender the salutation is neither the woman's nor the man's form."""
    female, male, unknown = (
        salutation(morgan(language, kind, gender, honorific), language)
        for gender in ("female", "male", None)
    )
    for text in (female, male, unknown):
        assert well_formed(text), text
    if female != male:
        assert unknown not in (female, male)
    # Gender comes from the data, not from the name: a "female" first name changes nothing.
    anna = morgan(language, kind, None, honorific, name="Anna Morgan", given_name="Anna")
    assert salutation(anna, language) == unknown.replace("Alex", "Anna")


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_missing_names_give_no_holes(language):
    for kind, gender, honorific in CASES:
        for names in (
            dict(name="", given_name=None, family_name=None),
            dict(name="Alex MORGAN", given_name=None, family_name=None),
            dict(name="Alex Morgan", given_name=None, family_name="MORGAN"),
        ):
            target = morgan(language, kind, gender, honorific, **names)
            text = salutation(target, language)
            assert well_formed(text), (names, text)
            assert "MORGAN" not in text


@pytest.mark.parametrize(
    ("language", "extra", "expected"),
    [
        # British ministers by office: a Secretary of State as such, junior ministers "Minister".
        ("en", dict(country="GB", role="Secretary of State for Science, Innovation and "
                    "Technology"), "Dear Secretary of State,"),
        ("en", dict(country="GB", role="Parliamentary Under-Secretary of State for AI and "
                    "Digital Government", gender="female"), "Dear Minister,"),
        ("en", dict(country="GB", role="Prime Minister"), "Dear Prime Minister,"),
        ("en", dict(country="IE", role="Minister for Enterprise", honorific="Dr"),
         "Dear Minister,"),
        # American cabinet members are Secretaries, by name.
        ("en", dict(country="US", role="Secretary of Commerce"), "Dear Secretary Morgan,"),
        ("en", dict(country="US", role="Administrator", gender="male"), "Dear Mr. Morgan,"),
        ("nl", dict(country="NL", role="Minister van Economische Zaken"), "Geachte minister,"),
        ("de", dict(country="DE", role="Bundesministerin", gender="female", honorific="Dr"),
         "Sehr geehrte Frau Ministerin,"),
        ("de", dict(country="DE", role="Bundesminister"), "Guten Tag Alex Morgan,"),
        ("fr", dict(country="FR", role="Ministre", gender="male"), "Monsieur le Ministre,"),
        ("fi", dict(country="FI", role="Ministeri", given_name=None, family_name=None),
         "Arvoisa ministeri Alex Morgan,"),
    ],
)
def test_ministers(language, extra, expected):
    target = morgan(language, TargetKind.MINISTER, **{"country": COUNTRY[language], **extra})
    assert salutation(target, language) == expected


@pytest.mark.parametrize(
    ("language", "role", "gender", "expected"),
    [
        ("fr", "Sénatrice", "female", "Madame la Sénatrice,"),
        ("it", "Senatore della Repubblica", "male", "Gentile Senatore Morgan,"),
        ("it", "Senatore della Repubblica", None, "Gentile Onorevole Morgan,"),
        ("pl", "Senator RP", "male", "Szanowny Panie Senatorze,"),
        ("cs", "Senátorka", "female", "Vážená paní senátorko,"),
        ("pt", "Senadora", "female", "Exma. Senhora Senadora,"),
        ("en", "Senator", "female", "Dear Ms Morgan,"),  # English needs the honorific "Sen."
    ],
)
def test_senators_by_role(language, role, gender, expected):
    target = morgan(language, TargetKind.MP, gender, role=role)
    assert salutation(target, language) == expected


def test_us_senator_by_honorific_in_other_languages():
    target = morgan("fr", TargetKind.MP, "male", "Sen.", country="US", role="Senator")
    assert salutation(target, "fr") == "Monsieur le Sénateur,"
    assert salutation(target, "en") == "Dear Senator Morgan,"


@pytest.mark.parametrize(
    ("honorific", "expected"),
    [("Rt Hon", "Dear Ms Morgan,"), ("The Rt Hon", "Dear Ms Morgan,"), ("Sir", "Dear Sir Alex,"),
     ("Dame", "Dear Dame Alex,"), ("Baroness", "Dear Baroness Morgan,"),
     ("Prof. Dr.", "Dear Professor Morgan,")],
)
def test_english_styles(honorific, expected):
    target = morgan("en", TargetKind.MP, "female", honorific, country="GB")
    assert salutation(target, "en") == expected


def test_hungarian_names_family_first_for_hungarians_only():
    csaba = make_target(name="Csaba DÖMÖTÖR", given_name="Csaba", family_name="DÖMÖTÖR",
                        country="HU", kind=TargetKind.MEP)
    assert salutation(csaba, "hu") == "Tisztelt Dömötör Csaba!"
    assert salutation(morgan("hu", gender=None, country="GB"), "hu") == "Tisztelt Alex Morgan!"
    male = make_target(name="Csaba DÖMÖTÖR", given_name="Csaba", family_name="DÖMÖTÖR",
                       country="HU", kind=TargetKind.MEP, gender="male")
    assert salutation(male, "hu") == "Tisztelt Képviselő Úr!"


def test_greek_names_that_would_need_a_vocative():
    man = morgan("el", TargetKind.SUMMIT_DELEGATE, "male", given_name="Γιώργος",
                 family_name="Παπαδόπουλος", name="Γιώργος Παπαδόπουλος")
    woman = morgan("el", TargetKind.SUMMIT_DELEGATE, "female", given_name="Μαρία",
                   family_name="Παπαδοπούλου", name="Μαρία Παπαδοπούλου")
    assert salutation(man, "el") == "Αξιότιμε κύριε,"  # not the nominative "Παπαδόπουλος"
    assert salutation(woman, "el") == "Αξιότιμη κυρία Παπαδοπούλου,"


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [
        ("bg", "BG", "Уважаема госпожо народен представител,"),
        ("bg", "GB", "Уважаема госпожо Morgan,"),  # the title belongs to Bulgaria's parliament
        ("lt", "LT", "Gerbiama Seimo nare,"),
        ("lt", "GB", "Gerbiama parlamentare,"),
    ],
)
def test_national_parliament_titles(language, country, expected):
    assert salutation(morgan(language, gender="female", country=country), language) == expected


def test_czech_woman_by_name_man_without():
    # A woman's family name stays as it is; a man's would need the vocative ("pane Nováku").
    novakova = morgan("cs", TargetKind.SUMMIT_DELEGATE, "female", family_name="Nováková")
    novak = morgan("cs", TargetKind.SUMMIT_DELEGATE, "male", family_name="Novák")
    assert salutation(novakova, "cs") == "Vážená paní Nováková,"
    assert salutation(novak, "cs") == "Vážený pane,"


def test_the_cached_greeting_follows_kind_and_role():
    # letters.sharing caches salutations by target id, served only for an equal target.
    mp = morgan("fr", TargetKind.MP, "female")
    minister = morgan("fr", TargetKind.MINISTER, "female")
    senator = morgan("fr", TargetKind.MP, "female", role="Sénatrice")
    assert greeting_for(mp, "fr", True) == "Madame la Députée,"
    assert greeting_for(minister, "fr", True) == "Madame la Ministre,"
    assert greeting_for(senator, "fr", True) == "Madame la Sénatrice,"


# Words that show a salutation names the office of a member of the European Parliament.
MEP_OFFICE = {
    "bg": ("евродепутат",), "cs": ("poslankyně", "poslanče"), "el": ("Ευρωβουλευτά",),
    "fr": ("Députée", "Député"), "hr": ("zastupnice", "zastupniče"), "hu": ("Képviselő",),
    "lt": ("Europos Parlamento nare", "Europos Parlamento nary"),
    "lv": ("deputātes kundze", "deputāta kungs"), "pl": ("Pani Poseł", "Panie Pośle"),
    "pt": ("Deputada", "Deputado"), "sk": ("poslankyňa", "poslanec"),
    "sl": ("poslanka", "poslanec"),
}


def read_meps(shared_data):
    path = shared_data / "eu-parliament-meps" / "meps.csv"
    with path.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) > 700
    genders = {"F": "female", "M": "male"}
    return [
        make_target(
            name=f"{row['first_name']} {row['last_name']}",
            given_name=row["first_name"],
            family_name=row["last_name"],
            country=row["country"].upper(),
            kind=TargetKind.MEP,
            role="Member of the European Parliament",
            gender=genders.get(row["gender"]),
        )
        for row in rows
    ]


def test_every_mep_is_greeted_in_their_countrys_language(shared_data):
    """Each MEP, in their country's main language: their own language's form, with the family
    name or the office (or French's neutral form), nothing missing."""
    seen = set()
    for target in read_meps(shared_data):
        language = main_language(target.country)
        seen.add(language)
        text = salutation(target, language)
        assert well_formed(text), (target.name, text)
        family = normalise_family_name(target.family_name, target.country)
        office = any(word in text for word in MEP_OFFICE.get(language, ()))
        # French has no form with a name but without a gender: "Madame, Monsieur,".
        neutral = language == "fr" and not target.gender and text == "Madame, Monsieur,"
        assert family.casefold() in text.casefold() or office or neutral, (target.name, text)
        if language != "en":
            assert text != salutation(target, "en"), (target.name, text)
    # Every member state's language is covered (Irish MEPs are written to in English).
    assert seen == EU_OFFICIAL_LANGUAGES - {"ga"}


def test_shared_greeting_follows_a_target_whose_data_changed():
    # Same id, as after a directory reload that corrected the data: the cached salutation of
    # the old object must not be served for the new one.
    before = make_target(id="fr:1", country="FR", language="fr", gender="female",
                         given_name="Anne", family_name="Martin", name="Anne Martin")
    after = make_target(id="fr:1", country="FR", language="fr", gender="male",
                        given_name="Alain", family_name="Martin", name="Alain Martin")
    assert greeting_for(before, "fr", True) == "Madame la Députée,"
    assert greeting_for(after, "fr", True) == "Monsieur le Député,"
    assert greeting_for(before, "fr", True) == "Madame la Députée,"
    assert greeting_for(before, "fr", False) == ""
