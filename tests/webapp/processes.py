"""Real `flask delivery ...` processes for the fault tests (and the delivery benchmark).

Each process is started with its own environment, as the Procfile would start it, logs to a
file, and is ended by its own pid only: `kill()` is SIGKILL (a crash), `stop()` is SIGTERM
(a deploy), and `Processes.close()` kills whatever is still running when a test ends.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def flask_env(
    *,
    instance_path: Path,
    database_url: str,
    sendgrid_url: str,
    redis_url: str | None = None,
    timeout_seconds: float = 5.0,
    secret_key: str = "test-secret",
    mail_from_address: str = "letters@campaign.example",
    **extra: str,
) -> dict[str, str]:
    """The environment of a worker that shares the test app's database, queue and secrets."""
    env = {
        # Only what a process needs from the outer environment: nothing of the test run's own
        # settings (DATABASE_URL, REDIS_URL, APP_ENV...) may leak into the worker.
        name: os.environ[name]
        for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
        if name in os.environ
    }
    env.update(
        PYTHONUNBUFFERED="1",
        INSTANCE_PATH=str(instance_path),
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        MAIL_BACKEND="sendgrid",
        SENDGRID_API_KEY="SG.test",
        SENDGRID_API_HOST=sendgrid_url,
        SENDGRID_TIMEOUT_SECONDS=str(timeout_seconds),
        MAIL_FROM_ADDRESS=mail_from_address,
        BASE_URL="http://127.0.0.1:5000",
        RATELIMIT_ENABLED="false",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


class FlaskProcess:
    """One `python -m flask ...` process, its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path):
        self.args = args
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115  (closed in wait/kill/stop)
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "flask", *args],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        # The child writes to the file itself; this process never writes to it.
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: the process dies at once, wherever it is, with nothing cleaned up."""
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self._log.close()

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM (what a process manager sends), then SIGKILL if it does not end in time."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()
        return self.popen.returncode

    def wait(self, timeout: float) -> int:
        """Wait for a process that ends by itself (`--once`); kill it if it does not."""
        try:
            code = self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"`flask {' '.join(self.args)}` did not end in {timeout} s:\n"
                                 f"{self.output()}") from None
        self._log.close()
        return code


class Processes:
    """The processes a test started; whatever still runs at the end is killed, by pid."""

    def __init__(self, directory: Path, env: dict[str, str]):
        self.directory = directory
        self.env = env
        self.started: list[FlaskProcess] = []

    def start(self, *args: str, **env_changes: str) -> FlaskProcess:
        env = dict(self.env, **env_changes)
        log_path = self.directory / f"process-{len(self.started) + 1}-{'-'.join(args[:2])}.log"
        process = FlaskProcess(list(args), env, log_path)
        self.started.append(process)
        return process

    def worker(self, threads: int = 2, **env_changes: str) -> FlaskProcess:
        return self.start("delivery", "worker", "--threads", str(threads), **env_changes)

    def run(self, *args: str, timeout: float = 30.0, **env_changes: str) -> str:
        """Run a command to its end (e.g. `delivery sweep --once`); return its output."""
        process = self.start(*args, **env_changes)
        code = process.wait(timeout)
        output = process.output()
        assert code == 0, f"`flask {' '.join(args)}` exited with {code}:\n{output}"
        return output

    def close(self) -> None:
        for process in self.started:
            if process.alive():
                process.kill()
            elif not process._log.closed:
                process._log.close()

    def logs(self) -> str:
        return "\n".join(f"--- {' '.join(p.args)} (pid {p.pid})\n{p.output()}"
                         for p in self.started)


def wait_until(predicate: Callable[[], object], timeout: float, what: str,
               interval: float = 0.05, on_timeout: Callable[[], str] | None = None):
    """Poll until `predicate()` is true and return its value, or fail saying what we waited for."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            extra = f"\n{on_timeout()}" if on_timeout else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}{extra}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpProxy:
    """A TCP proxy on 127.0.0.1 in front of a server, which a test can cut and restore.

    Cutting closes every connection and stops listening, so the clients behind it see the
    server vanish (connections reset, new ones refused) while the real server keeps running
    for everyone else.
    """

    def __init__(self, target_host: str, target_port: int, port: int | None = None):
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> TcpProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        self._stop.clear()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        return self

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=3)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        try:
            while not self._stop.is_set():
                for key, _ in selector.select(timeout=0.1):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            for sock in (a, b):
                self._close(sock)

    def _close(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        try:
            sock.close()
        except OSError:
            pass

    def cut(self) -> None:
        """The server is gone: reset every connection and refuse new ones."""
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._close(sock)

    def restore(self) -> TcpProxy:
        """The server is back, on the same port."""
        return self.start()

    close = cut
