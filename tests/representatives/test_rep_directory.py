"""Matching on hand-made targets: what a visitor's country, postcode or region gives."""

from __future__ import annotations

import gc
import random
from datetime import date

import pytest

from representatives.directory import Directory, normalise_postcode, pack, unpack
from representatives.model import (
    Channel,
    ChannelKind,
    CommitteeSeat,
    GroupKind,
    PostcodeRequired,
    Target,
    TargetKind,
    UnknownCountry,
    UnknownPostcode,
    UnknownRegion,
)


def target(id, kind, country, area=None, name=None, **extra) -> Target:
    return Target(
        id=id,
        name=name or id,
        kind=kind,
        role="role",
        body="body",
        country=country,
        language="en",
        area=area,
        **extra,
    )


MINISTER = target(
    "gov:gb:minister",
    TargetKind.MINISTER,
    "GB",
    name="Ada Minister",
    channels=(Channel(ChannelKind.EMAIL, "minister@example.org"),),
)
DELEGATE = target("gov:gb:delegate", TargetKind.SUMMIT_DELEGATE, "GB", name="Ben Delegate")
NL_MP = target("nl:mp", TargetKind.MP, "NL", name="Cas Kamerlid")
NL_MEP_B = target("mep:2", TargetKind.MEP, "NL", name="Bea B", family_name="B")
NL_MEP_A = target("mep:1", TargetKind.MEP, "NL", name="Abe A", family_name="A")
FR_MINISTER = target("gov:fr:ministre", TargetKind.MINISTER, "FR")
SENATOR_1 = target("us:S1", TargetKind.MP, "US", "CA", name="Sam Senator", family_name="Senator")
SENATOR_2 = target("us:S2", TargetKind.MP, "US", "CA", name="Sue Other", family_name="Other")
REP_11 = target("us:H11", TargetKind.MP, "US", "CA-11", name="Hal Eleven")
REP_12 = target("us:H12", TargetKind.MP, "US", "CA-12", name="Hank Twelve")
NV_SENATOR = target("us:S3", TargetKind.MP, "US", "NV", name="Nell Nevada")
NV_REP = target("us:H13", TargetKind.MP, "US", "NV-1", name="Ned NV-1")
AK_REP = target("us:H14", TargetKind.MP, "US", "AK-AL", name="Al Alaska")
AK_SENATOR = target("us:S4", TargetKind.MP, "US", "AK", name="Ann Alaska")

POSTCODES = {
    "US": {
        "94110": ["CA-11"],
        "94111": ["CA-12", "CA-11"],
        "89001": ["NV-1", "CA-12"],  # a ZIP across a state line
        "99501": ["AK-AL"],
    }
}
PARENTS = {"US": {"CA-11": "CA", "CA-12": "CA", "NV-1": "NV", "AK-AL": "AK"}}


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory(
        [
            MINISTER,
            DELEGATE,
            NL_MP,
            NL_MEP_B,
            NL_MEP_A,
            FR_MINISTER,
            SENATOR_1,
            SENATOR_2,
            REP_11,
            REP_12,
            NV_SENATOR,
            NV_REP,
            AK_REP,
            AK_SENATOR,
        ],
        postcodes=POSTCODES,
        parents=PARENTS,
        postcode_countries={"US"},
    )


def ids(match, kind=None):
    return [m.target.id for g in match.groups if kind in (None, g.kind) for m in g.targets]


def test_country_alone_gives_government_in_order(directory):
    match = directory.match("GB")
    assert [g.kind for g in match.groups] == [GroupKind.GOVERNMENT]
    # Ministers before summit delegates.
    assert ids(match) == ["gov:gb:minister", "gov:gb:delegate"]
    assert {(m.reason, m.matched_on) for m in match.targets} == {("country", "GB")}
    assert match.notes == ("no_parliament_data",)
    assert match.targets[0].target.email == "minister@example.org"


