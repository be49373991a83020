"""`make run` (`flask dev`): Ctrl+C stops the web server and its worker, cleanly and quietly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError as error:  # an answer all the same (no campaign here)
        error.close()
    except OSError:
        return False
    return True


def _children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def test_ctrl_c_stops_server_and_worker_without_a_traceback(tmp_path):
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("FLASK_", "DATABASE_", "REDIS_", "APP_ENV"))}
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), PYTHONUNBUFFERED="1")
    setup = subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=PROJECT_ROOT,
                           env=env, capture_output=True, text=True, timeout=120)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    port = _free_port()
    # A session of its own, as a terminal's foreground job has: Ctrl+C signals the group.
    dev = subprocess.Popen([sys.executable, "-m", "flask", "dev", "--port", str(port)],
                           cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (_answers(f"http://127.0.0.1:{port}/") and _children_of(dev.pid)):
            assert dev.poll() is None and time.monotonic() < deadline, "dev server did not start"
            time.sleep(0.2)
        worker = _children_of(dev.pid)[0]
        os.killpg(dev.pid, signal.SIGINT)
        output, _ = dev.communicate(timeout=60)
    finally:
        if dev.poll() is None:
            os.killpg(dev.pid, signal.SIGKILL)
            dev.communicate()
    assert dev.returncode == 0, output
    for noise in ("Traceback", "Segmentation fault", "Aborted", "Terminated"):
        assert noise not in output, output
    status = Path(f"/proc/{worker}/status")
    assert not status.exists() or "zombie" in status.read_text(), "the worker still runs"
