"""Letters waiting for confirmation live in their submission's row until it is confirmed.

A submission used to write a row per letter (and per text) at once, though many are never
confirmed: now it writes one row, with its letters as JSON in `submission.pending_letters`,
and the rows in `letter` are written when the supporter confirms. Letters already waiting
for confirmation are moved into their submission's row (and back on downgrade).

Revision ID: 0006
Revises: 0005
"""
import json
from collections.abc import Sequence
from typing import Any

from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PENDING = "pending_confirmation"

submission = sa.table(
    "submission", sa.column("id", sa.Integer), sa.column("campaign_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("pending_letters", sa.Text),
)
letter = sa.table(
    "letter", sa.column("id", sa.Integer), sa.column("submission_id", sa.Integer),
    sa.column("campaign_id", sa.Integer), sa.column("target_id", sa.String),
    sa.column("target_name", sa.String), sa.column("to_address", sa.String),
    sa.column("text_id", sa.Integer), sa.column("salutation", sa.String),
    sa.column("state", sa.String), sa.column("attempts", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
letter_text = sa.table(
    "letter_text", sa.column("id", sa.Integer), sa.column("submission_id", sa.Integer),
    sa.column("subject", sa.String), sa.column("body", sa.Text),
    sa.column("language", sa.String),
)
letter_event = sa.table("letter_event", sa.column("letter_id", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_letters", sa.Text(), nullable=True))

    connection = op.get_bind()
    # Any: the columns of these tables are untyped, and a row of them unpacks as objects.
    rows: Sequence[Any] = connection.execute(
        sa.select(letter.c.id, letter.c.submission_id, letter.c.target_id,
                  letter.c.target_name, letter.c.to_address, letter.c.salutation,
                  letter_text.c.id, letter_text.c.subject, letter_text.c.body,
                  letter_text.c.language)
        .join(letter_text, letter_text.c.id == letter.c.text_id)
        .where(letter.c.state == PENDING)
        .order_by(letter.c.submission_id, letter.c.id)
    ).all()
    packed: dict[int, dict] = {}
    for (_id, submission_id, target_id, name, address, salutation, text_id, subject, body,
         language) in rows:
        entry = packed.setdefault(submission_id, {"texts": [], "letters": [], "index": {}})
        if text_id not in entry["index"]:
            entry["index"][text_id] = len(entry["texts"])
            entry["texts"].append([subject, body, language])
        entry["letters"].append([target_id, name, address, salutation,
                                 entry["index"][text_id]])
    for submission_id, entry in packed.items():
        connection.execute(
            submission.update().where(submission.c.id == submission_id).values(
                pending_letters=json.dumps({"texts": entry["texts"], "letters": entry["letters"]},
                                           ensure_ascii=False, separators=(",", ":"))))
    letter_ids = [row[0] for row in rows]
    text_ids = {row[6] for row in rows}
    for start in range(0, len(letter_ids), 500):
        chunk = letter_ids[start:start + 500]
        connection.execute(letter_event.delete().where(letter_event.c.letter_id.in_(chunk)))
        connection.execute(letter.delete().where(letter.c.id.in_(chunk)))
    still_used = sa.select(letter.c.id).where(letter.c.text_id == letter_text.c.id).exists()
    ids = sorted(text_ids)
    for start in range(0, len(ids), 500):
        connection.execute(letter_text.delete().where(
            letter_text.c.id.in_(ids[start:start + 500]), ~still_used))


def downgrade() -> None:
    connection = op.get_bind()
    waiting: Sequence[Any] = connection.execute(  # Any: as in upgrade
        sa.select(submission.c.id, submission.c.campaign_id, submission.c.created_at,
                  submission.c.pending_letters)
        .where(submission.c.pending_letters.is_not(None))
    ).all()
    for submission_id, campaign_id, created_at, pending in waiting:
        data = json.loads(pending)
        text_ids: list[int] = [
            connection.execute(letter_text.insert().values(
                submission_id=submission_id, subject=subject, body=body, language=language)
                .returning(letter_text.c.id)).scalar_one()
            for subject, body, language in data["texts"]
        ]
        for target_id, name, address, salutation, index in data["letters"]:
            connection.execute(letter.insert().values(
                submission_id=submission_id, campaign_id=campaign_id, target_id=target_id,
                target_name=name, to_address=address, salutation=salutation,
                text_id=text_ids[index], state=PENDING, attempts=0, created_at=created_at))
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("pending_letters")