def test_eu_member_state_gets_its_meps_after_national_mps(directory):
    match = directory.match("nl")
    assert match.country == "NL"
    assert [g.kind for g in match.groups] == [GroupKind.PARLIAMENT, GroupKind.EUROPEAN_PARLIAMENT]
    assert ids(match, GroupKind.PARLIAMENT) == ["nl:mp"]
    assert ids(match, GroupKind.EUROPEAN_PARLIAMENT) == ["mep:1", "mep:2"]  # by family name
    meps = match.groups[1].targets
    assert {(m.reason, m.matched_on) for m in meps} == {("eu_member_state", "NL")}
    assert match.notes == ("no_government_data",)


def test_eu_member_state_without_mep_data_says_so(directory):
    assert directory.match("FR").notes == ("no_parliament_data", "no_european_parliament_data")


def test_valid_country_without_data(directory):
    match = directory.match("BR")
    assert match.groups == ()
    assert match.notes == ("no_data",)


@pytest.mark.parametrize("code", ["XX", "EU", "UK", "", "GBR", "G"])
def test_unknown_country(directory, code):
    with pytest.raises(UnknownCountry) as info:
        directory.match(code)
    assert info.value.code == "unknown_country"


def test_postcode_countries(directory):
    assert directory.needs_postcode("US")
    assert directory.needs_postcode(" us ")
    assert not directory.needs_postcode("GB")
    with pytest.raises(PostcodeRequired):
        directory.match("US")
    with pytest.raises(PostcodeRequired):
        directory.match("US", postcode="  ", region="")


def test_zip_in_one_district_gives_member_and_senators(directory):
    match = directory.match("US", "94110")
    assert ids(match) == ["us:H11", "us:S2", "us:S1"]  # district first, senators by name
    assert [(m.reason, m.matched_on) for m in match.targets] == [
        ("postcode", "CA-11"),
        ("postcode", "CA"),
        ("postcode", "CA"),
    ]
    assert match.candidate_areas == ()
    assert match.notes == ("no_government_data",)


@pytest.mark.parametrize("raw", ["94110-1234", "941101234", " 94 110 ", "94110"])
def test_zip_normalisation(directory, raw):
    assert ids(directory.match("US", raw)) == ["us:H11", "us:S2", "us:S1"]


def test_normalise_postcode():
    assert normalise_postcode("US", "12345-6789") == "12345"
    assert normalise_postcode("GB", "sw1a 1aa") == "SW1A1AA"
    assert normalise_postcode("US", "1234") == "1234"


def test_zip_across_districts_returns_every_candidate(directory):
    match = directory.match("US", "94111")
    assert "postcode_spans_areas" in match.notes
    assert match.candidate_areas == ("CA-11", "CA-12")
    # Both members, and the state's senators only once.
    assert ids(match) == ["us:H11", "us:H12", "us:S2", "us:S1"]


def test_zip_across_a_state_line_narrowed_by_region(directory):
    both = directory.match("US", "89001")
    assert set(ids(both)) == {"us:H13", "us:H12", "us:S3", "us:S1", "us:S2"}
    nevada = directory.match("US", "89001", region="US-NV")
    assert ids(nevada) == ["us:H13", "us:S3"]
    assert "postcode_spans_areas" not in nevada.notes


@pytest.mark.parametrize("bad", ["00000", "ABCDE", "9411"])
def test_unknown_postcode(directory, bad):
    with pytest.raises(UnknownPostcode) as info:
        directory.match("US", bad)
    assert info.value.code == "unknown_postcode"


@pytest.mark.parametrize("region", ["US-CA", "us-ca", "CA", " ca "])
def test_region_gives_the_senators_only(directory, region):
    match = directory.match("US", region=region)
    assert ids(match) == ["us:S2", "us:S1"]
    assert {(m.reason, m.matched_on) for m in match.targets} == {("region", "CA")}
    assert "postcode_for_district" in match.notes


