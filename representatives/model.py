"""The in-memory shapes that matching returns and the rest of the app reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple


class TargetKind(StrEnum):
    SUMMIT_DELEGATE = "summit_delegate"
    MINISTER = "minister"
    HEAD_OF_GOVERNMENT = "head_of_government"  # prime minister, chancellor, president
    MP = "mp"
    MEP = "mep"


class ChannelKind(StrEnum):
    EMAIL = "email"
    CONTACT_FORM = "contact_form"
    POST = "post"
    PHONE = "phone"


# The channels a letter goes through: by e-mail, a contact form, or on paper (a phone is not).
LETTER_CHANNELS = frozenset({ChannelKind.EMAIL, ChannelKind.CONTACT_FORM, ChannelKind.POST})


class GroupKind(StrEnum):
    """How targets are grouped on the page, in this order."""

    GOVERNMENT = "government"  # summit delegation, ministers for AI, head of government
    # The government hosting the next summit, offered to supporters of every other country.
    NEXT_SUMMIT_HOST = "next_summit_host"
    PARLIAMENT = "parliament"  # national members of parliament
    EUROPEAN_PARLIAMENT = "european_parliament"


GROUP_OF_KIND = {
    TargetKind.SUMMIT_DELEGATE: GroupKind.GOVERNMENT,
    TargetKind.MINISTER: GroupKind.GOVERNMENT,
    TargetKind.HEAD_OF_GOVERNMENT: GroupKind.GOVERNMENT,
    TargetKind.MP: GroupKind.PARLIAMENT,
    TargetKind.MEP: GroupKind.EUROPEAN_PARLIAMENT,
}


# Channels, committee seats and targets are named tuples of plain values only (str, int,
# bool, date, None, and a target's channels and seats as one flat tuple each of theirs): as
# exact tuples, `tuple(target)`, a directory keeps them where the cyclic garbage collector,
# which stops tracking a tuple of untracked values, leaves them alone. A full collection (one
# comes with each reload of the directory, in a thread beside the requests) then does not walk
# every target while it holds the interpreter lock. Kinds are kept as their enum's value (an
# enum member is an object the collector tracks) and given back as the enum;
# `Target._make(values)` gives the target back.


class _ChannelFields(NamedTuple):
    kind: str  # a ChannelKind's value
    value: str
    source_url: str | None = None
    verified_on: date | None = None
    # Checked against a stored copy of the source page only, not the live site.
    stored_copy: bool = False


_CHANNEL_KINDS: dict[str, ChannelKind] = {kind.value: kind for kind in ChannelKind}
_CHANNEL_WIDTH = len(_ChannelFields._fields)


class Channel(_ChannelFields):
    __slots__ = ()

    def __new__(cls, kind: ChannelKind | str, value: str, source_url: str | None = None,
                verified_on: date | None = None, stored_copy: bool = False) -> Channel:
        return tuple.__new__(cls, (ChannelKind(kind).value, value, source_url, verified_on,
                                   stored_copy))  # fmt: skip

    @property
    def kind(self) -> ChannelKind:  # type: ignore[override]
        return _CHANNEL_KINDS[self[0]]

    @property
    def usable(self) -> bool:
        """A channel a letter can go through without paper: e-mail, or a contact form."""
        return self[0] in (ChannelKind.EMAIL, ChannelKind.CONTACT_FORM)


# A seat on a committee, from the most to the least weight it carries in the committee.
COMMITTEE_ROLES = ("chair", "vice-chair", "member", "substitute")


class CommitteeSeat(NamedTuple):
    """One committee a member sits on: its code ("ITRE") and the seat ("member")."""

    code: str
    role: str = "member"


_SEAT_WIDTH = len(CommitteeSeat._fields)


class _TargetFields(NamedTuple):
    id: str  # stable across imports, e.g. "mep:197490" or "us:S000033"
    name: str
    kind: str  # a TargetKind's value
    role: str  # e.g. "Member of the European Parliament"
    body: str  # e.g. "European Parliament", "Department for Science, Innovation and Technology"
    country: str  # ISO 3166-1 alpha-2
    language: str  # the language letters to this person are written in (ISO 639-1)
    channels: tuple = ()  # the values of each Channel, one after the other
    given_name: str | None = None
    family_name: str | None = None
    honorific: str | None = None  # as the data gives it: "Dr", "Sen.", "Prof."
    gender: str | None = None  # "female" / "male" only where the data says so
    area: str | None = None  # constituency or district label, e.g. "CA-12"
    party: str | None = None
    # The group in the parliament ("EPP", "Greens/EFA"), across national parties.
    political_group: str | None = None
    committees: tuple = ()  # the values of each CommitteeSeat, one after the other
    # An office whose holder the data does not name: `name` is its title, and letters greet
    # the office ("Dear Minister,") rather than a person.
    by_title: bool = False
    # How strongly the campaign wants them written to: a weight, 1 for everyone by default
    # (representatives.selection).
    priority: int = 1


_TARGET_KINDS: dict[str, TargetKind] = {kind.value: kind for kind in TargetKind}
_KIND, _CHANNELS, _COMMITTEES = (_TargetFields._fields.index(name)
                                 for name in ("kind", "channels", "committees"))  # fmt: skip


def _flat(items: tuple, each: Callable[..., tuple]) -> tuple:
    """Items' values one after the other; a target's own flat tuple (`Target(*target)`) as it
    is."""
    if not items or type(items[0]) is str:
        return items
    return tuple([value for item in items for value in each(*item)])


class Target(_TargetFields):
    """A person a letter can be addressed to, in one role.

    Made with the fields of `_TargetFields`, `kind` a TargetKind, `channels` Channels and
    `committees` CommitteeSeats, and read back as such.
    """

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Target:
        values = list(_TargetFields(*args, **kwargs))  # the names, defaults and count checked
        values[_KIND] = TargetKind(values[_KIND]).value
        values[_CHANNELS] = _flat(tuple(values[_CHANNELS]), Channel)
        values[_COMMITTEES] = _flat(tuple(values[_COMMITTEES]), CommitteeSeat)
        return tuple.__new__(cls, values)

    @property
    def kind(self) -> TargetKind:  # type: ignore[override]
        return _TARGET_KINDS[self[_KIND]]

    @property
    def channels(self) -> tuple[Channel, ...]:  # type: ignore[override]
        flat = self[_CHANNELS]
        return tuple([Channel._make(flat[at:at + _CHANNEL_WIDTH])
                      for at in range(0, len(flat), _CHANNEL_WIDTH)])  # fmt: skip

    @property
    def committees(self) -> tuple[CommitteeSeat, ...]:  # type: ignore[override]
        flat = self[_COMMITTEES]
        return tuple([CommitteeSeat._make(flat[at:at + _SEAT_WIDTH])
                      for at in range(0, len(flat), _SEAT_WIDTH)])  # fmt: skip

    def channel(self, kind: ChannelKind) -> Channel | None:
        # A plain loop: asked several times for each of a submission's letters.
        flat = self[_CHANNELS]
        for at in range(0, len(flat), _CHANNEL_WIDTH):
            if flat[at] == kind:
                return Channel._make(flat[at:at + _CHANNEL_WIDTH])
        return None

    @property
    def email(self) -> str | None:
        found = self.channel(ChannelKind.EMAIL)
        return found.value if found else None

    @property
    def contact_form(self) -> str | None:
        found = self.channel(ChannelKind.CONTACT_FORM)
        return found.value if found else None

    @property
    def committee_codes(self) -> tuple[str, ...]:
        return self[_COMMITTEES][::_SEAT_WIDTH]

    @property
    def group(self) -> GroupKind:
        return GROUP_OF_KIND[self.kind]


@dataclass(frozen=True, slots=True)
class MatchedTarget:
    target: Target
    # Why this person was chosen, as a code the web layer translates ("country", "postcode",
    # "region", "eu_member_state", "next_summit_host") with the area it matched on.
    reason: str
    matched_on: str


@dataclass(frozen=True, slots=True)
class TargetGroup:
    kind: GroupKind
    targets: tuple[MatchedTarget, ...]


@dataclass(frozen=True, slots=True)
class Match:
    country: str
    groups: tuple[TargetGroup, ...]
    # Codes the web layer explains: "no_data" (nothing for this country), "no_government_data",
    # "no_parliament_data", "no_european_parliament_data" (an EU member state without MEP data),
    # "postcode_spans_areas" (every candidate returned, pick yours), "postcode_for_district"
    # (a region gave the region's members; a postcode would also give the district's member),
    # "no_postcode_data" (members elected by constituency are known, but there is no postcode
    # table to tell which is the visitor's, so none is listed until the visitor chooses their
    # area: candidate_areas then holds every area they can choose).
    notes: tuple[str, ...] = ()
    candidate_areas: tuple[str, ...] = field(default=())

    @property
    def targets(self) -> tuple[MatchedTarget, ...]:
        return tuple(t for g in self.groups for t in g.targets)


class MatchError(ValueError):
    """Input that cannot be matched; `code` is translated by the web layer."""

    code = "match_error"


class UnknownCountry(MatchError):
    code = "unknown_country"


class PostcodeRequired(MatchError):
    code = "postcode_required"


class UnknownPostcode(MatchError):
    code = "unknown_postcode"


class UnknownRegion(MatchError):
    code = "unknown_region"


class UnknownArea(MatchError):
    """An area the visitor cannot choose: not one of the country's, nor of their postcode's."""

    code = "unknown_area"
