"""Salutations per language, gender only where the data gives it, names in capitals repaired."""

from __future__ import annotations

import csv

import pytest

from letters.salutations import normalise_family_name, salutation

from .conftest import make_target

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
        ("fr", DUPONT, {}, "Bonjour Jean Dupont,"),
        ("fr", DUPONT, {"gender": "female"}, "Madame Dupont,"),
        ("fr", DUPONT, {"gender": "male"}, "Monsieur Dupont,"),
        ("es", GARCIA, {}, "Estimado/a Juan García:"),
        ("es", GARCIA, {"gender": "female"}, "Estimada señora García:"),
        ("es", GARCIA, {"gender": "male"}, "Estimado señor García:"),
        ("es", GARCIA, {"gender": "female", "honorific": "Dr."}, "Estimada doctora García:"),
        ("it", dict(SMITH, family_name="Rossi"), {"gender": "female"}, "Gentile signora Rossi,"),
        # A language without its own forms gets the English ones.
        ("pl", SMITH, {"gender": "female"}, "Dear Ms Smith,"),
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
    target = make_target(name="", given_name=None, family_name=None, gender="female")
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
        for language in ("en", "nl", "de", "fr", "es"):
            text = salutation(target, language)
            shouting = [w for w in text.replace(",", " ").split() if w.isupper() and len(w) > 1]
            assert not shouting, (row["last_name"], text)
