"""SQLite writers take turns at the lock file beside the database (database.sqlite_writers)."""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import text

from database import make_engine, sqlite_writers
from database.sqlite_writers import TurnTakingConnection, lock_file_for


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "app.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (x INTEGER)")
    return path


def connect(path, timeout: float = 5.0) -> TurnTakingConnection:
    return sqlite3.connect(path, timeout=timeout, factory=TurnTakingConnection,
                           check_same_thread=False)


def lock_is_free(path) -> bool:
    """Whether another process could take the lock file now."""
    probe = ("import fcntl, os, sys\n"
             "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
             "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept OSError:\n"
             "    sys.exit(1)\n")
    return subprocess.run([sys.executable, "-c", probe, lock_file_for(str(path))],
                          timeout=30).returncode == 0


def test_a_write_holds_the_lock_file_until_its_transaction_ends(db_path):
    connection = connect(db_path)
    connection.execute("SELECT * FROM t").fetchall()
    assert not connection.holds_turn and lock_is_free(db_path)  # reading takes no turn
    connection.execute("INSERT INTO t VALUES (1)")
    assert connection.holds_turn and not lock_is_free(db_path)
    connection.execute("SELECT * FROM t").fetchall()
    assert connection.holds_turn  # still the same transaction
    connection.commit()
    assert not connection.holds_turn and lock_is_free(db_path)
    connection.close()


@pytest.mark.parametrize("end", ["rollback", "close", "drop", "with", "with-error"])
def test_every_end_of_a_transaction_gives_the_turn_back(db_path, end):
    connection = connect(db_path)
    if end.startswith("with"):  # `with connection:` commits or rolls back on its own
        with pytest.raises(ValueError) if end == "with-error" else contextlib.nullcontext():
            with connection:
                connection.execute("INSERT INTO t VALUES (1)")
                assert connection.holds_turn
                if end == "with-error":
                    raise ValueError
        assert lock_is_free(db_path)
        return
    connection.cursor().executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
    assert connection.holds_turn
    if end == "drop":  # a connection lost without close() must not keep the others waiting
        del connection
        gc.collect()
    else:
        getattr(connection, end)()
    assert lock_is_free(db_path)


def test_a_statement_outside_a_transaction_gives_it_back_at_once(db_path):
    connection = connect(db_path)
    connection.execute("CREATE TABLE u (y)")  # DDL runs in autocommit here
    assert not connection.holds_turn and lock_is_free(db_path)
    with pytest.raises(sqlite3.OperationalError):
        connection.execute("INSERT INTO no_such_table VALUES (1)")
    assert not connection.holds_turn and lock_is_free(db_path)
    connection.executescript("INSERT INTO t VALUES (3); INSERT INTO t VALUES (4);")
    assert not connection.holds_turn
    connection.close()


def test_a_second_writer_waits_for_the_first_then_writes(db_path):
    first, second = connect(db_path), connect(db_path)
    first.execute("INSERT INTO t VALUES (1)")
    done = threading.Event()

    def write():
        second.execute("INSERT INTO t VALUES (2)")
        second.commit()
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    # It waits at the lock file, before SQLite: it has not begun a transaction.
    assert not done.wait(0.3)
    assert not second.in_transaction and not second.holds_turn
    reader = connect(db_path)
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)  # reads go on
    reader.close()
    first.commit()
    writer.join(timeout=30)
    assert done.is_set()
    assert sorted(first.execute("SELECT x FROM t").fetchall()) == [(1,), (2,)]
    first.close()
    second.close()


def test_the_wait_is_bounded_by_the_busy_timeout(db_path):
    """A transaction left open does not block the others for ever: past the connection's
    timeout SQLite itself answers, as it would without the lock file."""
    holder = connect(db_path)
    holder.execute("INSERT INTO t VALUES (1)")
    waiter = connect(db_path, timeout=0.2)
    errors = []

    def write():
        try:
            waiter.execute("INSERT INTO t VALUES (2)")
        except sqlite3.OperationalError as error:
            errors.append(str(error))

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert errors == ["database is locked"]
    holder.rollback()
    waiter.close()
    holder.close()


