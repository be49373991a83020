"""The worker wired to the app: its database, mail backend, mails, queue and housekeeping."""

from __future__ import annotations

from flask import Flask

from ..app_state import app_state
from .mails import letter_message, notice_message
from .outbox import DeliverySettings, Worker
from .retention import purge


def make_worker(app: Flask, *, with_queue: bool = True):
    """The Worker wired to this app's database, mail backend, templates and queue."""
    state = app_state(app)
    config = state.config
    settings = DeliverySettings(
        events_report_handover=bool(config.sendgrid_webhook_public_key
                                    and config.mail_backend == "sendgrid"))
    return Worker(
        settings=settings,
        session_factory=state.database.session_factory,
        backend=state.mail_backend,
        build_letter=lambda letter: letter_message(app, letter),
        build_notice=lambda notice: notice_message(app, notice),
        enqueue=state.queue.enqueue if with_queue else None,
        housekeeping=lambda session: purge(
            session, retention_days=config.retention_days,
            confirm_max_age_seconds=config.confirm_max_age_seconds),
    )


def sweep_and_enqueue(app: Flask) -> str:
    """Sweep once and put on the queue what is due; a line saying what was done."""
    state = app_state(app)
    result = make_worker(app).sweep()
    state.queue.enqueue_swept(result)
    return (f"re-queued {result.requeued_unsent} unsent, failed {result.failed_unknown} "
            f"unknown, {result.reminders} reminders, enqueued {len(result.to_enqueue)}")
