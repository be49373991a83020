"""A small, made-up directory for the web tests (example.org addresses, no real people)."""

from __future__ import annotations

from datetime import date

from representatives.tables import (
    Area,
    ContactDetail,
    Membership,
    Organization,
    Person,
    PostcodeArea,
)
from webapp.app_state import app_state

SOURCE = "webapp-tests"
VERIFIED = date(2026, 1, 1)


def _person(pid, name, given, family, gender=None, honorific=None):
    return Person(id=pid, name=name, given_name=given, family_name=family, gender=gender,
                  honorific_prefix=honorific, source=SOURCE)


def _membership(person, org, kind, role, country, language, area=None):
    return Membership(id=f"{person}@{org}", person_id=person, organization_id=org, kind=kind,
                      role=role, country=country, language=language, area_id=area,
                      start_date=date(2024, 1, 1), source=SOURCE,
                      source_url="https://example.org/source", verified_on=VERIFIED)


def _contact(person, kind, value):
    return ContactDetail(person_id=person, kind=kind, value=value, source=SOURCE,
                         source_url="https://example.org/source", verified_on=VERIFIED)


def rows():
    return [
        Organization(id="t:nl-ezk", name="Ministerie van Economische Zaken",
                     classification="ministry", country="NL", source=SOURCE),
        Organization(id="t:ep", name="European Parliament", classification="european_parliament",
                     country="EU", source=SOURCE),
        Organization(id="t:gb-dsit", name="Department for Science, Innovation and Technology",
                     classification="ministry", country="GB", source=SOURCE),
        Organization(id="t:th-mfa", name="Ministry of Foreign Affairs",
                     classification="ministry", country="TH", source=SOURCE),
        Organization(id="t:jp-mofa", name="Ministry of Foreign Affairs",
                     classification="ministry", country="JP", source=SOURCE),
        Organization(id="t:us-senate", name="United States Senate", classification="parliament",
                     country="US", source=SOURCE),
        Organization(id="t:us-house", name="United States House of Representatives",
                     classification="parliament", country="US", source=SOURCE),
        Area(id="US-CA", name="California", country="US", classification="subdivision",
             source=SOURCE),
        Area(id="US-CA-11", name="California 11", country="US", classification="district",
             parent_id="US-CA", source=SOURCE),
        Area(id="US-CA-12", name="California 12", country="US", classification="district",
             parent_id="US-CA", source=SOURCE),
        _person("t:nl-minister", "Anna de Vries", "Anna", "de Vries", gender="female"),
        _person("t:nl-mep", "Pieter JANSEN", "Pieter", "JANSEN", gender="male"),
        _person("t:gb-minister", "Sam Taylor", "Sam", "Taylor"),
        _person("t:gb-delegate", "Alex Morgan", "Alex", "Morgan"),
        _person("t:jp-delegate", "Haruka Sato", "Haruka", "Sato"),
        # Written to in a language the default campaign has no letter in: it gets English.
        _person("t:th-delegate", "Somchai Chaiyaporn", "Somchai", "Chaiyaporn"),
        _person("t:us-senator", "Jordan Lee", "Jordan", "Lee", honorific="Sen."),
        _person("t:us-rep-11", "Casey Kim", "Casey", "Kim"),
        _person("t:us-rep-12", "Robin Diaz", "Robin", "Diaz"),
        _membership("t:nl-minister", "t:nl-ezk", "minister", "Minister van Economische Zaken",
                    "NL", "nl"),
        _membership("t:nl-mep", "t:ep", "mep", "Member of the European Parliament", "NL", "nl"),
        _membership("t:gb-minister", "t:gb-dsit", "minister", "Minister for AI", "GB", "en"),
        _membership("t:gb-delegate", "t:gb-dsit", "summit_delegate", "Summit delegate", "GB",
                    "en"),
        _membership("t:th-delegate", "t:th-mfa", "summit_delegate", "Summit delegate", "TH",
                    "th"),
        _membership("t:jp-delegate", "t:jp-mofa", "summit_delegate", "Summit delegate", "JP",
                    "ja"),
        _membership("t:us-senator", "t:us-senate", "mp", "Senator", "US", "en", area="US-CA"),
        _membership("t:us-rep-11", "t:us-house", "mp", "Representative", "US", "en",
                    area="US-CA-11"),
        _membership("t:us-rep-12", "t:us-house", "mp", "Representative", "US", "en",
                    area="US-CA-12"),
        _contact("t:nl-minister", "email", "minister@ezk.example.org"),
        _contact("t:nl-mep", "email", "pieter.jansen@ep.example.org"),
        _contact("t:gb-minister", "email", "minister@dsit.example.org"),
        _contact("t:jp-delegate", "email", "delegate@mofa.example.org"),
        _contact("t:th-delegate", "email", "delegate@mfa.example.org"),
        _contact("t:us-senator", "contact_form", "https://senator.example.org/contact"),
        _contact("t:us-rep-11", "contact_form", "https://kim.example.org/contact"),
        _contact("t:us-rep-12", "email", "diaz@house.example.org"),
        PostcodeArea(country="US", postcode="94110", area_id="US-CA-12", source=SOURCE),
        PostcodeArea(country="US", postcode="94999", area_id="US-CA-11", source=SOURCE),
        PostcodeArea(country="US", postcode="94999", area_id="US-CA-12", source=SOURCE),
    ]


def load_test_directory(app) -> None:
    """Insert the made-up directory into the app's database."""
    with app_state(app).database.session_factory() as session:
        for row in rows():
            session.add(row)
            session.flush()
        session.commit()
