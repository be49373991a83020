"""The task queue: huey, carrying letter and notice ids from the web to the workers.

Embedded default: huey's SQLite storage in the instance folder, so a fresh install needs no
service. With REDIS_URL set: Redis, shared by any number of web and worker processes on any
number of machines. The queue only carries ids, is fed after the database commit, and losing
it loses nothing: the periodic sweep puts back whatever is due and not on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from huey import Huey, RedisHuey, crontab
from huey.storage import SqliteStorage
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from database import utcnow

from ..config import Config
from ..log_privacy import describe, report_outage
from ..models import Letter, Notice
from .outbox import Worker

log = logging.getLogger(__name__)
_TABLES: dict[str, type[Letter] | type[Notice]] = {"letter": Letter, "notice": Notice}


class QueueFileStorage(SqliteStorage):
    """huey's SQLite storage, with the durability the app's own database has.

    huey offers synchronous=FULL (an fsync per put: the slowest part of a submit) or OFF (a
    power cut may corrupt the file). In WAL mode NORMAL cannot corrupt it; a power cut may lose
    the last puts, and the sweep puts back whatever the database says is due.
    """

    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn


def make_huey(config: Config) -> Huey:
    if config.redis_url:
        return RedisHuey("letters", url=config.redis_url, results=False)
    return Huey("letters", storage_class=QueueFileStorage,
                filename=str(config.instance_path / "queue.sqlite3"), results=False)


class TaskQueue:
    def __init__(self, huey: Huey, session_factory: sessionmaker):
        self.huey = huey
        self.session_factory = session_factory
        self.worker: Worker | None = None  # set in worker processes only

        @huey.task(name="send_letter")
        def send_letter(letter_id: int):
            return self._unless_outage(f"letter {letter_id}",
                                       lambda: self._worker().send_letter(letter_id))

        @huey.task(name="send_notice")
        def send_notice(notice_id: int):
            return self._unless_outage(f"notice {notice_id}",
                                       lambda: self._worker().send_notice(notice_id))

        @huey.periodic_task(crontab(minute="*"), name="sweep")
        def sweep():
            return self._unless_outage("the sweep",
                                       lambda: self.enqueue_swept(self._worker().sweep()))

        self._tasks = {"letter": send_letter, "notice": send_notice}
        self.sweep_task = sweep

    @staticmethod
    def _unless_outage(what: str, work: Callable[[], object]):
        """Run a task; when the database or the queue is unreachable, leave it to the sweep.

        Every thread meets an outage with every id it takes, and huey would log a traceback
        for each: the outage gets its one line a minute instead, and each task a line at INFO.
        A letter stays in its state, and the sweep puts it back on the queue.
        """
        try:
            return work()
        except Exception as error:
            if not report_outage(error):
                raise
            log.info("%s put off until the service is back: %s", what, describe(error))
            return "outage"

    def _worker(self) -> Worker:
        if self.worker is None:
            raise RuntimeError("this process only enqueues; run `flask delivery worker`")
        return self.worker

    def enqueue(self, kind: str, row_id: int, delay: float = 0.0) -> None:
        """Put one id on the queue (raises if the queue store is unreachable)."""
        self.enqueue_many(kind, [row_id], delay)

    def _put(self, kind: str, row_ids: list[int], delay: float, queued: list[int]) -> None:
        """Put ids on the queue one by one, adding each to `queued` once it is there."""
        task = self._tasks[kind]
        for row_id in row_ids:
            if delay > 0:
                task.schedule((row_id,), delay=delay)
            else:
                task(row_id)
            queued.append(row_id)

    def _set_enqueued_at(self, kind: str, row_ids: list[int], value) -> None:
        table = _TABLES[kind]
        with self.session_factory() as session:
            session.execute(update(table).where(table.id.in_(row_ids))
                            .values(enqueued_at=value))
            session.commit()

    def enqueue_many(self, kind: str, row_ids: list[int], delay: float = 0.0) -> None:
        """Put ids on the queue, then note when, in one UPDATE (raises if the queue is down)."""
        queued: list[int] = []
        try:
            self._put(kind, row_ids, delay, queued)
        finally:
            if queued:
                self._set_enqueued_at(kind, queued, utcnow())

    def enqueue_swept(self, result) -> None:
        """Put back on the queue what a sweep found due and not on it."""
        for kind in ("notice", "letter"):
            self.enqueue_many(kind, [row_id for k, row_id in result.to_enqueue if k == kind])

    def put_committed(self, kind: str, row_ids: list[int]) -> None:
        """After the commit that stored the rows with `enqueued_at` set (see after_commit).

        Writing `enqueued_at` in the rows' own transaction saves a second commit. Should the
        queue put fail, it is cleared again, so that the next sweep
        queues the rows; should the process die in between, the sweep queues them once
        `requeue_after` has passed. A queue outage never fails the caller.
        """
        queued: list[int] = []
        try:
            self._put(kind, row_ids, 0.0, queued)
        except Exception as error:  # noqa: BLE001  (the sweep will queue them later)
            waiting = row_ids[len(queued):]
            # Every request meets an outage: one line a minute for it, the ids at INFO.
            if report_outage(error):
                log.info("%s ids %s wait for the sweep", kind, waiting)
            else:
                log.warning("could not queue %s ids %s, they wait for the sweep: %s", kind,
                            waiting, describe(error))
            try:
                self._set_enqueued_at(kind, waiting, None)
            except Exception as error:  # noqa: BLE001  (the sweep finds them after requeue_after)
                if not report_outage(error):
                    log.warning("could not mark %s ids %s for the next sweep: %s", kind,
                                waiting, describe(error))
