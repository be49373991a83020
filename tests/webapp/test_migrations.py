"""The models and the migrations describe the same schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import representatives.tables  # noqa: F401  (registers its tables)
import webapp.models  # noqa: F401
from database import Base, make_engine
from webapp.app_state import app_state


def test_models_match_migrations(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_letters_waiting_for_confirmation_move_into_their_submission_and_back(
        database_url, tmp_path):
    """Migration 0006 moves pending letters from `letter` into their submission's row; its
    downgrade writes them back. A confirmed submission's letters stay where they are."""
    from alembic import command
    from sqlalchemy import text

    from tests.apps import make_config
    from webapp import create_app
    from webapp.cli import alembic_config
    from webapp.models import Submission

    app = create_app(make_config(tmp_path, database_url))
    engine = app_state(app).database.engine

    def rows(sql):
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]

    with app.app_context():
        try:
            command.downgrade(alembic_config(), "0005")
            with engine.begin() as connection:
                campaign_id = connection.execute(text("SELECT id FROM campaign")).scalar()
                for number, confirmed in ((1, None), (2, "2026-12-01 10:00:00")):
                    connection.execute(text(
                        "INSERT INTO submission (id, public_id, form_key, campaign_id, "
                        "supporter_name, supporter_email, supporter_town, country, postcode, "
                        "language, wants_updates, created_at, confirmed_at) VALUES (:n, :p, :k, "
                        ":c, 'Jane', 'jane@example.org', '', 'NL', '', 'nl', false, "
                        "'2026-12-01 09:00:00', :confirmed)"),
                        {"n": number, "p": f"p{number}", "k": f"k{number}", "c": campaign_id,
                         "confirmed": confirmed})
                connection.execute(text(
                    "INSERT INTO letter_text (id, submission_id, subject, body, language) VALUES "
                    "(1, 1, 'To MEPs', 'Verdrag nu.', 'nl'), (2, 1, 'To the minister', "
                    "'Een verdrag.', 'nl'), (3, 2, 'Sent', 'Already confirmed.', 'en')"))
                connection.execute(text(
                    "INSERT INTO letter (id, submission_id, campaign_id, target_id, target_name, "
                    "to_address, text_id, salutation, state, attempts, created_at) VALUES "
                    "(1, 1, :c, 'mep:1', 'Anna', 'a@ep.example', 1, 'Geachte mevrouw,', "
                    "'pending_confirmation', 0, '2026-12-01 09:00:00'), "
                    "(2, 1, :c, 'mep:2', 'Piet', 'p@ep.example', 1, 'Geachte heer,', "
                    "'pending_confirmation', 0, '2026-12-01 09:00:00'), "
                    "(3, 1, :c, 'min:1', 'Els', 'e@min.example', 2, '', "
                    "'pending_confirmation', 0, '2026-12-01 09:00:00'), "
                    "(4, 2, :c, 'mep:1', 'Anna', 'a@ep.example', 3, 'Dear Ms,', "
                    "'queued', 0, '2026-12-01 09:00:00')"), {"c": campaign_id})

            command.upgrade(alembic_config(), "heads")
            assert rows("SELECT id, state FROM letter") == [(4, "queued")]
            assert rows("SELECT id FROM letter_text") == [(3,)]
            with app_state(app).database.session_factory() as session:
                waiting, confirmed = session.get(Submission, 1), session.get(Submission, 2)
                assert confirmed.pending_letters is None
                assert [(p.target_id, p.target_name, p.to_address, p.subject, p.body)
                        for p in waiting.pending()] == [
                    ("mep:1", "Anna", "a@ep.example", "To MEPs", "Geachte mevrouw,\n\nVerdrag nu."),
                    ("mep:2", "Piet", "p@ep.example", "To MEPs", "Geachte heer,\n\nVerdrag nu."),
                    ("min:1", "Els", "e@min.example", "To the minister", "Een verdrag."),
                ]
                assert waiting.pending()[0].text_id == waiting.pending()[1].text_id

            command.downgrade(alembic_config(), "0005")
            back = rows("SELECT l.target_id, l.salutation, l.state, t.subject, t.body "
                        "FROM letter l JOIN letter_text t ON t.id = l.text_id "
                        "WHERE l.submission_id = 1 ORDER BY l.id")
            assert back == [
                ("mep:1", "Geachte mevrouw,", "pending_confirmation", "To MEPs", "Verdrag nu."),
                ("mep:2", "Geachte heer,", "pending_confirmation", "To MEPs", "Verdrag nu."),
                ("min:1", "", "pending_confirmation", "To the minister", "Een verdrag."),
            ]
            assert rows("SELECT COUNT(DISTINCT text_id) FROM letter WHERE submission_id = 1") \
                == [(2,)]
            # SQLite rebuilt the submission table: its other letters are still there.
            assert rows("SELECT id FROM letter WHERE submission_id = 2") == [(4,)]
        finally:
            with engine.begin() as connection:
                for table in ("letter_event", "letter", "letter_text", "notice", "submission"):
                    connection.execute(text(f"DELETE FROM {table}"))
            command.upgrade(alembic_config(), "heads")
    app_state(app).database.dispose()


