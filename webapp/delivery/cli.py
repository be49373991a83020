"""`flask delivery ...`: the worker, the sweep, and what staff need to see and steer sending."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import func, select, update

from database import as_utc, utcnow

from ..app_state import app_state, current_app_object
from ..db import get_database
from ..log_privacy import report_outage
from ..models import Campaign, DeliveryPause, Letter, LetterState, Submission
from .controls import (
    DeliveryChange,
    DeliveryControlError,
    campaign_by_slug,
    change_delivery,
    describe,
    lift_pauses,
    parse_window,
)
from .worker import MAX_THREADS, default_threads, make_worker, sweep_and_enqueue

log = logging.getLogger(__name__)

delivery_cli = AppGroup("delivery", help="Sending letters.")


_LOG_LEVELS = ["debug", "info", "warning", "error"]


def _log_to_stderr(level: str) -> None:
    """Timed lines on stderr, unless something (a test, a logging config) set a handler up.

    Without it only Python's last-resort handler writes, untimed: an outage's line a minute
    says little without its time.
    """
    logging.basicConfig(level=level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@delivery_cli.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now in this process, then stop.")
# Each thread mostly waits for the mail service's answer: see default_threads for the sizing.
@click.option("--threads", type=click.IntRange(min=1), envvar="WORKER_THREADS",
              default=None, show_default="cores x latency / CPU per letter, at most "
              f"{MAX_THREADS}", help="Letters sent at the same time (or WORKER_THREADS).")
@click.option("--sweep/--no-sweep", default=False, show_default=True,
              help="Also run the sweep every minute (for a one-process setup).")
@click.option("--log-level", type=click.Choice(_LOG_LEVELS, case_sensitive=False),
              default="warning", show_default=True,
              help="info also names each task put off by an outage.")
def delivery_worker(once: bool, threads: int | None, sweep: bool, log_level: str):
    """Take letter and notice ids from the queue and send them."""
    _log_to_stderr(log_level)
    threads = threads or default_threads()
    app = current_app_object()
    if once:
        worker = make_worker(app, with_queue=False)
        worker.sweep()
        result = worker.run_once()
        click.echo(f"sent {result.sent}, failed {result.failed}, to retry {result.retried}, "
                   f"waiting {result.deferred}")
        return
    # A connection for each thread, one for the sweep and one for a cache refresh.
    get_database().fit_pool(threads + 2)
    queue = app_state(app).queue
    queue.worker = make_worker(app)
    # A TERM from the process manager finishes the letters in hand before stopping.
    consumer = queue.huey.create_consumer(workers=threads, worker_type="thread",
                                          periodic=sweep, check_worker_health=True,
                                          # The SQLite queue is polled: keep new letters
                                          # waiting at most a second after a quiet spell.
                                          max_delay=1.0,
                                          graceful_signal="TERM")
    click.echo(f"worker started: {threads} threads, sweep {'on' if sweep else 'off'}")
    consumer.run()


@delivery_cli.command("sweep")
@click.option("--once", is_flag=True, help="Sweep once, then stop.")
@click.option("--every", default=60.0, show_default=True, help="Seconds between sweeps.")
def delivery_sweep(once: bool, every: float):
    """Mend stuck letters, remind, expire and erase, and re-queue whatever is due."""
    _log_to_stderr("warning")
    app = current_app_object()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while True:
        try:
            click.echo(sweep_and_enqueue(app))
        except Exception as error:  # noqa: BLE001  (database or queue down: try next time)
            if not report_outage(error):
                # Its traceback without the exceptions' messages (webapp/log_privacy.py).
                log.error("sweep failed, will try again", exc_info=error)
            if once:
                raise SystemExit(1) from error
        if once or stop.wait(every):
            return


@delivery_cli.command("status")
def delivery_status():
    """Letters per state, the oldest waiting letter, and anything holding sending back."""
    now = utcnow()
    with get_database().session_factory() as session:
        rows = session.execute(select(Letter.state, func.count()).group_by(Letter.state)).all()
        # Letters waiting for confirmation are not rows in `letter` yet (see queue_submission).
        unconfirmed = session.scalar(select(func.count()).select_from(Submission).where(
            Submission.pending_letters.is_not(None)))
        oldest = session.scalar(select(func.min(Letter.created_at))
                                .where(Letter.state == LetterState.QUEUED))
        pauses = session.scalars(select(DeliveryPause)).all()
        stopped = session.scalars(select(Campaign.slug).where(Campaign.sending_paused)).all()
    click.echo(f"{'unconfirmed submissions':22} {unconfirmed}")
    for state, count in sorted(rows):
        click.echo(f"{state:22} {count}")
    if oldest is not None:
        oldest = as_utc(oldest)
        click.echo(f"oldest queued letter waits since {oldest:%Y-%m-%d %H:%M} "
                   f"({(now - oldest) // timedelta(minutes=1)} min)")
    for pause in pauses:
        until = f"until {pause.until:%Y-%m-%d %H:%M:%S}" if pause.until else "until resumed"
        click.echo(f"PAUSED ({pause.reason}) {until}: {pause.detail}")
    for slug in stopped:
        click.echo(f"campaign {slug}: sending stopped (kill switch)")


@delivery_cli.command("retry")
@click.option("--failed", is_flag=True, help="Also give failed letters another go.")
def delivery_retry(failed: bool):
    """Send waiting letters now rather than at their next attempt, and queue them."""
    from .outbox import move_letters

    with get_database().session_factory() as session:
        revived = move_letters(session, Letter.id.is_not(None), LetterState.FAILED,
                               LetterState.QUEUED, "retried by staff",
                               attempts=0) if failed else []
        session.execute(update(Letter).where(Letter.state == LetterState.QUEUED)
                        .values(next_attempt_at=None, enqueued_at=None))
        session.commit()
    click.echo(f"{len(revived)} failed letters queued again")
    click.echo(sweep_and_enqueue(current_app_object()))


@delivery_cli.command("resume")
def delivery_resume():
    """Lift a pause after the mail account was fixed, and queue what waited."""
    with get_database().session_factory() as session:
        lifted = lift_pauses(session)
        session.commit()
    click.echo(f"{len(lifted)} pause(s) lifted")
    click.echo(sweep_and_enqueue(current_app_object()))


@delivery_cli.command("purge")
def delivery_purge():
    """Cancel expired unconfirmed letters; erase texts and details past their retention."""
    from .retention import purge

    config = app_state().config
    with get_database().session_factory() as session:
        result = purge(session, retention_days=config.retention_days,
                       confirm_max_age_seconds=config.confirm_max_age_seconds,
                       contact_months=config.contact_retention_months)
        session.commit()
    click.echo(f"cancelled {result.cancelled} unconfirmed letters, "
               f"erased {result.erased_submissions} submissions, "
               f"{result.contacts_expired} contacts past their period")


# The option that sets each field DeliveryControlError names.
_OPTIONS = {"time_zone": "--tz", "window": "--window", "cap": "--cap",
            "test_recipient": "--test-recipient"}


@delivery_cli.command("campaign")
@click.argument("slug")
@click.option("--stop/--go", default=None, help="Kill switch: stop all sending, or resume it.")
@click.option("--cap", type=int, help="At most this many letters per target per hour (0: none).")
@click.option("--window", help="Send only between these hours, e.g. 9-17 (empty: always).")
@click.option("--tz", help="Time zone of the window, e.g. Europe/Amsterdam.")
@click.option("--test-recipient", help="Test mode: every letter goes here (empty: off).")
def delivery_campaign(slug, stop, cap, window, tz, test_recipient):
    """Show or change how a campaign's letters are sent."""
    try:
        change = DeliveryChange(stop=stop, cap=cap, time_zone=tz or None,
                                window=parse_window(window) if window is not None else None,
                                test_recipient=test_recipient)
    except DeliveryControlError as error:
        raise click.BadParameter(str(error), param_hint=_OPTIONS[error.field]) from error
    with get_database().session_factory() as session:
        campaign = campaign_by_slug(session, slug)
        if campaign is None:
            raise click.BadParameter(f"no campaign {slug!r}")
        try:
            change_delivery(session, campaign, change)
        except DeliveryControlError as error:
            raise click.BadParameter(str(error), param_hint=_OPTIONS[error.field]) from error
        session.commit()
        click.echo(describe(campaign))
    if stop is False:
        click.echo(sweep_and_enqueue(current_app_object()))
