"""The in-memory shapes that matching returns and the rest of the app reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

# The language of the data's titles and bodies (`Target.role`, `Target.body`).
_TITLE_LANGUAGE = "en"


def base_language(tag: str) -> str:
    """"pt-BR" (or "pt_BR") -> "pt": the language without its region or script."""
    return tag.replace("_", "-").split("-")[0].casefold()


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
# The kinds that make up a country's government group: its summit delegation, its ministers
# for AI and its head of government.
GOVERNMENT_KINDS = frozenset(kind for kind, group in GROUP_OF_KIND.items()
                             if group == GroupKind.GOVERNMENT)


@dataclass(frozen=True, slots=True)
class Channel:
    kind: ChannelKind
    value: str
    source_url: str | None = None
    verified_on: date | None = None
    # Checked against a stored copy of the source page only, not the live site.
    stored_copy: bool = False

    @property
    def usable(self) -> bool:
        """A channel a letter can go through without paper: e-mail, or a contact form."""
        return self.kind in (ChannelKind.EMAIL, ChannelKind.CONTACT_FORM)


# A seat on a committee, from the most to the least weight it carries in the committee.
COMMITTEE_ROLES = ("chair", "vice-chair", "member", "substitute")


@dataclass(frozen=True, slots=True)
class CommitteeSeat:
    """One committee a member sits on: its code ("ITRE") and the seat ("member")."""

    code: str
    role: str = "member"


@dataclass(frozen=True, slots=True)
class Target:
    """A person a letter can be addressed to, in one role."""

    id: str  # stable across imports, e.g. "mep:197490" or "us:S000033"
    name: str
    kind: TargetKind
    role: str  # e.g. "Member of the European Parliament"
    body: str  # e.g. "European Parliament", "Department for Science, Innovation and Technology"
    country: str  # ISO 3166-1 alpha-2
    language: str  # the language letters to this person are written in (ISO 639-1)
    channels: tuple[Channel, ...] = ()
    given_name: str | None = None
    family_name: str | None = None
    honorific: str | None = None  # as the data gives it: "Dr", "Sen.", "Prof."
    gender: str | None = None  # "female" / "male" only where the data says so
    area: str | None = None  # constituency or district label, e.g. "CA-12"
    party: str | None = None
    # The group in the parliament ("EPP", "Greens/EFA"), across national parties.
    political_group: str | None = None
    committees: tuple[CommitteeSeat, ...] = ()
    # An office whose holder the data does not name: `name` is its title, and letters greet
    # the office ("Dear Minister,") rather than a person.
    by_title: bool = False
    # How strongly the campaign wants them written to: a weight, 1 for everyone by default
    # (representatives.selection).
    priority: int = 1
    # The role's title and the body's name in the country's own language, where the data
    # gives them ("Président de la République"); `role` and `body` are in English. Read
    # through role_in / body_in / name_in, which know when they apply.
    local_role: str | None = None
    local_body: str | None = None

    def reads_locally(self, language: str) -> bool:
        """Whether a reader of `language` (a page's, or a letter's) gets the local title and
        body: it is the office's own language ("pt-BR" and "pt" are one), and not English.

        The data gives every title in English, so for an office that writes in English that
        is already its own; its local title is then in another of the country's languages
        (Canada's French, India's Hindi), which the data does not name.
        """
        own = base_language(self.language)
        return own != _TITLE_LANGUAGE and own == base_language(language)

    def role_in(self, language: str) -> str:
        """The role as a reader of `language` sees it: the local title or the English one."""
        return self.local_role if self.local_role and self.reads_locally(language) else self.role

    def body_in(self, language: str) -> str:
        """The body as a reader of `language` sees it: its local name or the English one."""
        return self.local_body if self.local_body and self.reads_locally(language) else self.body

    def name_in(self, language: str) -> str:
        """Whom a letter in `language` is addressed to: a named holder by their name, an office
        addressed by its title by that title in `language`."""
        if self.by_title and self.local_role and self.reads_locally(language):
            return self.local_role
        return self.name

    def channel(self, kind: ChannelKind) -> Channel | None:
        # A plain loop: asked several times for each of a submission's letters.
        for channel in self.channels:
            if channel.kind == kind:
                return channel
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
        return tuple(seat.code for seat in self.committees)

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
