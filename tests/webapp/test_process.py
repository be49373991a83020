"""A web process's start-up leaves what it built out of the full garbage collections."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

import pytest

from webapp import process

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test run collects as usual


class Cycle:
    def __init__(self):
        self.me = self


def test_settle_freezes_what_lives_and_frees_starts_garbage_first(unfrozen):
    kept = {"lives as long as the process": [1]}
    garbage = Cycle()
    del garbage  # a cycle only a collection frees: frozen, it would never be
    collections = []
    gc.callbacks.append(lambda phase, info: phase == "stop" and collections.append(info))
    try:
        process.settle()
    finally:
        gc.callbacks.pop()
    assert sum(info["collected"] for info in collections) >= 1
    assert gc.get_freeze_count() > 0
    # Frozen objects are in no generation a collection walks.
    assert all(o is not kept for o in gc.get_objects())


def test_settle_loads_the_language_model_before_the_first_supporter(unfrozen, monkeypatch):
    loaded = []
    monkeypatch.setattr(process.language_check, "_identifier", lambda: loaded.append(True))
    process.settle()
    assert loaded == [True]


def test_gunicorn_settles_each_worker_once_it_has_loaded_the_app(unfrozen, monkeypatch):
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    called = []
    monkeypatch.setattr(process, "settle", lambda: called.append(True))
    settings["post_worker_init"](object())
    assert called == [True]