def test_pending_letters_become_versioned_keyed_json_and_back(database_url, tmp_path):
    """Migration 0007 rewrites positional pending letters with PendingLetters.pack and makes
    the column JSON; its downgrade writes the positional form back."""
    import json

    from alembic import command
    from sqlalchemy import text

    from tests.apps import make_config
    from webapp import create_app
    from webapp.cli import alembic_config
    from webapp.models import PendingLetters, Submission

    old = {"texts": [["To MEPs", "Verdrag nu.", "nl"], ["To the minister", "Een verdrag.", "nl"]],
           "letters": [["mep:1", "Anna", "a@ep.example", "Geachte mevrouw,", 0],
                       ["min:1", "Els", "e@min.example", "", 1],
                       ["mep:2", "Piet", "p@ep.example", "Geachte heer,", 0]]}
    app = create_app(make_config(tmp_path, database_url))
    engine = app_state(app).database.engine
    with app.app_context():
        try:
            command.downgrade(alembic_config(), "0006")
            with engine.begin() as connection:
                campaign_id = connection.execute(text("SELECT id FROM campaign")).scalar()
                connection.execute(text(
                    "INSERT INTO submission (id, public_id, form_key, campaign_id, "
                    "supporter_name, supporter_email, supporter_town, country, postcode, "
                    "language, wants_updates, created_at, pending_letters) VALUES (1, 'p1', "
                    "'k1', :c, 'Jane', 'jane@example.org', '', 'NL', '', 'nl', false, "
                    "'2026-12-01 09:00:00', :pending)"),
                    {"c": campaign_id, "pending": json.dumps(old)})

            command.upgrade(alembic_config(), "0007")
            with app_state(app).database.session_factory() as session:
                stored = session.get(Submission, 1)
                assert stored is not None
                assert stored.pending_letters["version"] == PendingLetters.VERSION
                assert stored.pending_letters["letters"][1] == {
                    "target_id": "min:1", "target_name": "Els", "to_address": "e@min.example",
                    "salutation": "", "text": 1}
                assert [(p.target_id, p.subject, p.body) for p in stored.pending()] == [
                    ("mep:1", "To MEPs", "Geachte mevrouw,\n\nVerdrag nu."),
                    ("min:1", "To the minister", "Een verdrag."),
                    ("mep:2", "To MEPs", "Geachte heer,\n\nVerdrag nu."),
                ]

            command.downgrade(alembic_config(), "0006")
            with engine.connect() as connection:
                back = connection.execute(text("SELECT pending_letters FROM submission")).scalar()
            assert json.loads(back) == old
        finally:
            with engine.begin() as connection:
                for table in ("letter_event", "letter", "letter_text", "notice", "submission"):
                    connection.execute(text(f"DELETE FROM {table}"))
            command.upgrade(alembic_config(), "heads")
    app_state(app).database.dispose()


def test_summits_known_by_their_year_go_on_the_way_back_to_required_dates(database_url, tmp_path):
    """Migration 0012 lets a summit have no dates; its downgrade drops such summits and makes
    the dates required again, as 0011 had them."""
    from alembic import command
    from sqlalchemy import inspect, text

    from tests.apps import make_config
    from webapp import create_app
    from webapp.cli import alembic_config

    app = create_app(make_config(tmp_path, database_url))
    engine = app_state(app).database.engine
    with app.app_context():
        try:
            with engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO rep_summit (id, name, host_country, city, status, year, source, "
                    "created_at, updated_at) VALUES ('geneva-2027', 'Geneva', 'CH', 'Geneva', "
                    "'next', 2027, 'test', '2026-12-01 09:00:00', '2026-12-01 09:00:00')"))
            command.downgrade(alembic_config(), "0011")
            columns = {c["name"]: c for c in inspect(engine).get_columns("rep_summit")}
            assert not columns["start_date"]["nullable"] and not columns["end_date"]["nullable"]
            with engine.connect() as connection:
                assert connection.execute(text("SELECT count(*) FROM rep_summit")).scalar() == 0
        finally:
            command.upgrade(alembic_config(), "heads")
    app_state(app).database.dispose()


