"""Checks that run at most once in a while: in the calling thread, or in the background."""

from __future__ import annotations

import itertools
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class Recheck:
    """At most one check every `seconds`, by one thread at a time.

    While one thread checks, the others go on with what they have rather than wait: each
    waiting worker thread would hold its own database connection while the checking one needs
    another, which could leave none for it (see Database.fit_pool). Only a caller with nothing
    to go on (`wait=True`) waits for the check.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._lock = threading.Lock()
        # -inf, not 0: time.monotonic() may be smaller than `seconds` on a fresh machine.
        self._checked_at = float("-inf")

    def run_if_due(self, check: Callable[[], None], wait: bool = False) -> None:
        now = time.monotonic()
        if now - self._checked_at < self.seconds or not self._lock.acquire(blocking=wait):
            return
        try:
            if now - self._checked_at >= self.seconds:  # not done meanwhile by another thread
                check()
                self._checked_at = now
        finally:
            self._lock.release()

    def invalidate(self) -> None:
        """Check on the next use."""
        self._checked_at = float("-inf")


class _SwitchInterval:
    """The interpreter's switch interval, shortened while any background rebuild runs.

    A rebuild is Python's own work and holds the interpreter lock; a request thread of the same
    process that comes back from the database or Redis asks for the lock, and gets it only when
    the rebuilding thread is made to hand it over, one switch interval later (5 ms by default).
    A request makes a dozen such round trips, so it would wait a dozen intervals. While a
    rebuild runs the interval is `during`, and a request waits a fraction of that; the
    rebuild itself takes a little longer, which nobody waits for.
    """

    def __init__(self, during: float):
        self.during = during
        self._lock = threading.Lock()
        self._rebuilds = 0
        self._before = sys.getswitchinterval()

    @contextmanager
    def shortened(self) -> Iterator[None]:
        with self._lock:
            if self._rebuilds == 0:
                self._before = sys.getswitchinterval()
                sys.setswitchinterval(min(self._before, self.during))
            self._rebuilds += 1
        try:
            yield
        finally:
            with self._lock:
                self._rebuilds -= 1
                if self._rebuilds == 0:
                    sys.setswitchinterval(self._before)


_switch_interval = _SwitchInterval(during=0.001)


class BackgroundRefresh(Generic[T]):
    """A value rebuilt by a background thread when due; callers never wait for a rebuild.

    `get()` returns what is there and, at most every `seconds` (or after `invalidate()`),
    starts one thread that calls `load(current)`: a new value, or None when the current one is
    still good. The new value replaces the old when it is ready, so a request is never the one
    that waits for a large rebuild. Only the first value is waited for: there is nothing else
    to serve.
    """

    def __init__(self, load: Callable[[T | None], T | None], seconds: float, name: str):
        self.seconds = seconds
        self._load = load
        self._name = name
        self._value: T | None = None
        # Guards the bookkeeping below; never held while loading.
        self._lock = threading.Lock()
        self._first = threading.Lock()  # one thread loads the first value, the others wait
        self._due_at = float("-inf")
        # Bumped by invalidate(): a check that began before it must not count as done.
        self._generation = 0
        # Runs are numbered as they begin; a run never replaces the value of a later one.
        self._runs = itertools.count()
        self._installed = -1
        self._thread: threading.Thread | None = None

    def get(self) -> T:
        value = self._value
        if value is None:
            return self._first_value()
        if time.monotonic() >= self._due_at:
            self._start()
        return value

    def invalidate(self) -> None:
        """Check on the next use (this process just changed the data)."""
        with self._lock:
            self._generation += 1
            self._due_at = float("-inf")

    def refresh(self) -> T:
        """Check, and rebuild if needed, now and in this thread (commands and tests)."""
        self._run()
        return self.get()

    def join(self, timeout: float | None = None) -> None:
        """Wait for a rebuild under way, if any."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _first_value(self) -> T:
        with self._first:
            if self._value is None:
                self._run()
        assert self._value is not None  # load(None) returns a value or raises
        return self._value

    def _start(self) -> None:
        with self._lock:
            # is_alive rather than "is not None": after a fork the parent's thread is gone.
            busy = self._thread is not None and self._thread.is_alive()
            if busy or time.monotonic() < self._due_at:
                return
            self._thread = threading.Thread(target=self._background, name=self._name,
                                            daemon=True)
            self._thread.start()

    def _background(self) -> None:
        try:
            with _switch_interval.shortened():
                self._run()
        except Exception:
            # The old value goes on serving; the next check is `seconds` away.
            log.exception("rebuilding %s failed; the previous one is still used", self._name)

    def _run(self) -> None:
        with self._lock:
            run, generation, current = next(self._runs), self._generation, self._value
        started = time.monotonic()
        try:
            new = self._load(current)
        finally:
            with self._lock:
                if generation == self._generation:
                    self._due_at = max(self._due_at, started + self.seconds)
        if new is not None:
            with self._lock:
                if run > self._installed:
                    self._value, self._installed = new, run
