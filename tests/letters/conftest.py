"""Fixtures for the letter domain: the shipped campaigns, a renderer, and target/campaign makers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def write_campaign(root: Path, templates: dict[str, str], slug: str = "test-campaign", **meta):
    """Write a campaign folder with the given template files; return its path."""
    folder = root / slug
    folder.mkdir(parents=True)
    data = {
        "slug": slug,
        "title": {"en": "Test campaign", "nl": "Testcampagne"},
        "intro": {"en": "An introduction."},
        "target_kinds": ["summit_delegate", "minister", "mp", "mep"],
        "summit": {"name": "Test Summit", "city": "Testville", "date": "2030-01-01"},
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
