"""A check that runs at most once in a while, by one thread at a time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


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
