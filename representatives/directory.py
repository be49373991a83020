"""The index that answers "who represents me?": targets in memory, postcodes where they are.

Everything that does not depend on the visitor's input is computed once in the constructor, so
`match` only normalises the input, finds the postcode's areas, looks up precomputed tuples and
wraps them in a `Match`.

Postcodes are not kept here: a country has millions of them and every web process would hold
them all. `match` asks a `PostcodeLookup` for the areas of one postcode: the database table
(`representatives.store.DatabasePostcodes`, one indexed query) or, for tests and small tables,
`MemoryPostcodes`. A table row may name a postcode prefix ("1012*": every postcode starting
1012); the longest match wins, a full postcode over any prefix.

Areas are named by their label within a country, the same string as `Target.area`: "CA" for the
state of California, "CA-12" for its 12th congressional district. `parents` says which area
contains which ("CA-12" is in "CA"), so that a ZIP in CA-12 also finds California's senators.

Some places with their own ISO 3166-1 code are represented through another country
(TERRITORIES): a visitor who picks Puerto Rico gets the US government and Puerto Rico's
Resident Commissioner in the House; one who picks Réunion gets France's representatives.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields
from typing import Any, Protocol

from .countries import EU_MEMBER_STATES, iso_countries, subdivision_codes
from .model import (
    GROUP_OF_KIND,
    LETTER_CHANNELS,
    Channel,
    ChannelKind,
    CommitteeSeat,
    GroupKind,
    Match,
    MatchedTarget,
    PostcodeRequired,
    Target,
    TargetGroup,
    TargetKind,
    UnknownArea,
    UnknownCountry,
    UnknownPostcode,
    UnknownRegion,
)
from .summits import SummitSeries

GROUP_ORDER = (GroupKind.GOVERNMENT, GroupKind.PARLIAMENT, GroupKind.EUROPEAN_PARLIAMENT)
_KIND_RANK = {
    TargetKind.MINISTER: 0,
    TargetKind.SUMMIT_DELEGATE: 1,
    TargetKind.HEAD_OF_GOVERNMENT: 2,
    TargetKind.MP: 3,
    TargetKind.MEP: 4,
}
_US_ZIP = re.compile(r"(\d{5})(?:-?\d{4})?")

# ISO 3166-1 code -> (the country that represents it, its area label there or None). Only places
# whose people are citizens represented in that country's parliament (and, for France, in the
# European Parliament) and whose foreign policy, summits included, is that country's.
TERRITORIES: dict[str, tuple[str, str | None]] = {
    # US territories: each elects a delegate (Puerto Rico a Resident Commissioner) to the House,
    # in an at-large district inside the territory's area ("PR-AL" in "PR").
    "PR": ("US", "PR"),
    "GU": ("US", "GU"),
    "VI": ("US", "VI"),
    "AS": ("US", "AS"),
    "MP": ("US", "MP"),
    # French overseas departments and collectivities: French citizens, French deputies, and
    # France's MEPs (France is one EU-election constituency, overseas included).
    **{code: ("FR", None) for code in "GP MQ GF RE YT PM BL MF WF PF NC".split()},
    "AX": ("FI", None),  # Åland, an autonomous region of Finland inside the EU
    "BQ": ("NL", None),  # Bonaire, Sint Eustatius and Saba: public bodies of the Netherlands
}
_SPACES = re.compile(r"\s+")

AreaKey = tuple[str, str]  # (country, area label)

# How a directory keeps a target: not the Target, but a plain tuple of its values. The cyclic
# garbage collector stops tracking a tuple once all it holds is untracked (strings, numbers,
# dates, None, and such tuples), so a full collection, which a reload in a background thread
# brings while requests wait on the interpreter lock, does not walk every target, channel and
# committee seat of the directory. Hence no enum members (objects the collector tracks: kinds
# are kept as their value) and no nesting beyond a tuple inside the target's (a tuple is
# untracked one collection after what it holds): a target's channels, and its committee seats,
# are each one flat tuple of their values, one after the other.
PackedTarget = tuple  # the values of a Target's fields, in their order, as `pack` gives them

_TARGET_FIELDS = tuple(f.name for f in fields(Target))
_ID, _NAME, _KIND, _COUNTRY, _LANGUAGE, _FAMILY_NAME, _AREA, _CHANNELS, _COMMITTEES = (
    _TARGET_FIELDS.index(name)
    for name in ("id", "name", "kind", "country", "language", "family_name", "area", "channels",
                 "committees")
)
_CHANNEL_WIDTH = len(fields(Channel))
_SEAT_WIDTH = len(fields(CommitteeSeat))
_TARGET_KINDS = {kind.value: kind for kind in TargetKind}
_CHANNEL_KINDS = {kind.value: kind for kind in ChannelKind}
_USABLE_CHANNELS = frozenset(kind for kind in ChannelKind if Channel(kind, "").usable)


def pack(target: Target) -> PackedTarget:
    """The target as a directory keeps it (see PackedTarget); `unpack` gives it back."""
    values = [getattr(target, name) for name in _TARGET_FIELDS]
    values[_KIND] = target.kind.value
    values[_CHANNELS] = tuple([
        value
        for c in target.channels
        for value in (c.kind.value, c.value, c.source_url, c.verified_on, c.stored_copy)
    ])  # fmt: skip
    values[_COMMITTEES] = tuple([value for seat in target.committees
                                 for value in (seat.code, seat.role)])  # fmt: skip
    return tuple(values)


def unpack(values: PackedTarget) -> Target:
    """The Target that `pack` gave `values` for (an equal one, made anew)."""
    fields_ = list(values)
    fields_[_KIND] = _TARGET_KINDS[values[_KIND]]
    flat = values[_CHANNELS]
    fields_[_CHANNELS] = tuple([
        Channel(_CHANNEL_KINDS[flat[at]], *flat[at + 1:at + _CHANNEL_WIDTH])
        for at in range(0, len(flat), _CHANNEL_WIDTH)
    ])  # fmt: skip
    flat = values[_COMMITTEES]
    fields_[_COMMITTEES] = tuple([CommitteeSeat(*flat[at:at + _SEAT_WIDTH])
                                  for at in range(0, len(flat), _SEAT_WIDTH)])  # fmt: skip
    return Target(*fields_)
# Ends a postcode table's key that stands for every postcode starting with what comes before it.
PREFIX_MARK = "*"


def normalise_postcode(country: str, postcode: str) -> str:
    """The form postcodes are stored in: no spaces, upper case; US ZIP+4 cut to the 5-digit ZIP."""
    code = _SPACES.sub("", postcode).upper()
    if country == "US":
        found = _US_ZIP.fullmatch(code)
        if found:
            return found.group(1)
    return code


def postcode_keys(code: str) -> tuple[str, ...]:
    """The table keys a normalised postcode may be found under, most specific first.

    The postcode itself, then its prefixes from the longest ("1012AB*" ... "1*"). A visitor's
    input holding the prefix mark matches nothing: "10*" is not a postcode.
    """
    if not code or PREFIX_MARK in code:
        return ()
    return (code, *(code[:n] + PREFIX_MARK for n in range(len(code), 0, -1)))


def most_specific(keys: tuple[str, ...], found: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The areas of the first of `keys` (most specific first) among `found` (key, area) rows."""
    by_key: dict[str, set[str]] = {}
    for key, area in found:
        by_key.setdefault(key, set()).add(area)
    for key in keys:
        if key in by_key:
            return tuple(sorted(by_key[key]))
    return ()


