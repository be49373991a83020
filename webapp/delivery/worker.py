"""The worker wired to the app: its database, mail backend, mails, queue and housekeeping."""

from __future__ import annotations

import math
import os

from flask import Flask

from database import utcnow

from ..app_state import app_state
from ..followup import operations as followup
from ..staff.dashboard import bring_counts_up_to_date
from .mails import letter_message, notice_message
from .outbox import DeliverySettings, Worker
from .retention import purge

# What a worker's thread count is sized for: SendGrid's usual answer time, and the worker CPU
# a letter may cost (the delivery benchmark's goal, bench/delivery.py).
EXPECTED_LATENCY_SECONDS = 0.1
CPU_SECONDS_PER_LETTER = 0.0025
# Each thread holds a database connection: two workers at this many stay well inside
# PostgreSQL's default of 100 connections, with room for the web processes.
MAX_THREADS = 32


def default_threads(cores: int | None = None, latency: float = EXPECTED_LATENCY_SECONDS,
                    cpu_per_letter: float = CPU_SECONDS_PER_LETTER,
                    cap: int = MAX_THREADS) -> int:
    """Threads enough to keep the cores busy while letters wait for the mail service.

    A thread spends `latency` waiting on SendGrid for every `cpu_per_letter` of work, so a
    core stays busy with about latency / cpu_per_letter threads. Fewer leave the CPU idle
    while every thread waits; many more than that only queue for the GIL and the cores,
    each holding a connection, and add switching. Capped for the connections.
    """
    cores = cores or os.cpu_count() or 1
    return max(1, min(cap, cores * math.ceil(latency / cpu_per_letter)))


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
        housekeeping=lambda session: (
            purge(session, retention_days=config.retention_days,
                  confirm_max_age_seconds=config.confirm_max_age_seconds,
                  contact_months=config.contact_retention_months),
            # After the purge: nobody erased in it is asked.
            followup.add_due_questionnaires(session),
            # The staff dashboards' kept counts, so that their pages count only the last
            # minutes' rows: no cron needed beside the Procfile's processes.
            bring_counts_up_to_date(session, utcnow())),
    )


def sweep_and_enqueue(app: Flask) -> str:
    """Sweep once and put on the queue what is due; a line saying what was done."""
    state = app_state(app)
    result = make_worker(app).sweep()
    state.queue.enqueue_swept(result)
    return (f"re-queued {result.requeued_unsent} unsent, failed {result.failed_unknown} "
            f"unknown, {result.reminders} reminders, enqueued {len(result.to_enqueue)}")
