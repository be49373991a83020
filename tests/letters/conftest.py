"""Fixtures for the letter domain: the shipped campaigns, a renderer, and target/campaign makers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from letters.compose import build_letter_message
from letters.rendering import LetterRenderer, Supporter
from letters.templates import load_all_campaigns
from representatives.model import Channel, ChannelKind, Target, TargetKind

CAMPAIGN = "treaty-at-next-summit"


def make_target(**overrides) -> Target:
    """A target with plausible defaults; override any field."""
    values = dict(
        id="test:1",
        name="Jane Smith",
        kind=TargetKind.MP,
        role="Member of Parliament",
        body="House of Commons",
        country="GB",
        language="en",
        channels=(Channel(ChannelKind.EMAIL, "jane.smith@parliament.example"),),
        given_name="Jane",
        family_name="Smith",
    )
    values.update(overrides)
    return Target(**values)


def letter_message(**overrides):
    """`build_letter_message` with plausible values (Zoë Lee to Jane Smith); override any."""
    values = dict(
        campaign_title="A treaty at the next AI summit",
        from_address="letters@campaign.example",
        supporter_name="Zoë Lee",
        supporter_email="zoe@example.net",
        to_address="jane.smith@parliament.example",
        to_name="Jane Smith",
        subject="A treaty",
        body="Dear Jane,\n",
        message_id_domain="campaign.example",
        letter_id=42,
    )
    values.update(overrides)
    return build_letter_message(**values)


def write_campaign(root: Path, templates: dict[str, str], slug: str = "test-campaign", **meta):
    """Write a campaign folder with the given template files; return its path."""
    folder = root / slug
    folder.mkdir(parents=True)
    data = {
        "slug": slug,
        "title": {"en": "Test campaign", "nl": "Testcampagne"},
        "intro": {"en": "An introduction."},
        "target_kinds": ["summit_delegate", "minister", "mp", "mep"],
    }
    data.update(meta)
    (folder / "campaign.json").write_text(json.dumps(data), encoding="utf-8")
    for language, text in templates.items():
        (folder / f"{language}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def campaigns():
    return load_all_campaigns()


@pytest.fixture(scope="session")
def renderer(campaigns):
    return LetterRenderer(campaigns)


@pytest.fixture
def supporter():
    return Supporter(name="Ann Lee", email="ann@example.net", town="Leeds")


# The country whose people a test greets in each salutation language.
COUNTRY = {
    "bg": "BG", "cs": "CZ", "da": "DK", "de": "DE", "el": "GR", "en": "IE", "es": "ES",
    "et": "EE", "fi": "FI", "fr": "FR", "ga": "IE", "hr": "HR", "hu": "HU", "it": "IT",
    "lt": "LT", "lv": "LV", "mt": "MT", "nl": "NL", "pl": "PL", "pt": "PT", "ro": "RO",
    "sk": "SK", "sl": "SI", "sv": "SE",
    # The languages of the summit countries' governments beyond the EU (their own exact forms
    # are tested in their own files, tests/letters/test_letters_<region>.py).
    "ar": "AE", "dv": "MV", "fa": "IR", "hi": "IN", "id": "ID", "is": "IS", "ja": "JP",
    "ko": "KR", "nb": "NO", "pt-br": "BR", "ru": "RU", "sw": "TZ", "tr": "TR", "uk": "UA",
    "uz": "UZ", "zh": "CN",
}


def morgan(language, kind=TargetKind.MP, gender=None, honorific=None, **overrides):
    """Alex Morgan: a name that says nothing about gender, in the language's own country."""
    values = dict(
        name="Alex Morgan", given_name="Alex", family_name="Morgan", country=COUNTRY[language],
        language=language, kind=kind, gender=gender, honorific=honorific,
        role="Minister" if kind == TargetKind.MINISTER else "Member",
    )
    values.update(overrides)
    return make_target(**values)


def series_from_project_file(path: Path | None = None):
    """The summit series of a project data file (default: the shipped default.json)."""
    from datetime import date

    from representatives.importers.project import DEFAULT_DATA
    from representatives.summits import OutcomeDocument, Participation, SummitFacts, SummitSeries

    data = json.loads((path or DEFAULT_DATA).read_text(encoding="utf-8"))

    def day(value):
        return date.fromisoformat(value) if value else None

    summits = [
        SummitFacts(s["id"], s["name"], s.get("city") or "", s["host_country"],
                    day(s.get("start_date")), day(s.get("end_date")), s.get("status", "held"),
                    s.get("year") or day(s["start_date"]).year, s.get("source_url"),
                    tuple(OutcomeDocument(d["title"], d.get("date", ""), d.get("url", ""))
                          for d in s.get("documents") or ()))
        for s in data["summits"]
    ]
    participation = [Participation(p["summit"], country, p.get("document") or "", p["status"],
                                   p.get("source_url"), p.get("note"))
                     for p in data["participation"] for country in p["countries"]]
    return SummitSeries.build(summits, participation)


@pytest.fixture(scope="session")
def summits():
    return series_from_project_file()


def check_summit_sentences(renderer, summits, supporter, language, next_summit, host, ai_act):
    """Geneva under its own name in `language`; the host and EU targets each hear more; and
    without the summit data, neither the year nor the old wording."""
    def letter(**where):
        return renderer.render(CAMPAIGN, morgan(language, **where), supporter,
                               summits=summits).body

    at_home, in_the_eu = letter(kind=TargetKind.MINISTER), letter(kind=TargetKind.MEP,
                                                                   country="DE")
    at_the_host = letter(kind=TargetKind.MINISTER, country="CH")
    assert next_summit in at_home and next_summit in in_the_eu
    assert host in at_the_host and host not in at_home
    assert ai_act in in_the_eu and ai_act not in at_home
    without = renderer.render(CAMPAIGN, morgan(language, TargetKind.MINISTER), supporter).body
    assert "2027" not in without and "10^" not in without and "GPT-4" not in without
