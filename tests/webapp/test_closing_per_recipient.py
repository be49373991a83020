"""A French letter to two members of the European Parliament, one woman and one man: one text
to edit on step two, and two mails, each opening with its recipient's salutation and closing
with the closing that agrees with it."""

from __future__ import annotations

import pytest

from representatives.tables import ContactDetail, Membership, Person
from webapp.app_state import app_state

from .data import _contact, _membership, _person
from .flow import confirm_latest, letters_form, read_outbox, run_worker, step_one, step_two
from .pages import text

# Made-up members elected in France (example.org addresses): the test directory has none.
DEPUTIES = (("t:fr-mep-1", "Claire Moreau", "Claire", "Moreau", "female",
             "claire.moreau@ep.example.org"),
            ("t:fr-mep-2", "Louis Bernard", "Louis", "Bernard", "male",
             "louis.bernard@ep.example.org"))
HIGH = "l'expression de ma haute considération."
MADAME = f"Je vous prie d'agréer, Madame la Députée, {HIGH}"
MONSIEUR = f"Je vous prie d'agréer, Monsieur le Député, {HIGH}"


@pytest.fixture
def french_deputies(app):
    ids = [pid for pid, *_ in DEPUTIES]
    with app_state(app).database.session_factory() as session:
        for pid, name, given, family, gender, address in DEPUTIES:
            session.add(_person(pid, name, given, family, gender=gender))
            session.flush()
            session.add_all([
                _membership(pid, "t:ep", "mep", "Member of the European Parliament", "FR",
                            "fr"),
                _contact(pid, "email", address),
            ])
        session.commit()
    app_state(app).directory.refresh()
    yield ids
    with app_state(app).database.session_factory() as session:
        for model in (ContactDetail, Membership, Person):
            column = model.id if model is Person else model.person_id
            session.execute(model.__table__.delete().where(column.in_(ids)))
        session.commit()
    app_state(app).directory.refresh()


def _step_two(client):
    first = step_one(client, country="FR", town="Lyon", own_words="")
    assert first.status_code == 200, text(first)
    page = text(first)
    assert "Opens with: Madame la Députée," in page and "Opens with: Monsieur le Député," in page
    assert f"Closes with: {MADAME}" in page and f"Closes with: {MONSIEUR}" in page
    fields = letters_form(first)
    bodies = [value for name, value in fields if name.endswith("-body")]
    assert len(bodies) == 1  # one shared text for both
    assert "agréer" not in bodies[0] and bodies[0].rstrip().endswith("Jane Doe\nLyon")
    return fields


def _ends(body: str, ending: str) -> bool:
    return body.rstrip().endswith(f"\n\n{ending}\n\nJane Doe\nLyon")


def test_two_mails_each_with_its_salutation_and_agreeing_closing(app, client, outbox,
                                                                 french_deputies):
    fields = _step_two(client)
    assert step_two(client, fields, action="send").status_code == 200
    assert confirm_latest(app, client).status_code == 303
    run_worker(app)
    letters = {m["To"].addresses[0].addr_spec: m.get_content().replace("\r\n", "\n")
               for m in read_outbox(outbox) if m["X-Letter-Id"]}
    assert set(letters) == {"claire.moreau@ep.example.org", "louis.bernard@ep.example.org"}
    claire = letters["claire.moreau@ep.example.org"]
    louis = letters["louis.bernard@ep.example.org"]
    assert claire.startswith("Madame la Députée,\n\n") and _ends(claire, MADAME)
    assert louis.startswith("Monsieur le Député,\n\n") and _ends(louis, MONSIEUR)
    for body in (claire, louis):
        assert body.count("agréer") == 1


def test_a_closing_the_supporter_typed_is_replaced_on_the_draft_path(app, client,
                                                                     french_deputies):
    fields = _step_two(client)
    # They add a closing of their own before their name: each letter still has one, its own.
    edited = [(name, value.replace("Jane Doe\nLyon", "Bien cordialement,\n\nJane Doe\nLyon")
               if name.endswith("-body") else value) for name, value in fields]
    page = text(step_two(client, edited, action="draft"))
    drafts = {article.split("</h2>")[0].rsplit(">", 1)[-1]: article
              for article in page.split('<article class="draft"')[1:]}
    assert set(drafts) == {"Claire Moreau", "Louis Bernard"}
    for name, ending in (("Claire Moreau", MADAME), ("Louis Bernard", MONSIEUR)):
        body = drafts[name].split("</textarea>")[0].rsplit(">", 1)[-1]
        assert _ends(body, ending), body
        assert body.count("agréer") == 1 and "cordialement" not in body
