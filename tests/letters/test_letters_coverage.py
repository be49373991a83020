"""Which targets get the English letter because their language has none: what staff are told."""

from __future__ import annotations

from dataclasses import replace

from letters.coverage import fallback_letter_counts
from letters.coverage import missing_translations as missing_in_reach
from representatives.directory import Directory
from representatives.model import Channel, ChannelKind, TargetKind

from .conftest import CAMPAIGN, make_target


def missing_translations(content, targets):
    """What staff are told, from these targets as a directory groups them."""
    return missing_in_reach(content, Directory(targets).letter_reach())


def test_every_eu_language_is_covered_by_the_default_campaign(campaigns):
    targets = [make_target(id=f"t:{language}", language=language, kind=TargetKind.MEP)
               for language in ("mt", "ga", "et", "bg", "el")]
    assert missing_translations(campaigns[CAMPAIGN], targets) == []


def test_missing_languages_counted_per_language_kind_and_country(campaigns):
    content = campaigns[CAMPAIGN]
    targets = [
        make_target(id="th:1", language="th", country="TH", kind=TargetKind.SUMMIT_DELEGATE),
        make_target(id="th:2", language="th", country="TH", kind=TargetKind.MINISTER),
        make_target(id="mn:1", language="mn", country="MN", kind=TargetKind.MP),
        # Brazilian Portuguese has its own letter, and European Portuguese would do.
        make_target(id="br:1", language="pt-BR", country="BR", kind=TargetKind.MINISTER),
        make_target(id="nl:1", language="nl", country="NL"),
        make_target(id="gb:1", language="en", country="GB"),
    ]
    missing = missing_translations(content, targets)
    assert [(m.language, m.targets, m.countries, m.kinds) for m in missing] == [
        ("th", 2, ("TH",), ("minister", "summit_delegate")),
        ("mn", 1, ("MN",), ("mp",)),
    ]
    counts = fallback_letter_counts(missing, {"th:1": 3, "th:2": 1, "gb:1": 7})
    assert counts == {"th": 4, "mn": 0}


def test_only_targets_in_the_campaign_scope_count(campaigns):
    content = replace(campaigns[CAMPAIGN], countries=("NL",),
                      target_kinds=(TargetKind.MP,))
    targets = [make_target(id="jp:1", language="ja", country="JP"),
               make_target(id="nl:1", language="fy", country="NL", kind=TargetKind.MEP)]
    assert missing_translations(content, targets) == []


def test_a_template_that_leaves_out_a_kind_falls_back_for_that_kind(campaigns):
    content = campaigns[CAMPAIGN]
    dutch = replace(content.templates["nl"], target_kinds=(TargetKind.MP,))
    content = replace(content, templates={**content.templates, "nl": dutch})
    targets = [make_target(id="nl:mp", language="nl", country="NL", kind=TargetKind.MP),
               make_target(id="nl:mep", language="nl", country="NL", kind=TargetKind.MEP)]
    [missing] = missing_translations(content, targets)
    assert (missing.language, missing.target_ids) == ("nl", frozenset({"nl:mep"}))


def test_a_target_no_letter_can_reach_is_not_counted(campaigns):
    phone_only = make_target(id="am:1", language="hy", country="AM",
                             channels=(Channel(ChannelKind.PHONE, "+374 10 527000"),))
    by_post = make_target(id="am:2", language="hy", country="AM",
                          channels=(Channel(ChannelKind.POST, "Government House 1, Yerevan"),))
    assert missing_translations(campaigns[CAMPAIGN], [phone_only]) == []
    assert [m.language for m in missing_translations(campaigns[CAMPAIGN], [by_post])] == ["hy"]


def test_languages_are_counted_whatever_their_case(campaigns):
    # "TH" and "th" are one language: one row, both targets, both countries' kinds.
    targets = [make_target(id="th:1", language="TH", country="TH", kind=TargetKind.MINISTER),
               make_target(id="th:2", language="th", country="TH", kind=TargetKind.MP),
               make_target(id="th:3", language="th", country="MY", kind=TargetKind.MP)]
    [missing] = missing_translations(campaigns[CAMPAIGN], targets)
    assert (missing.language, missing.targets, missing.countries, missing.kinds) == (
        "th", 3, ("MY", "TH"), ("minister", "mp"))
    assert missing.target_ids == {"th:1", "th:2", "th:3"}
