"""Choosing one's own area: where no postcode table finds it, and where a postcode lies in
several."""

from __future__ import annotations

import pytest

from representatives.directory import Directory
from representatives.model import Target, TargetKind, UnknownArea


def target(id, kind, country, area=None, name=None) -> Target:
    return Target(id=id, name=name or id, kind=kind, role="role", body="body",
                  country=country, language="en", area=area)


def ids(match):
    return [m.target.id for m in match.targets]


MINISTER = target("gov:gb:minister", TargetKind.MINISTER, "GB", name="Ada Minister")
POSTCODES = {"US": {"94110": ["CA-11"], "94111": ["CA-12", "CA-11"]}}
PARENTS = {"US": {"CA-11": "CA", "CA-12": "CA"}}

BATH = target("gb:bath", TargetKind.MP, "GB", "Bath", name="Wera Bath")
YNYS_MON = target("gb:ynys", TargetKind.MP, "GB", "Ynys Môn", name="Llinos Môn")
ABERAVON = target("gb:aberavon", TargetKind.MP, "GB", "aberavon", name="Stephen Aberavon")
ZETLAND = target("gb:zetland", TargetKind.MP, "GB", "Orkney and Shetland", name="Al Isles")
# A region with its own member and districts inside it: the districts are what is chosen.
SCOTLAND = target("gb:msp", TargetKind.MP, "GB", "Scotland", name="Sal Region")
CA_SENATOR = target("us:S1", TargetKind.MP, "US", "CA", name="Sam Senator")
CA_11 = target("us:H11", TargetKind.MP, "US", "CA-11", name="Hal Eleven")
CA_12 = target("us:H12", TargetKind.MP, "US", "CA-12", name="Hank Twelve")


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory(
        [MINISTER, BATH, YNYS_MON, ABERAVON, ZETLAND, SCOTLAND, CA_SENATOR, CA_11, CA_12],
        postcodes=POSTCODES,
        parents={**PARENTS, "GB": {"Orkney and Shetland": "Scotland"}},
        postcode_countries={"US"},
        area_names={"GB": {"aberavon": "Aberavon", "Bath": "Bath"}},
    )


def test_areas_to_choose_from_are_the_innermost_by_name(directory):
    # Sorted by name, accents aside ("Ynys Môn" with the Y's); a label the data names
    # ("aberavon") sorts by its name; Scotland contains a constituency, so is not chosen.
    assert directory.choosable_areas("GB") == ("aberavon", "Bath", "Orkney and Shetland",
                                               "Ynys Môn")
    assert directory.area_name("GB", "aberavon") == "Aberavon"
    assert directory.area_name("GB", "Bath") == "Bath"
    # A postcode finds a US visitor's district: nothing to choose there, nor without MPs.
    assert directory.choosable_areas("US") == ()
    assert directory.choosable_areas("FR") == ()
    assert directory.choosable_areas(" gb ") == directory.choosable_areas("GB")


def test_without_an_area_the_choice_is_offered(directory):
    match = directory.match("GB")
    assert ids(match) == ["gov:gb:minister"]
    assert "no_postcode_data" in match.notes
    assert match.candidate_areas == directory.choosable_areas("GB")


def test_chosen_area_gives_its_member_and_those_of_areas_containing_it(directory):
    match = directory.match("GB", area="Orkney and Shetland")
    assert ids(match) == ["gov:gb:minister", "gb:zetland", "gb:msp"]
    assert [(m.reason, m.matched_on) for m in match.targets][1:] == [
        ("area", "Orkney and Shetland"), ("area", "Scotland")]
    assert "no_postcode_data" not in match.notes and match.candidate_areas == ()
    assert ids(directory.match("GB", area=" Ynys Môn ")) == ["gov:gb:minister", "gb:ynys"]


@pytest.mark.parametrize("area", ["Nowhere", "bath", "Scotland", "CA-11"])
def test_an_area_not_to_choose_is_refused(directory, area):
    with pytest.raises(UnknownArea) as raised:
        directory.match("GB", area=area)
    assert raised.value.code == "unknown_area"


def test_postcode_across_areas_narrowed_by_the_chosen_one(directory):
    both = directory.match("US", "94111")
    assert both.candidate_areas == ("CA-11", "CA-12")
    chosen = directory.match("US", "94111", area="CA-12")
    assert ids(chosen) == ["us:H12", "us:S1"]
    assert "postcode_spans_areas" not in chosen.notes and chosen.candidate_areas == ()
    with pytest.raises(UnknownArea):
        directory.match("US", "94111", area="NV-1")


def test_area_is_not_looked_at_where_nothing_is_chosen(directory):
    # One area for the postcode: the area field of a form sent again does not get in the way.
    assert ids(directory.match("US", "94110", area="CA-12")) == ["us:H11", "us:S1"]
    assert ids(directory.match("NL", area="anything")) == []
