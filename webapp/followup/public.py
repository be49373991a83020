"""What later supporters see of targets' replies and commitments, as staff recorded them. No
Flask here: the pages call these through template globals (followup.views)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ResponseKind, TargetResponse

# Where a letters page lists more targets than this (the MEPs of a large country), the
# query is made in slices of this many ids, as some databases limit a statement's parameters.
IDS_PER_QUERY = 500


@dataclass(frozen=True)
class Standing:
    """What a target's card says: "has committed" or "replied", since when, and the source."""

    kind: str
    on_date: date
    link: str


def _better(new: TargetResponse, old: Standing | None) -> bool:
    """A commitment outranks a reply; within a kind, the later one counts."""
    if old is None:
        return True
    new_rank = new.kind == ResponseKind.COMMITTED
    old_rank = old.kind == ResponseKind.COMMITTED
    return (new_rank, new.on_date) > (old_rank, old.on_date)


def standings(session: Session, target_ids: Iterable[str]) -> dict[str, Standing]:
    """Each target's standing, for those with a recorded reply or commitment."""
    ids = sorted(set(target_ids))
    found: dict[str, Standing] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        for response in session.scalars(select(TargetResponse).where(
                TargetResponse.target_id.in_(ids[start:start + IDS_PER_QUERY]))):
            if _better(response, found.get(response.target_id)):
                found[response.target_id] = Standing(response.kind, response.on_date,
                                                     response.link)
    return found


@dataclass(frozen=True)
class Commitment:
    target_name: str
    target_kind: str
    on_date: date
    link: str


def commitments_in(session: Session, country: str) -> list[Commitment]:
    """Who in `country` has committed, each once (their first commitment), by date."""
    first: dict[str, Commitment] = {}
    for response in session.scalars(
            select(TargetResponse)
            .where(TargetResponse.country == country,
                   TargetResponse.kind == ResponseKind.COMMITTED)
            .order_by(TargetResponse.on_date, TargetResponse.id)):
        first.setdefault(response.target_id, Commitment(
            response.target_name, response.target_kind, response.on_date, response.link))
    return sorted(first.values(), key=lambda c: (c.on_date, c.target_name))
