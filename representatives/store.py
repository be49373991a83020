"""Between the tables and the `Directory`: build it, find postcodes, tell when to rebuild it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, cast, overload

from sqlalchemy import Select, Table, and_, bindparam, case, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from .committees import seats_from_rows
from .directory import (
    Directory,
    PackedTarget,
    PostcodeLookup,
    most_specific,
    pack,
    postcode_keys,
)
from .model import Channel, ChannelKind, CommitteeSeat, Target, TargetKind
from .summits import OutcomeDocument, Participation, SummitFacts, SummitSeries
from .tables import (
    Area,
    ContactDetail,
    ImportRun,
    Membership,
    Organization,
    Person,
    PostcodeArea,
    Summit,
    SummitParticipation,
    text_limit,
)

# Within a target, the channel a letter should use first comes first.
_CHANNEL_ORDER = {kind: rank for rank, kind in enumerate(ChannelKind)}


@overload
def _label(area_id: str, country: str) -> str: ...
@overload
def _label(area_id: str | None, country: str) -> str | None: ...
def _label(area_id: str | None, country: str) -> str | None:
    """'US-CA-12' -> 'CA-12': areas are named within their country in targets and matching."""
    if area_id is None:
        return None
    return area_id.removeprefix(f"{country}-")


# Rows are read in batches: the directory is rebuilt in a background thread of a web process,
# and converting one batch holds the interpreter lock for a short while only; a whole result
# at once would also be held twice, as rows and as targets.
_BATCH = 2000


def load_targets(session: Session, shared: dict[Any, Any] | None = None) -> list[Target]:
    """Every current role of every person still in office, with their usable channels.

    Equal values (roles, bodies, parties, area labels, dates...) come as one object, that of
    `shared` where it holds one: a caller that keeps other data beside the targets (area
    names, the areas' parents) passes the same `shared` to have their labels the same objects.
    """
    return list(_read_targets(session, shared))


def _read_targets(session: Session, shared: dict[Any, Any] | None) -> Iterator[Target]:
    """`load_targets`, one target at a time: for a caller that keeps them otherwise."""
    # One row per role and channel, ordered so that a person's rows come together and their
    # channels in the order a letter should use them: no per-person table to build first.
    channel_rank = case({kind.value: rank for kind, rank in _CHANNEL_ORDER.items()},
                        value=ContactDetail.kind)  # fmt: skip
    rows = (
        select(
            Membership.id.label("membership_id"),
            Membership.kind,
            Membership.role,
            Membership.local_role,
            Membership.country,
            Membership.area_id,
            Membership.language,
            Membership.party,
            Membership.political_group,
            Membership.committees,
            Membership.priority,
            Organization.name.label("body"),
            Organization.local_name.label("local_body"),
            Person.id.label("person_id"),
            Person.name,
            Person.given_name,
            Person.family_name,
            Person.honorific_prefix,
            Person.gender,
            Person.by_title,
            ContactDetail.kind.label("channel"),
            ContactDetail.value,
            ContactDetail.source_url,
            ContactDetail.verified_on,
            ContactDetail.stored_copy,
        )
        .join(Person, Membership.person_id == Person.id)
        .join(Organization, Membership.organization_id == Organization.id)
        .outerjoin(ContactDetail, and_(
            ContactDetail.person_id == Person.id,
            # A bounced address would only bounce again; staff see it in the data instead.
            ContactDetail.bounced_at.is_(None),
            ContactDetail.retired_at.is_(None),
        ))  # fmt: skip
        .where(Membership.end_date.is_(None), Person.retired_at.is_(None))
        .order_by(Person.id, Membership.id, channel_rank, ContactDetail.id)
    )
    # Equal values (roles, bodies, parties, dates...) as one object: each row brings its own
    # copy, and kept for every target, the copies of "Member of Parliament" alone would
    # outweigh the directory's indexes.
    if shared is None:
        shared = {}
    share = shared.setdefault

    def targets_of(person: list[Any]) -> Iterator[Target]:
        roles = {row.membership_id: row for row in person}  # in order, one row per role
        first = person[0].membership_id
        channels = tuple(
            Channel(ChannelKind(row.channel), row.value, share(row.source_url, row.source_url),
                    share(row.verified_on, row.verified_on), row.stored_copy)
            for row in person if row.membership_id == first and row.channel is not None
        )  # fmt: skip
        if not channels:
            return  # no way to reach them, not even by post: offering them is a dead end
        for row in roles.values():
            country = share(row.country, row.country)
            area = _label(row.area_id, country)
            yield Target(
                # A person with one role is their own target ("mep:197490"); someone holding
                # two roles at once is one target per role, named by the membership.
                id=row.person_id if len(roles) == 1 else row.membership_id,
                name=row.name,
                kind=TargetKind(row.kind),
                role=share(row.role, row.role),
                body=share(row.body, row.body),
                country=country,
                language=share(row.language, row.language),
                channels=channels,
                given_name=share(row.given_name, row.given_name),
                family_name=share(row.family_name, row.family_name),
                honorific=share(row.honorific_prefix, row.honorific_prefix),
                gender=share(row.gender, row.gender),
                area=share(area, area),
                party=share(row.party, row.party),
                political_group=share(row.political_group, row.political_group),
                committees=_seats(row.committees, share),
                by_title=row.by_title,
                priority=1 if row.priority is None else row.priority,
                local_role=share(row.local_role, row.local_role),
                local_body=share(row.local_body, row.local_body),
            )  # fmt: skip

    person: list[Any] = []
    for row in session.execute(rows.execution_options(yield_per=_BATCH)):
        if person and person[0].person_id != row.person_id:
            yield from targets_of(person)
            person = []
        person.append(row)
    if person:
        yield from targets_of(person)


def _seats(rows: object, share: Callable[[Any, Any], Any]) -> tuple[CommitteeSeat, ...]:
    """A membership's committees as seats, each distinct seat and list held once."""
    seats = tuple(share(seat, seat) for seat in seats_from_rows(rows))
    return share(seats, seats)


# A key longer than the column cannot be in the table: what a lookup asks for is the postcode
# and its prefixes with the mark ("1*" ... "123456789012345*"), as many as the column is long.
_POSTCODE_LENGTH = text_limit(PostcodeArea.postcode) or 16
_KEYS = tuple(f"key{n}" for n in range(_POSTCODE_LENGTH))
_POSTCODE_TABLE = cast(Table, PostcodeArea.__table__)  # a table, to select rows from


class DatabasePostcodes:
    """The postcode table where it lies, `rep_postcode_area`: one indexed SELECT per lookup."""

    __slots__ = ("_session",)

    # The postcode and its prefixes in one query, on the table's primary key (country,
    # postcode, area_id). One SQL text for every lookup, however long the postcode (the keys
    # padded with the first): compiled once, prepared once by the driver, with no expanding
    # IN to render each time. Rows of the table, not entities: nothing for the ORM to load.
    _QUERY: Select[str, str] = select(
        _POSTCODE_TABLE.c.postcode, _POSTCODE_TABLE.c.area_id
    ).where(
        _POSTCODE_TABLE.c.country == bindparam("country"),
        _POSTCODE_TABLE.c.postcode.in_([bindparam(key) for key in _KEYS]),
    )

    def __init__(self, session: Callable[[], AbstractContextManager[Session]]) -> None:
        """`session()` gives, as a context manager, the session each lookup reads with."""
        self._session = session

    @classmethod
    def within(cls, session: Session) -> DatabasePostcodes:
        """Lookups in `session`: for one thread that keeps it open (a command, a test)."""
        return cls(lambda: nullcontext(session))

    @classmethod
    def each_in_own_session(cls, session_factory: sessionmaker) -> DatabasePostcodes:
        """Lookups each in a short session of their own: safe from any thread."""

        @contextmanager
        def own():
            with session_factory() as session:
                yield session

        return cls(own)

    def areas(self, country: str, code: str) -> tuple[str, ...]:
        keys = tuple(key for key in postcode_keys(code) if len(key) <= _POSTCODE_LENGTH)
        if not keys:
            return ()
        params = dict(zip(_KEYS, keys + (keys[0],) * (len(_KEYS) - len(keys)), strict=True))
        params["country"] = country
        with self._session() as session:
            rows = session.execute(self._QUERY, params).all()
        prefix = f"{country}-"
        return most_specific(keys, ((key, area.removeprefix(prefix)) for key, area in rows))


def countries_with_postcodes(session: Session, countries: Iterable[str]) -> set[str]:
    """Which of `countries` have rows in the postcode table: one probe of its index each.

    Not a DISTINCT over the table, which would read every one of its millions of rows.
    """
    return {
        country
        for country in sorted(set(countries))
        if session.scalar(select(exists().where(PostcodeArea.country == country)))
    }


def load_directory(
    session: Session,
    postcodes: PostcodeLookup | None = None,
    previous: Directory | None = None,
) -> Directory:
    """Build the matching index from the tables (current memberships of people in office).

    Postcodes stay in the database and are read by `postcodes` as visitors give them; by
    default in `session`, for a caller that keeps it open while it matches (a command, a test).
    `previous` is the directory this one replaces: what did not change is kept from it.
    """
    # An area's label as one string, in its targets and in the tables below: kept for as long
    # as the directory is, once per area rather than once per place it appears.
    shared: dict[Any, Any] = {}
    share = shared.setdefault
    # Packed as they are read (see representatives.directory.PackedTarget): a list of every
    # Target, kept until the directory is built, would have the garbage collections that come
    # meanwhile walk them all.
    targets: list[PackedTarget] = []
    by_area: set[str] = set()  # countries with members of parliament by area
    for target in _read_targets(session, shared):
        if target.kind is TargetKind.MP and target.area:
            by_area.add(target.country)
        values = pack(target)
        # A reload after a change keeps the targets that did not change, as the tuples the
        # directory in use holds: they are not held twice while it is replaced, nor spread
        # anew over memory that the one in use keeps from being given back.
        targets.append(values if previous is None else previous.reused(values, shared))
    parents: dict[str, dict[str, str]] = defaultdict(dict)
    for area_id, parent_id, country in session.execute(
        select(Area.id, Area.parent_id, Area.country).where(Area.parent_id.is_not(None))
    ):
        assert parent_id is not None  # by the query's WHERE
        country = share(country, country)
        area, parent = _label(area_id, country), _label(parent_id, country)
        parents[country][share(area, area)] = share(parent, parent)
    # The names visitors choose their area by, where no postcode finds it.
    area_names: dict[str, dict[str, str]] = defaultdict(dict)
    for area_id, name, country in session.execute(select(Area.id, Area.name, Area.country)):
        if name:
            country = share(country, country)
            label = _label(area_id, country)
            area = share(label, label)
            if previous is not None and (before := previous.area_name(country, area)) == name:
                name = before
            area_names[country][area] = name
    del shared
    # A country needs a postcode when its parliament is elected by area in the data and there
    # are postcodes to find the area by. Without them, asking every visitor for a postcode
    # would only fail them all: the country gets its national targets and a note instead.
    postcode_countries = countries_with_postcodes(session, by_area)
    return Directory(
        targets,
        postcodes=DatabasePostcodes.within(session) if postcodes is None else postcodes,
        parents=parents,
        postcode_countries=postcode_countries,
        next_summit_host=next_summit_host(session),
        summits=load_summits(session),
        area_names=area_names,
    )


def load_summits(session: Session) -> SummitSeries:
    """The summit series with every country's participation, in two queries."""
    summits = [
        SummitFacts(
            id=s.id, name=s.name, city=s.city, host_country=s.host_country,
            start_date=s.start_date, end_date=s.end_date, status=s.status, year=s.year,
            source_url=s.source_url,
            documents=tuple(
                OutcomeDocument(str(d.get("title", "")), str(d.get("date") or ""),
                                str(d.get("url") or ""))
                for d in (s.documents or ()) if isinstance(d, dict)
            ),
        )
        for s in session.scalars(select(Summit))
    ]
    participation = [
        Participation(summit_id, country, document, status, source_url, note)
        for summit_id, country, document, status, source_url, note in session.execute(
            select(SummitParticipation.summit_id, SummitParticipation.country,
                   SummitParticipation.document, SummitParticipation.status,
                   SummitParticipation.source_url, SummitParticipation.note)
        )
    ]
    return SummitSeries.build(summits, participation)


def next_summit_host(session: Session) -> str | None:
    """The country hosting the summit marked next, if one is."""
    return session.scalar(select(Summit.host_country).where(Summit.status == "next")
                          .order_by(Summit.year, Summit.id).limit(1))


def directory_version(session: Session) -> str:
    """A short string that changes whenever the data behind the directory changes.

    One query over indexed maxima and small counts: imports are logged in `rep_import_run`,
    and edits outside imports (a bounce, staff retiring someone) move an `updated_at`.
    """
    parts = session.execute(
        select(
            # Only imports that changed something: re-running an unchanged file is no reason
            # for every web process to rebuild its directory.
            select(func.max(ImportRun.id))
            .where(ImportRun.added + ImportRun.updated + ImportRun.retired > 0)
            .scalar_subquery(),
            select(func.max(Person.updated_at)).scalar_subquery(),
            select(func.max(Membership.updated_at)).scalar_subquery(),
            select(func.max(ContactDetail.updated_at)).scalar_subquery(),
            select(func.max(Organization.updated_at)).scalar_subquery(),
            select(func.max(Area.updated_at)).scalar_subquery(),
            select(func.max(Summit.updated_at)).scalar_subquery(),
            select(func.max(SummitParticipation.updated_at)).scalar_subquery(),
            select(func.count()).select_from(SummitParticipation).scalar_subquery(),
            select(func.count()).select_from(Person).scalar_subquery(),
            select(func.count()).select_from(ContactDetail).scalar_subquery(),
        )
    ).one()
    return "|".join("" if p is None else str(p) for p in parts)
