"""A few letters per supporter, chosen in turn: who is ticked in a long list, and fairly."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
from sqlalchemy import update

from representatives.model import Channel, ChannelKind, Target, TargetKind
from representatives.selection import Rotation, choose_in_turn
from representatives.tables import ContactDetail, Membership, Person
from webapp.app_state import app_state
from webapp.models import Campaign

from .data import _contact, _membership, _person
from .flow import letters_form, step_one
from .pages import text

EMAIL = (Channel(ChannelKind.EMAIL, "office@ep.example.org"),)


def mep(n: int, priority: int = 1, channels=EMAIL) -> Target:
    return Target(f"mep:{n}", f"Member {n}", TargetKind.MEP, "MEP", "European Parliament",
                  "DE", "de", channels, priority=priority)


def test_each_gets_about_the_same_share_at_equal_priority():
    rotation, meps = Rotation(), [mep(n) for n in range(96)]
    rng = random.Random(1)
    for _ in range(10_000):
        chosen = rotation.choose("c", meps, 3, rng)
        assert len(chosen) == 3 and len({t.id for t in chosen}) == 3
    counts = rotation.offered("c")
    assert len(counts) == 96
    assert max(counts.values()) <= 1.5 * min(counts.values())


def test_priority_is_a_weight_and_zero_or_no_channel_is_never_ticked():
    meps = [mep(0, priority=2), mep(1), mep(2), mep(3, priority=0), mep(4, channels=())]
    offered: Counter = Counter()
    rng = random.Random(2)
    for _ in range(300):
        offered.update(t.id for t in choose_in_turn(meps, 1, offered, rng))
    assert offered["mep:3"] == offered["mep:4"] == 0
    assert offered["mep:0"] == pytest.approx(2 * offered["mep:1"], rel=0.05)
    assert offered["mep:1"] == pytest.approx(offered["mep:2"], abs=1)


def test_the_chosen_keep_the_list_order():
    meps = [mep(n) for n in range(10)]
    chosen = choose_in_turn(meps, 4, Counter(), random.Random(3))
    assert chosen == sorted(chosen, key=meps.index)


@pytest.fixture
def many_meps(app):
    """Nine Dutch MEPs (the test directory's one and eight more), all by e-mail."""

    ids = [f"t:nl-mep-{n}" for n in range(8)]
    with app_state(app).database.session_factory() as session:
        for n, pid in enumerate(ids):
            session.add(_person(pid, f"Member {n}", "Member", str(n), gender="female"))
            session.flush()
            session.add_all([
                _membership(pid, "t:ep", "mep", "Member of the European Parliament", "NL", "nl"),
                _contact(pid, "email", f"member{n}@ep.example.org"),
            ])
        session.commit()
    app_state(app).directory.refresh()
    yield ["t:nl-mep", *ids]
    with app_state(app).database.session_factory() as session:
        for model in (ContactDetail, Membership, Person):
            column = model.id if model is Person else model.person_id
            session.execute(model.__table__.delete().where(column.in_(ids)))
        session.commit()


def ticked_meps(response) -> set[str]:
    return {v for k, v in letters_form(response) if k.endswith("-targets") and "mep" in v}


def test_a_long_list_ticks_three_in_turn_and_folds_the_rest(app, client, many_meps):
    first = step_one(client)
    page = text(first)
    assert first.status_code == 200, page
    assert len(ticked_meps(first)) == 3
    # Everyone is listed; the six not ticked are one click away, not six more cards.
    listed = set(re.findall(r'data-target="(t:nl-mep[^"]*)"', page))
    assert listed == set(many_meps)
    assert "Choose others (6 more)" in page and page.count('<article class="target"') == 4
    assert "We ticked 3 of these 9 people in turn" in page
    # The minister, the reason for the campaign, is ticked too.
    assert "t:nl-minister" in {v for k, v in letters_form(first) if k.endswith("-targets")}
    # The next supporters get the others first: three supporters, nine different MEPs.
    second, third = ticked_meps(step_one(client)), ticked_meps(step_one(client))
    assert len(ticked_meps(first) | second | third) == 9


def test_a_short_list_is_all_ticked(app, client, many_meps):
    with app_state(app).database.session_factory() as session:
        session.execute(update(Campaign).values(letters_ticked=9))
        session.commit()
    response = step_one(client)
    assert ticked_meps(response) == set(many_meps)
    assert "Choose others" not in text(response)


def test_nobody_by_email_offers_no_send_button_and_a_printable_letter(app, client):
    """US Congress takes contact forms and post: "Send it for me" is not offered."""
    from representatives.tables import ContactDetail as Contact

    with app_state(app).database.session_factory() as session:
        session.execute(update(Contact).where(Contact.person_id == "t:us-rep-12")
                        .values(kind="post", value="1 Capitol Hill, Washington, DC 20515"))
        session.commit()
    app_state(app).directory.refresh()
    try:
        response = step_one(client, country="US", postcode="94110")
        page = text(response)
        assert response.status_code == 200, page
        assert 'name="send"' not in page and "None of these people takes e-mail" in page
        from .flow import STREET_ADDRESS, step_two

        draft = text(step_two(client, letters_form(response), action="draft",
                              changes=STREET_ADDRESS))
        assert "Print this letter" in draft and 'class="printable"' in draft
        assert "1 Capitol Hill\nWashington" in draft
    finally:
        with app_state(app).database.session_factory() as session:
            session.execute(update(Contact).where(Contact.person_id == "t:us-rep-12")
                            .values(kind="email", value="diaz@house.example.org"))
            session.commit()