def test_a_thread_never_waits_for_its_own_other_connection(db_path):
    holder, other = connect(db_path), connect(db_path, timeout=0.1)
    holder.execute("INSERT INTO t VALUES (1)")
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("INSERT INTO t VALUES (2)")  # straight to SQLite, which says so
    assert not other.holds_turn
    assert time.monotonic() - started < 10
    holder.commit()
    other.rollback()  # its BEGIN went through
    other.execute("INSERT INTO t VALUES (2)")  # and takes its turn once the thread is free
    assert other.holds_turn
    other.commit()
    holder.close()
    other.close()


def test_writers_in_other_processes_take_turns_too(db_path):
    """A process that holds the turn makes this one wait until it commits."""
    script = (
        "import sqlite3, sys, time\n"
        "from database.sqlite_writers import TurnTakingConnection\n"
        "c = sqlite3.connect(sys.argv[1], factory=TurnTakingConnection)\n"
        "c.execute('INSERT INTO t VALUES (1)')\n"
        "print('holding', flush=True)\n"
        "sys.stdin.readline()\n"
        "c.commit()\n"
    )
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    with subprocess.Popen([sys.executable, "-c", script, str(db_path)], env=env,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout.readline() == "holding\n"
            connection = connect(db_path)
            done = threading.Event()
            thread = threading.Thread(target=lambda: (
                connection.execute("INSERT INTO t VALUES (2)"), connection.commit(),
                done.set()))
            thread.start()
            assert not done.wait(0.3) and not connection.in_transaction
            holder.stdin.write("\n")
            holder.stdin.flush()
            thread.join(timeout=30)
            assert done.is_set()
            assert connection.execute("SELECT count(*) FROM t").fetchone() == (2,)
            connection.close()
        finally:
            holder.kill()


def test_in_memory_databases_have_no_lock_file():
    connection = sqlite3.connect(":memory:", factory=TurnTakingConnection)
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    assert not connection.holds_turn
    connection.close()


def test_the_apps_engine_takes_turns(db_path):
    engine = make_engine(f"sqlite:///{db_path}")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        assert connection.connection.driver_connection.holds_turn
        assert not lock_is_free(db_path)
    assert lock_is_free(db_path)
    engine.dispose()


def test_the_embedded_queue_takes_turns_too(tmp_path):
    from webapp import create_app

    from .conftest import make_config

    app = create_app(make_config(tmp_path, f"sqlite:///{tmp_path / 'app.sqlite3'}"))
    queue = app.extensions["queue"]
    queue.enqueue_after_commit("notice", [1])
    storage = queue.huey.storage
    assert isinstance(storage.conn, TurnTakingConnection)
    assert not storage.conn.holds_turn and queue.huey.pending_count() == 1
    assert lock_is_free(storage.filename)  # taken for the put, given back at its commit
    assert os.path.exists(lock_file_for(storage.filename))
    app.extensions["database"].dispose()


def test_a_forked_child_takes_its_own_turn(db_path):
    """The parent's turn is not the child's: the child waits for it like any other writer."""
    parent = connect(db_path)
    parent.execute("INSERT INTO t VALUES (1)")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a new connection must wait for the parent's commit
        try:
            child = connect(db_path, timeout=0.2)
            try:
                child.execute("INSERT INTO t VALUES (2)")
                outcome = b"wrote"
            except sqlite3.OperationalError:
                outcome = b"waited"
            # Its main thread has the parent's thread id: the parent's turn must not count as
            # its own, or it would skip the lock file.
            inherited = len(sqlite_writers._turns_held)
            os.write(write, outcome + b" %d" % inherited)
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    parent.rollback()
    parent.close()
    assert answer == b"waited 0"  # SQLite refused after the wait; no turn of the parent's