def test_region_with_a_single_district_gives_its_member_too(directory):
    match = directory.match("US", region="AK")
    assert ids(match) == ["us:H14", "us:S4"]
    assert "postcode_for_district" not in match.notes


def test_region_known_to_iso_but_without_members(directory):
    match = directory.match("US", region="US-WY")
    assert match.groups == ()
    assert "no_data" in match.notes


@pytest.mark.parametrize("region", ["FR-75", "ZZ", "US-ZZ", "CA-12"])
def test_unknown_region(directory, region):
    with pytest.raises(UnknownRegion) as info:
        directory.match("US", region=region)
    assert info.value.code == "unknown_region"


def test_postcode_and_region_ignored_where_not_needed(directory):
    assert directory.match("GB", postcode="SW1A 1AA", region="GB-LND") == directory.match("GB")


def test_get_and_countries(directory):
    assert directory.get("us:H11") == REP_11
    assert directory.get("nobody") is None
    assert directory.countries() == frozenset({"GB", "NL", "FR", "US"})


def test_targets_are_kept_where_the_garbage_collector_leaves_them():
    full = target(
        "mep:9", TargetKind.MEP, "NL", "NL-NH", name="Dr Eva Full", given_name="Eva",
        family_name="Full", honorific="Dr", gender="female", party="D66",
        political_group="Renew", by_title=False, priority=3,
        channels=(Channel(ChannelKind.EMAIL, "eva@example.org", "https://example.org",
                          date(2025, 1, 2), stored_copy=True),
                  Channel(ChannelKind.POST, "Rue Wiertz 60")),
        committees=(CommitteeSeat("ITRE", "chair"), CommitteeSeat("LIBE")),
    )  # fmt: skip
    assert unpack(pack(full)) == full
    assert unpack(pack(REP_11)) == REP_11

    directory = Directory([full, REP_11, MINISTER], postcodes=POSTCODES, parents=PARENTS)
    assert directory.get("mep:9") == full
    # Untracked from the collection that finds all they hold untracked, one level at a time.
    gc.collect()
    gc.collect()
    assert not any(gc.is_tracked(directory.packed(t.id)) for t in (full, REP_11, MINISTER))


def test_needs_postcode_defaults_to_countries_with_constituency_mps():
    directory = Directory([SENATOR_1, MINISTER], postcodes=POSTCODES, parents=PARENTS)
    assert directory.needs_postcode("US")
    assert not directory.needs_postcode("GB")


def test_duplicate_target_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        Directory([MINISTER, MINISTER])


def test_match_on_a_national_sized_table_finds_each_zips_members():
    # 40,000 ZIPs over 435 districts in 50 states, a fifth of them spanning two districts.
    # (How fast a lookup is, the benchmark bench/directory_scale.py measures.)
    rng = random.Random(7)
    states = [f"S{n:02d}" for n in range(50)]
    districts = [f"{states[n % 50]}-{n}" for n in range(435)]
    targets = [target(f"h{n}", TargetKind.MP, "US", d) for n, d in enumerate(districts)]
    targets += [
        target(f"s{n}{k}", TargetKind.MP, "US", s) for n, s in enumerate(states) for k in "ab"
    ]
    targets += [target(f"mep{n}", TargetKind.MEP, "DE") for n in range(96)]
    postcodes = {f"{z:05d}": rng.sample(districts, 2 if z % 5 == 0 else 1) for z in range(40_000)}
    directory = Directory(
        targets,
        postcodes={"US": postcodes},
        parents={"US": {d: d.split("-")[0] for d in districts}},
    )
    member_of = {t.area: t.id for t in targets if t.id.startswith("h")}
    senators_of = {s: {f"s{n}a", f"s{n}b"} for n, s in enumerate(states)}
    for _ in range(500):
        zip_code = f"{rng.randrange(40_000):05d}"
        areas = postcodes[zip_code]
        found = {m.target.id for m in directory.match("US", zip_code).targets}
        expected = {member_of[a] for a in areas}.union(
            *(senators_of[a.split("-")[0]] for a in areas))
        assert found == expected, zip_code
    assert len(directory.match("DE").targets) == 96


