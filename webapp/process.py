"""What a web process does once it has started, before it serves its first request."""

from __future__ import annotations

import gc


def settle() -> None:
    """Leave what start-up built out of the garbage collector's full collections.

    Modules, functions, classes, the app and its templates live as long as the process, yet a
    full collection walks every one of them each time, and holds the interpreter lock while it
    does: a request or a lookup waits for it, and full collections come often while the
    directory of representatives is rebuilt in the background. Frozen, they are skipped
    (https://docs.python.org/3/library/gc.html#gc.freeze); reference counting still frees
    whatever of them is dropped later. The collection first leaves nothing of start-up's
    garbage to be frozen with them.
    """
    gc.collect()
    gc.freeze()
