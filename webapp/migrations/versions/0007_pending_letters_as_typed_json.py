"""Pending letters become a JSON column of keyed objects with a version (PendingLetters).

Until now `submission.pending_letters` was text holding lists by position; each waiting
submission's letters are rewritten with PendingLetters.pack (and back on downgrade), and the
column becomes JSON (json on PostgreSQL, text underneath on SQLite).

Revision ID: 0007
Revises: 0006
"""
import json

from alembic import op
import sqlalchemy as sa

from webapp.models import PendingLetter, PendingLetters

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _waiting(connection, column_type):
    submission = sa.table("submission", sa.column("id", sa.Integer),
                          sa.column("pending_letters", column_type))
    rows = connection.execute(sa.select(submission.c.id, submission.c.pending_letters)
                              .where(submission.c.pending_letters.is_not(None))).all()
    return submission, rows


def upgrade() -> None:
    connection = op.get_bind()
    submission, rows = _waiting(connection, sa.Text)
    converted = []
    for submission_id, old in rows:
        data = json.loads(old)
        texts = data["texts"]
        letters = [PendingLetter(target_id, name, address, salutation, *texts[index])
                   for target_id, name, address, salutation, index in data["letters"]]
        converted.append((submission_id, json.dumps(PendingLetters.pack(letters),
                                                    ensure_ascii=False)))
    for submission_id, new in converted:
        connection.execute(submission.update().where(submission.c.id == submission_id)
                           .values(pending_letters=new))
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.alter_column("pending_letters", existing_type=sa.Text(), type_=sa.JSON(),
                              postgresql_using="pending_letters::json")


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.alter_column("pending_letters", existing_type=sa.JSON(), type_=sa.Text(),
                              postgresql_using="pending_letters::text")
    connection = op.get_bind()
    submission, rows = _waiting(connection, sa.Text)
    for submission_id, new in rows:
        letters = PendingLetters.unpack(json.loads(new))
        texts: dict[int, list[str]] = {}
        for letter in letters:
            texts.setdefault(letter.text_id, [letter.subject, letter.text, letter.language])
        old = {"texts": [texts[index] for index in sorted(texts)],
               "letters": [[letter.target_id, letter.target_name, letter.to_address,
                            letter.salutation, letter.text_id] for letter in letters]}
        connection.execute(submission.update().where(submission.c.id == submission_id)
                           .values(pending_letters=json.dumps(old, ensure_ascii=False,
                                                              separators=(",", ":"))))