# --- territories and places without usable data --------------------------------------------

PR_COMMISSIONER = target("us:PR", TargetKind.MP, "US", "PR-AL", name="Pia Rico")
GU_DELEGATE = target("us:GU", TargetKind.MP, "US", "GU-AL", name="Gus Guam")
US_SECRETARY = target("gov:us:secretary", TargetKind.MINISTER, "US", name="Sec Retary")
TERRITORY_PARENTS = {"US": {**PARENTS["US"], "PR-AL": "PR", "GU-AL": "GU"}}


def test_us_territory_gets_its_delegate_and_the_us_government():
    directory = Directory(
        [SENATOR_1, REP_11, PR_COMMISSIONER, GU_DELEGATE, US_SECRETARY],
        postcodes={"US": {**POSTCODES["US"], "00901": ["PR-AL"]}},
        parents=TERRITORY_PARENTS,
        postcode_countries={"US"},
    )
    assert not directory.needs_postcode("PR")
    match = directory.match("pr")
    assert match.country == "PR"  # as the visitor chose it
    assert [(m.target.id, m.reason, m.matched_on) for m in match.targets] == [
        ("gov:us:secretary", "country", "US"),
        ("us:PR", "region", "PR-AL"),
    ]
    assert match.notes == ()
    # A form that always sends a postcode gets the same answer, whatever the postcode.
    assert directory.match("PR", postcode="94110") == match
    assert ids(directory.match("GU")) == ["gov:us:secretary", "us:GU"]
    assert ids(directory.match("VI")) == ["gov:us:secretary"]
    assert directory.match("VI").notes == ("no_parliament_data",)


def test_territory_delegate_without_postcode_data_or_parents():
    directory = Directory([PR_COMMISSIONER, REP_11], postcode_countries=set())
    assert ids(directory.match("PR")) == ["us:PR"]
    assert directory.match("PR").notes == ("no_government_data",)


def test_territory_of_a_country_without_data():
    directory = Directory([MINISTER])
    assert directory.match("GU").notes == ("no_data",)
    assert directory.match("RE").notes == ("no_data",)


def test_french_overseas_department_gets_frances_representatives(directory):
    match = directory.match("RE")
    assert match.country == "RE"
    assert [(m.target.id, m.reason, m.matched_on) for m in match.targets] == [
        ("gov:fr:ministre", "country", "FR")
    ]
    # France is an EU member state: the note is about France's MEPs.
    assert match.notes == ("no_parliament_data", "no_european_parliament_data")
    assert not directory.needs_postcode("RE")


def test_constituency_members_without_postcodes_are_not_guessed():
    nl_district_mp = target("nl:district", TargetKind.MP, "NL", "Utrecht", name="Dirk District")
    directory = Directory([nl_district_mp, NL_MEP_A, NL_MP], postcode_countries=set())
    assert not directory.needs_postcode("NL")
    match = directory.match("NL")
    # The national member and the MEP; not the one whose constituency cannot be known.
    assert ids(match) == ["nl:mp", "mep:1"]
    assert match.notes == ("no_government_data", "no_postcode_data")

    only_districts = Directory([nl_district_mp], postcode_countries=set())
    match = only_districts.match("NL")
    assert match.targets == ()
    # There is data, so not "no_data"; what is missing is said precisely.
    assert match.notes == (
        "no_government_data",
        "no_parliament_data",
        "no_european_parliament_data",
        "no_postcode_data",
    )


def test_notes_for_each_kind_of_gap(directory):
    assert directory.match("BR").notes == ("no_data",)  # nothing at all
    assert directory.match("GB").notes == ("no_parliament_data",)  # government only
    assert "no_european_parliament_data" in directory.match("FR").notes  # EU member, no MEPs
    assert "no_european_parliament_data" not in directory.match("GB").notes
