"""What a web process does once it has started, before it serves its first request."""

from __future__ import annotations

import gc

from letters import language_check


def settle() -> None:
    """Load what the first requests would otherwise wait for, then leave what start-up built
    out of the garbage collector's full collections.

    The language model is loaded on its first use, by step one: without this, the first
    supporter each process serves would wait for it.

    Modules, functions, classes, the app, its templates and the model live as long as the
    process, yet a full collection walks every one of them each time, and holds the
    interpreter lock while it does: a request or a lookup waits for it, and full collections
    come often while the directory of representatives is rebuilt in the background. Frozen,
    they are skipped (https://docs.python.org/3/library/gc.html#gc.freeze); reference counting
    still frees whatever of them is dropped later. The collection first leaves nothing of
    start-up's garbage to be frozen with them.
    """
    language_check.load_model()
    gc.collect()
    gc.freeze()