class PostcodeLookup(Protocol):
    """Where matching finds the areas a postcode lies in."""

    def areas(self, country: str, code: str) -> tuple[str, ...]:
        """Labels of the areas of normalised postcode `code` in `country`, sorted; () if none."""
        ...


class MemoryPostcodes:
    """A postcode table held in memory: `table[country][postcode or prefix*]` is area labels."""

    __slots__ = ("_table",)

    def __init__(self, table: Mapping[str, Mapping[str, Iterable[str]]]) -> None:
        self._table = {
            country: {code: tuple(sorted(set(areas))) for code, areas in codes.items()}
            for country, codes in table.items()
        }

    def areas(self, country: str, code: str) -> tuple[str, ...]:
        codes = self._table.get(country, {})
        for key in postcode_keys(code):
            if key in codes:
                return codes[key]
        return ()


class Directory:
    """Immutable index of targets by country and area; postcodes come from a `PostcodeLookup`.

    Held by every web process for as long as the data does not change, so it keeps each target
    once, packed (see PackedTarget), and tables by area list targets by their rank: tuples of
    plain values and of numbers, which the cyclic garbage collector does not track. A Target
    is unpacked as a match, `get` or `targets` asks for it.
    """

    __slots__ = (
        "_area_names",
        "_area_only",
        "_choosable",
        "_parents",
        "_countries",
        "_national",
        "_territory_hits",
        "_postcodes",
        "_postcode_hits",
        "_rank",
        "_targets",
        "_region_hits",
        "_region_single_district",
        "_regions",
        "_postcode_countries",
        "_next_host",
        "_next_host_group",
        "summits",
        "__weakref__",  # so that caches can hold a directory weakly
    )

    def __init__(
        self,
        targets: Iterable[Target | PackedTarget],
        *,
        postcodes: Mapping[str, Mapping[str, Iterable[str]]] | PostcodeLookup | None = None,
        parents: Mapping[str, Mapping[str, str]] | None = None,
        postcode_countries: Iterable[str] | None = None,
        next_summit_host: str | None = None,
        summits: SummitSeries | None = None,
        area_names: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Index `targets` (Targets, or as `pack` gives them); `parents[country][area]` is the
        label of the area containing it.

        `postcodes` finds a postcode's areas: a `PostcodeLookup`, or a table
        `postcodes[country][postcode]` of area labels kept in memory.

        `postcode_countries` are the countries whose parliament is elected by constituency in the
        data, so that matching them needs a postcode or a region. By default: every country with
        a member of parliament tied to an area. Members of parliament tied to an area in any
        other country cannot be told apart without postcodes; matching that country says so
        ("no_postcode_data"), and the visitor chooses their area from the country's
        (`choosable_areas`), named by `area_names[country][label]` where the data names them.
        """
        if postcodes is None or isinstance(postcodes, Mapping):
            postcodes = MemoryPostcodes(postcodes or {})
        self._postcodes: PostcodeLookup = postcodes
        # Which area contains which, as the data says: a dict entry per area, where a chain per
        # area (the area and all those containing it) would keep a tuple and its key each.
        self._parents: dict[str, dict[str, str]] = {
            country: dict(links) for country, links in (parents or {}).items() if links
        }
        parents = self._parents
        national: dict[str, dict[GroupKind, list[MatchedTarget]]] = defaultdict(
            lambda: defaultdict(list)
        )
        # Packed targets only, even while the directory is built: a list of every Target, kept
        # meanwhile, would have the collections that come in the while walk them all.
        in_area: dict[AreaKey, list[PackedTarget]] = defaultdict(list)
        by_country: dict[str, list[PackedTarget]] = defaultdict(list)
        for item in targets:
            values = pack(item) if isinstance(item, Target) else item
            country, area = values[_COUNTRY], values[_AREA]
            by_country[country].append(values)
            if values[_KIND] == TargetKind.MEP or area is None:
                # Matched on the country: few, kept as Targets. An MEP answers to the whole
                # member state, whatever their constituency.
                target = unpack(values)
                reason = "eu_member_state" if target.kind is TargetKind.MEP else "country"
                national[country][target.group].append(MatchedTarget(target, reason, country))
            else:
                in_area[(country, area)].append(values)

        if postcode_countries is None:
            postcode_countries = {
                country
                for country, of_country in by_country.items()
                if any(t[_KIND] == TargetKind.MP and t[_AREA] is not None for t in of_country)
            }
        self._postcode_countries = frozenset(postcode_countries)
        self._area_only = frozenset(country for country, _ in in_area) - self._postcode_countries
        self._countries = frozenset(by_country)

        children: dict[AreaKey, set[str]] = defaultdict(set)
        for country, links in parents.items():
            for child, parent in links.items():
                children[(country, parent)].add(child)
        # Every area a postcode's areas can reach: where targets are, and the areas the data
        # nests. A postcode's area known to neither has no one in it, nor above it.
        known_areas = set(in_area) | {
            (country, area)
            for country, links in parents.items()
            for pair in links.items()
            for area in pair
        }
        chains = {key: self._chain(*key) for key in known_areas}
        del known_areas

        # Most specific first within a kind: the district's member before the state's senators.
        # The targets are kept in that order, and a target's rank (its place in it) is how it is
        # found by id too: one table rather than a sort key per target, which would keep a
        # tuple and two strings each. Sorted country by country (a match is about one
        # country), so that only one country's keys are made at a time.
        def sort_key(t: PackedTarget) -> tuple:
            area = t[_AREA]
            depth = len(chains.get((t[_COUNTRY], area), ())) if area else 0
            return (
                _KIND_RANK[t[_KIND]],
                -depth,
                area or "",
                (t[_FAMILY_NAME] or t[_NAME]).casefold(),
                t[_NAME].casefold(),
                t[_ID],
            )

        ordered = [
            t for of_country in by_country.values() for t in sorted(of_country, key=sort_key)
        ]
        self._targets: tuple[PackedTarget, ...] = tuple(ordered)
        self._rank = {values[_ID]: rank for rank, values in enumerate(ordered)}
        del by_country
        if len(self._rank) < len(ordered):
            counts = Counter(values[_ID] for values in ordered)
            raise ValueError(f"duplicate target id {max(counts, key=counts.__getitem__)!r}")

        self._national: dict[str, dict[GroupKind, tuple[MatchedTarget, ...]]] = {
            country: {group: self._sorted(items) for group, items in groups.items()}
            for country, groups in national.items()
        }
        # The summit series (what each country signed; the next summit) and the government
        # hosting the next summit, for supporters of every other country.
        self.summits = summits or SummitSeries()
        if next_summit_host is None and self.summits.next is not None:
            next_summit_host = self.summits.next.host_country
        self._next_host = next_summit_host
        host_government = self._national.get(next_summit_host or "", {}).get(
            GroupKind.GOVERNMENT, ()
        )
        self._next_host_group = tuple(
            MatchedTarget(m.target, "next_summit_host", m.target.country) for m in host_government
        )

        rank = self._rank

        def members(country: str, areas: Iterable[str]) -> tuple[int, ...]:
            return _ranked(rank[values[_ID]] for area in areas
                           for values in in_area.get((country, area), ()))  # fmt: skip

        # Ranks, not MatchedTargets: a match makes the few it returns, rather than the
        # directory holding one for every member of every district.
        # Tables by country, then by area label: no (country, area) tuple kept for every area.
        self._postcode_hits: dict[str, dict[str, tuple[int, ...]]] = {}
        for (country, area), chain in chains.items():
            if found := members(country, chain):
                self._postcode_hits.setdefault(country, {})[area] = found

        # What a visitor of a country without postcodes chooses from: the innermost areas with
        # members (a district, not the state that contains it: the district brings the
        # state's members too), by name.
        area_names = area_names or {}
        self._area_names: dict[str, dict[str, str]] = {}
        choosable: dict[str, list[str]] = defaultdict(list)
        for country, area in in_area:
            name = area_names.get(country, {}).get(area)
            if name and name != area:
                self._area_names.setdefault(country, {})[area] = name
            inner = children.get((country, area), set())
            if country in self._area_only and not any((country, a) in in_area for a in inner):
                choosable[country].append(area)
        self._choosable: dict[str, tuple[str, ...]] = {}
        for country, areas in choosable.items():
            names = {area: self.area_name(country, area) for area in areas}
            self._choosable[country] = tuple(sorted(areas, key=lambda a: _sort_key(names[a])))

        # A region is an ISO 3166-2 subdivision or any area that contains others in the data.
        self._regions: dict[str, frozenset[str]] = {}
        self._region_hits: dict[AreaKey, tuple[int, ...]] = {}
        self._region_single_district: set[AreaKey] = set()
        for country in self._postcode_countries:
            prefix = f"{country}-"
            labels = {code.removeprefix(prefix) for code in subdivision_codes(country)}
            labels |= {parent for (c, parent) in children if c == country}
            self._regions[country] = frozenset(labels)
            for label in labels:
                areas = [label]
                below = children.get((country, label), set())
                # Where the region has a single district (Alaska, Wyoming), the region alone
                # fully determines the district, so its member comes too.
                if len(below) == 1:
                    areas.extend(below)
                    self._region_single_district.add((country, label))
                self._region_hits[(country, label)] = members(country, areas)

        # A territory with its own seat (a US delegate) is matched on its area, with or without
        # postcode data for the country it belongs to.
        self._territory_hits: dict[str, tuple[int, ...]] = {}
        for code, (country, territory) in TERRITORIES.items():
            if territory is not None:
                inside = {territory} | children.get((country, territory), set())
                inside |= {
                    a for (c, a) in in_area if c == country and a.startswith(f"{territory}-")
                }
                self._territory_hits[code] = members(country, sorted(inside))

    def area_name(self, country: str, area: str) -> str:
        """An area's name as the data gives it; its label where the data names it no other way."""
        return self._area_names.get(country, {}).get(area, area)

    def choosable_areas(self, country: str) -> tuple[str, ...]:
        """Labels of the areas a visitor of `country` chooses from, by name; () where a
        postcode finds the visitor's area (or the country has no members by area)."""
        country = (country or "").strip().upper()
        return self._choosable.get(TERRITORIES.get(country, (country, None))[0], ())

    def _at(self, ranks: Iterable[int]) -> tuple[Target, ...]:
        """The targets of these ranks."""
        targets = self._targets
        return tuple([unpack(targets[rank]) for rank in ranks])

    def _sorted(self, items: Iterable[MatchedTarget]) -> tuple[MatchedTarget, ...]:
        seen: dict[str, MatchedTarget] = {}
        for item in items:
            seen.setdefault(item.target.id, item)
        rank = self._rank
        return tuple(sorted(seen.values(), key=lambda m: rank[m.target.id]))

    def _postcode_matches(self, country: str, areas: tuple[str, ...]) -> tuple[MatchedTarget, ...]:
        """The members of the postcode's areas and of the areas containing them."""
        hits = self._postcode_hits.get(country, {})
        if len(areas) == 1:
            return _matched(self._at(hits.get(areas[0], ())), "postcode")
        found = _ranked(rank for area in areas for rank in hits.get(area, ()))
        return _matched(self._at(found), "postcode")

    def __len__(self) -> int:
        """How many targets."""
        return len(self._targets)

    def countries(self) -> frozenset[str]:
        """Countries with at least one target (territories matched through another are not)."""
        return self._countries

    def targets(self) -> Iterator[Target]:
        """Every target, in no particular order: each unpacked as the iteration reaches it,
        so the result is gone once iterated (call again for another pass)."""
        return map(unpack, self._targets)

    def groups_by_country(self, kinds: Iterable[TargetKind]) -> dict[str, dict[GroupKind, bool]]:
        """Per country (territories aside), the groups that have targets of `kinds` a letter can
        reach, each with whether one of them takes e-mail or a contact form (False: post only)."""
        kinds = frozenset(kinds)
        found: dict[str, dict[GroupKind, bool]] = defaultdict(dict)
        # On the packed targets: asked once per directory, but by a request, which unpacking
        # every target would keep waiting.
        for values in self._targets:
            kind = _TARGET_KINDS[values[_KIND]]
            if kind not in kinds:
                continue
            channel_kinds = values[_CHANNELS][::_CHANNEL_WIDTH]
            if any(channel in LETTER_CHANNELS for channel in channel_kinds):
                usable = any(channel in _USABLE_CHANNELS for channel in channel_kinds)
                groups = found[values[_COUNTRY]]
                group = GROUP_OF_KIND[kind]
                groups[group] = groups.get(group, False) or usable
        return dict(found)

    def letter_reach(self) -> dict[tuple[str, TargetKind, str], tuple[str, ...]]:
        """The ids of the targets a letter can reach, by the language their letters are written
        in (as the data gives it), their kind and their country: a few entries per country,
        from which each campaign's missing translations are worked out."""
        found: dict[tuple[str, TargetKind, str], list[str]] = defaultdict(list)
        # On the packed targets, as groups_by_country, for the same reason.
        for values in self._targets:
            if any(channel in LETTER_CHANNELS for channel in values[_CHANNELS][::_CHANNEL_WIDTH]):
                key = (values[_LANGUAGE], _TARGET_KINDS[values[_KIND]], values[_COUNTRY])
                found[key].append(values[_ID])
        return {key: tuple(ids) for key, ids in found.items()}

    def country_wide(self, country: str) -> tuple[Target, ...]:
        """The targets matched on the whole of `country` (a territory's own code aside), not
        on an area of it: its government, its MEPs, members of parliament without an area;
        within each group in the order matching lists them."""
        return tuple(m.target for group in self._national.get(country, {}).values() for m in group)

    def get(self, target_id: str) -> Target | None:
        """The target with this id, or None: equal to the one given, made anew each time."""
        rank = self._rank.get(target_id)
        return None if rank is None else unpack(self._targets[rank])

    def packed(self, target_id: str) -> PackedTarget | None:
        """The target with this id as the directory keeps it (see `pack`), or None."""
        rank = self._rank.get(target_id)
        return None if rank is None else self._targets[rank]

    def reused(self, values: PackedTarget, labels: dict[Any, Any]) -> PackedTarget:
        """`values`, a target packed for a directory to replace this one; or, where this one
        holds an equal target, the very tuple it holds: what did not change is then not held
        twice. The area label of a tuple kept goes in `labels` (label -> itself), for the new
        directory's tables of areas to share it too."""
        before = self.packed(values[_ID])
        if before != values:
            return values
        assert before is not None  # equal to a tuple
        if (area := before[_AREA]) is not None:
            labels[area] = area
        return before

    def needs_postcode(self, country: str) -> bool:
        """Whether matching this country needs a postcode (or at least a region)."""
        country = country.strip().upper()
        if country in TERRITORIES:
            country, label = TERRITORIES[country]
            if label is not None:
                return False  # the territory is its own district
        return country in self._postcode_countries

    @property
    def next_summit_host(self) -> str | None:
        """The country hosting the next summit, if the data marks one."""
        return self._next_host

    def next_host_targets(self) -> tuple[MatchedTarget, ...]:
        """The government targets of the next summit's host, as offered to everyone else."""
        return self._next_host_group

    def match(self, country: str, postcode: str | None = None, region: str | None = None,
              *, area: str | None = None, with_next_host: bool = False) -> Match:
        """The targets for a visitor in `country`, narrowed by `postcode` or `region` if needed.

        `area` is the area the visitor chose (a label): one of `choosable_areas` in a country
        without postcodes, or one of the areas a postcode lies in when it lies in several
        (the match's candidate_areas). Any other raises UnknownArea; where neither applies (a
        postcode in one area, a country without members by area) it is not looked at.

        `with_next_host` adds the government of the next summit's host (unless it is the
        visitor's own) as a group of its own, after the visitor's government.
        """
        chosen = (country or "").strip().upper()
        if chosen not in iso_countries():
            raise UnknownCountry(chosen)
        postcode = (postcode or "").strip() or None
        region = (region or "").strip() or None
        area = (area or "").strip() or None
        # Where the visitor's representatives sit: their own country's, or for a territory the
        # country it belongs to.
        country, territory_label = TERRITORIES.get(chosen, (chosen, None))
        national = self._national.get(country, {})
        notes: list[str] = []
        candidate_areas: tuple[str, ...] = ()
        local: tuple[MatchedTarget, ...] = ()

        # Postcode and region only matter where representatives are elected by area; elsewhere
        # a form that always sends them must still work.
        if territory_label is not None:
            local = _matched(self._at(self._territory_hits.get(chosen, ())), "region")
        elif country in self._postcode_countries:
            if postcode is not None:
                areas = self._postcodes.areas(country, normalise_postcode(country, postcode))
                if not areas:
                    raise UnknownPostcode(postcode)
                if region is not None and len(areas) > 1:
                    # A ZIP across a state line: the visitor's state tells which side they are on.
                    label = self._region_label(country, region)
                    narrowed = tuple(a for a in areas if self._within(country, a, label))
                    areas = narrowed or areas
                if area is not None and len(areas) > 1:
                    if area not in areas:
                        raise UnknownArea(area)
                    areas = (area,)
                if len(areas) > 1:
                    notes.append("postcode_spans_areas")
                    candidate_areas = areas
                local = self._postcode_matches(country, areas)
            elif region is not None:
                label = self._region_label(country, region)
                local = _matched(self._at(self._region_hits.get((country, label), ())), "region")
                if (country, label) not in self._region_single_district:
                    notes.append("postcode_for_district")
            else:
                raise PostcodeRequired(country)
        elif area is not None and country in self._area_only:
            if area not in self._choosable.get(country, ()):
                raise UnknownArea(area)
            local = _matched(self._at(self._postcode_hits.get(country, {}).get(area, ())), "area")

        groups = []
        for kind in GROUP_ORDER:
            members = national.get(kind, ())
            extra = tuple(m for m in local if m.target.group is kind)
            if extra:
                members = self._sorted(members + extra) if members else extra
            if members:
                groups.append(TargetGroup(kind, members))

        present = {g.kind for g in groups}
        unmatched = country in self._area_only and territory_label is None and not local
        if not groups and not unmatched:
            notes.insert(0, "no_data")
        else:
            if GroupKind.GOVERNMENT not in present:
                notes.append("no_government_data")
            if GroupKind.PARLIAMENT not in present:
                notes.append("no_parliament_data")
            if country in EU_MEMBER_STATES and GroupKind.EUROPEAN_PARLIAMENT not in present:
                notes.append("no_european_parliament_data")
        if unmatched:
            # Members elected by constituency are in the data, but without postcodes there is
            # no telling which one is the visitor's.
            notes.append("no_postcode_data")
            candidate_areas = self._choosable.get(country, ())
        if with_next_host and self._next_host_group and self._next_host != country:
            at = 1 if groups and groups[0].kind is GroupKind.GOVERNMENT else 0
            groups.insert(at, TargetGroup(GroupKind.NEXT_SUMMIT_HOST, self._next_host_group))
        return Match(
            country=chosen,
            groups=tuple(groups),
            notes=tuple(notes),
            candidate_areas=candidate_areas,
        )

    def _region_label(self, country: str, region: str) -> str:
        """Normalise "US-CA", "us-ca" or "CA" to "CA"; UnknownRegion if not one of the country's."""
        code = _SPACES.sub("", region).upper()
        if "-" in code:
            prefix, _, label = code.partition("-")
            if prefix != country:
                raise UnknownRegion(region)
        else:
            label = code
        if label not in self._regions.get(country, ()):
            raise UnknownRegion(region)
        return label

    def _chain(self, country: str, area: str) -> tuple[str, ...]:
        """The area and the areas containing it, innermost first (bounded against cycles)."""
        links = self._parents.get(country, {})
        found = [area]
        while len(found) < 10 and (up := links.get(found[-1])) is not None:
            found.append(up)
        return tuple(found)

    def _within(self, country: str, area: str, region: str) -> bool:
        return region in self._chain(country, area)


def _sort_key(name: str) -> tuple[str, str]:
    """How area names are listed: "Ynys Môn" with the Y's, accents aside, as people look for
    them; the name itself breaks ties."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold(), name


def _ranked(ranks: Iterable[int]) -> tuple[int, ...]:
    """Each rank once, in the order matching lists the targets."""
    return tuple(sorted(set(ranks)))


def _matched(targets: Iterable[Target], reason: str) -> tuple[MatchedTarget, ...]:
    """Area members as matched: each on its own area, where it was found."""
    return tuple(MatchedTarget(t, reason, t.area or t.country) for t in targets)