def test_groups_and_committees_come_and_go_with_migration_0026(database_url, tmp_path):
    """Migration 0026 adds a membership's political group and committees; its downgrade drops
    them and keeps the membership."""
    from alembic import command
    from sqlalchemy import inspect, text

    from tests.apps import make_config
    from webapp import create_app
    from webapp.cli import alembic_config

    app = create_app(make_config(tmp_path, database_url))
    engine = app_state(app).database.engine
    stamp = "'test', '2026-12-01 09:00:00', '2026-12-01 09:00:00'"

    def columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("rep_membership")}

    with app.app_context():
        try:
            with engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO rep_person (id, name, by_title, source, created_at, updated_at) "
                    f"VALUES ('mep:1', 'Anna MÜLLER', false, {stamp})"))
                connection.execute(text(
                    "INSERT INTO rep_organization (id, name, classification, country, source, "
                    f"created_at, updated_at) VALUES ('ep', 'European Parliament', "
                    f"'european_parliament', 'EU', {stamp})"))
                connection.execute(text(
                    "INSERT INTO rep_membership (id, person_id, organization_id, kind, role, "
                    "country, language, political_group, committees, stored_copy, source, "
                    "created_at, updated_at) VALUES ('mep:1@ep', 'mep:1', 'ep', 'mep', 'MEP', "
                    "'DE', 'de', 'Greens/EFA', :committees, false, "
                    f"{stamp})"), {"committees": '[{"code": "ITRE", "role": "member"}]'})
            assert {"political_group", "committees"} <= columns()
            command.downgrade(alembic_config(), "0025")
            assert not {"political_group", "committees"} & columns()
            with engine.connect() as connection:
                assert connection.execute(text(
                    "SELECT count(*) FROM rep_membership WHERE id = 'mep:1@ep'")).scalar() == 1
            command.upgrade(alembic_config(), "heads")
            with engine.connect() as connection:
                assert connection.execute(text(
                    "SELECT political_group, committees FROM rep_membership "
                    "WHERE id = 'mep:1@ep'")).one() == (
                    None, None)
        finally:
            command.upgrade(alembic_config(), "heads")
            with engine.begin() as connection:
                for table in ("rep_membership", "rep_organization", "rep_person"):
                    connection.execute(text(f"DELETE FROM {table} WHERE source = 'test'"))
    app_state(app).database.dispose()


def test_local_titles_come_and_go_with_migration_0027(database_url, tmp_path):
    """Migration 0027 adds an office's title and its organisation's name in the office's own
    language; its downgrade drops them and keeps the rows with their English ones."""
    from alembic import command
    from sqlalchemy import inspect, text

    from tests.apps import make_config
    from webapp import create_app
    from webapp.cli import alembic_config

    app = create_app(make_config(tmp_path, database_url))
    engine = app_state(app).database.engine
    stamp = "'test', '2026-12-01 09:00:00', '2026-12-01 09:00:00'"

    def columns(table: str) -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns(table)}

    with app.app_context():
        try:
            with engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO rep_person (id, name, by_title, source, created_at, updated_at) "
                    f"VALUES ('fr:president', 'President of the Republic', true, {stamp})"))
                connection.execute(text(
                    "INSERT INTO rep_organization (id, name, local_name, classification, country, "
                    "source, created_at, updated_at) VALUES ('fr:elysee', "
                    "'Presidency of the Republic', 'Présidence de la République', 'government', "
                    f"'FR', {stamp})"))
                connection.execute(text(
                    "INSERT INTO rep_membership (id, person_id, organization_id, kind, role, "
                    "local_role, country, language, stored_copy, source, created_at, "
                    "updated_at) VALUES ('fr:president@fr:elysee', 'fr:president', 'fr:elysee', "
                    "'head_of_government', 'President of the Republic', "
                    f"'Président de la République', 'FR', 'fr', false, {stamp})"))
            command.downgrade(alembic_config(), "0026")
            assert "local_role" not in columns("rep_membership")
            assert "local_name" not in columns("rep_organization")
            with engine.connect() as connection:
                assert connection.execute(text(
                    "SELECT role FROM rep_membership WHERE id = 'fr:president@fr:elysee'")
                ).scalar() == "President of the Republic"
            command.upgrade(alembic_config(), "heads")
            with engine.connect() as connection:
                assert connection.execute(text(
                    "SELECT m.local_role, o.local_name FROM rep_membership m JOIN "
                    "rep_organization o ON o.id = m.organization_id "
                    "WHERE m.id = 'fr:president@fr:elysee'")).one() == (None, None)
        finally:
            command.upgrade(alembic_config(), "heads")
            with engine.begin() as connection:
                for table in ("rep_membership", "rep_organization", "rep_person"):
                    connection.execute(text(f"DELETE FROM {table} WHERE source = 'test'"))
    app_state(app).database.dispose()
