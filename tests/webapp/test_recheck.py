"""BackgroundRefresh: a value rebuilt in another thread while its callers go on with the old one.

Each load here waits for events the test sets, so that the order of things is the test's, not
the machine's: no sleeps.
"""

from __future__ import annotations

import logging
import sys
import threading

import pytest

from webapp.recheck import BackgroundRefresh


class Loads:
    """A load function whose calls each wait until the test lets them finish."""

    def __init__(self):
        self.calls: list[object] = []
        self.began = threading.Semaphore(0)
        self._results: list[tuple[threading.Event, object]] = []
        self._lock = threading.Lock()

    def __call__(self, current):
        with self._lock:
            self.calls.append(current)
            done, result = self._results[len(self.calls) - 1]
        self.began.release()
        assert done.wait(10), "the test never let this load finish"
        if isinstance(result, Exception):
            raise result
        return result

    def will_return(self, result) -> threading.Event:
        """The next call's result; set the returned event to let it return."""
        done = threading.Event()
        self._results.append((done, result))
        return done

    def wait_began(self) -> None:
        assert self.began.acquire(timeout=10), "no load began"


def ready(result, refresh: BackgroundRefresh, loads: Loads):
    """Let the first load return `result` and get it."""
    loads.will_return(result).set()
    value = refresh.get()
    loads.wait_began()  # that load's, so that the next wait_began is about the next load
    return value


def test_the_first_value_is_waited_for_and_loaded_once():
    loads = Loads()
    refresh = BackgroundRefresh(loads, seconds=3600, name="test")
    first = loads.will_return("v1")
    got: list[str] = []
    callers = [threading.Thread(target=lambda: got.append(refresh.get())) for _ in range(3)]
    for caller in callers:
        caller.start()
    loads.wait_began()
    assert not got  # nobody had anything to go on
    first.set()
    for caller in callers:
        caller.join(10)
    assert got == ["v1"] * 3 and loads.calls == [None]
    assert not loads.began.acquire(blocking=False)  # one load only


def test_a_due_rebuild_runs_in_the_background_and_replaces_the_value_when_ready():
    loads = Loads()
    refresh = BackgroundRefresh(loads, seconds=3600, name="test")
    assert ready("v1", refresh, loads) == "v1"
    second = loads.will_return("v2")
    refresh.invalidate()
    assert refresh.get() == "v1"  # starts the rebuild, does not wait for it
    loads.wait_began()
    # While it runs, callers get the old value at once and start no second rebuild.
    assert [refresh.get() for _ in range(5)] == ["v1"] * 5
    second.set()
    refresh.join(10)
    assert refresh.get() == "v2" and loads.calls == [None, "v1"]


def test_an_unchanged_check_keeps_the_value_until_the_next_one_is_due():
    loads = Loads()
    refresh = BackgroundRefresh(loads, seconds=3600, name="test")
    ready("v1", refresh, loads)
    loads.will_return(None).set()  # the data's version did not move
    refresh.invalidate()
    refresh.get()
    refresh.join(10)
    assert refresh.get() == "v1"
    assert len(loads.calls) == 2  # and nothing more is checked before `seconds` are up
    refresh.get()
    refresh.join(10)
    assert len(loads.calls) == 2


def test_a_change_during_a_rebuild_is_checked_again():
    loads = Loads()
    refresh = BackgroundRefresh(loads, seconds=3600, name="test")
    ready("v1", refresh, loads)
    second = loads.will_return("v2")
    refresh.invalidate()
    refresh.get()
    loads.wait_began()
    refresh.invalidate()  # the data changed again after the rebuild read it
    second.set()
    refresh.join(10)
    loads.will_return("v3").set()
    assert refresh.get() == "v2"  # and a new check begins
    refresh.join(10)
    assert refresh.get() == "v3"


def test_a_rebuild_begun_earlier_never_replaces_a_later_one():
    loads = Loads()
    refresh = BackgroundRefresh(loads, seconds=3600, name="test")
    ready("v1", refresh, loads)
    slow = loads.will_return("older")
    refresh.invalidate()
    refresh.get()
    loads.wait_began()
    loads.will_return("newer").set()
    assert refresh.refresh() == "newer"  # a command's rebuild, begun after the background one
    slow.set()
    refresh.join(10)
    assert refresh.get() == "newer"


def test_a_failed_rebuild_keeps_the_old_value_and_says_so(caplog):
    loads = Loads()
    refresh = BackgroundRefresh(loads, seconds=3600, name="the test value")
    ready("v1", refresh, loads)
    loads.will_return(RuntimeError("database gone")).set()
    refresh.invalidate()
    with caplog.at_level(logging.ERROR, logger="webapp.recheck"):
        refresh.get()
        refresh.join(10)
    assert refresh.get() == "v1"
    assert "rebuilding the test value failed" in caplog.text
    # Its traceback; not the error's own text, which the app's logs leave out once installed.
    assert "RuntimeError" in caplog.text


def test_a_failed_first_load_is_the_callers_error_and_is_tried_again():
    loads = Loads()
    refresh = BackgroundRefresh(loads, seconds=3600, name="test")
    loads.will_return(RuntimeError("not yet")).set()
    with pytest.raises(RuntimeError, match="not yet"):
        refresh.get()
    loads.will_return("v1").set()
    assert refresh.get() == "v1"


def test_threads_hand_the_interpreter_over_more_often_while_rebuilds_run():
    default = sys.getswitchinterval()
    loads = Loads()
    refresh = BackgroundRefresh(loads, seconds=3600, name="test")
    other = BackgroundRefresh(Loads(), seconds=3600, name="other")
    other_loads = other._load
    ready("v1", refresh, loads)
    assert sys.getswitchinterval() == default  # the first load is not a background rebuild
    ready("w1", other, other_loads)
    second, other_second = loads.will_return("v2"), other_loads.will_return("w2")
    refresh.invalidate()
    refresh.get()
    loads.wait_began()
    assert sys.getswitchinterval() == pytest.approx(0.001)
    other.invalidate()
    other.get()
    other_loads.wait_began()
    second.set()  # one rebuild ends while the other goes on: still shortened
    refresh.join(10)
    assert sys.getswitchinterval() == pytest.approx(0.001)
    other_second.set()
    other.join(10)
    assert sys.getswitchinterval() == default
    assert (refresh.get(), other.get()) == ("v2", "w2")


def test_a_failed_rebuild_gives_the_switch_interval_back():
    default = sys.getswitchinterval()
    loads = Loads()
    refresh = BackgroundRefresh(loads, seconds=3600, name="test")
    ready("v1", refresh, loads)
    failing = loads.will_return(RuntimeError("database gone"))
    refresh.invalidate()
    refresh.get()
    loads.wait_began()
    failing.set()
    refresh.join(10)
    assert sys.getswitchinterval() == default and refresh.get() == "v1"
