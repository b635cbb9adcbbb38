"""`planqa serve` in a subprocess on a free loopback port: start it, wait until it answers, stop it.

Used by the load benchmark (eval.load) and by the tests that talk to a real server over HTTP::

    >>> with serve(index_dir) as url:                                 # doctest: +SKIP
    ...     httpx.get(url).status_code
    200
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus import PlanqaError

STARTUP_SECONDS = 180
_REPO_ROOT = Path(__file__).resolve().parents[1]


class ServerError(PlanqaError):
    """The server subprocess did not start."""


@dataclass(frozen=True)
class ServerProcess:
    """A running server: its URL, process id (for memory measurements) and the file its output goes to."""

    url: str
    pid: int
    log: Path | None = None


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_up(url: str) -> bool:
    """Whether a server answers ``url`` (any HTTP status: a login page counts)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except (urllib.error.URLError, OSError):
        return False


def serve_command(index_dir: Path | str, port: int, model: str | None = None, args: Sequence[str] = ()) -> list[str]:
    """The ``planqa serve`` command line for ``index_dir`` on loopback ``port``, plus ``args``."""
    command = [sys.executable, "-m", "planqa", "serve", "--index-dir", str(index_dir), "--port", str(port)]
    return command + (["--model", model] if model else []) + list(args)


@contextlib.contextmanager
def server_process(
    command: Sequence[str], port: int, env: dict[str, str] | None = None, startup_seconds: float = STARTUP_SECONDS,
) -> Iterator[ServerProcess]:
    """Run ``command`` (a server listening on loopback ``port``) until the block ends."""
    url = f"http://127.0.0.1:{port}/"
    with tempfile.NamedTemporaryFile("w+", encoding="utf-8", prefix="planqa-serve-", suffix=".log") as log:
        process = subprocess.Popen(list(command), cwd=_REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
        try:
            deadline = time.monotonic() + startup_seconds
            while not is_up(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise ServerError(f"服务未能启动 / the server did not start (exit {process.poll()}): "
                                      f"{log.read()[-2000:]}")
                time.sleep(0.5)
            yield ServerProcess(url, process.pid, Path(log.name))
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def serve(
    index_dir: Path | str, model: str | None = None, env: dict[str, str] | None = None, args: Sequence[str] = (),
) -> Iterator[str]:
    """``planqa serve`` on a free loopback port; yields its URL. ``env``: extra environment variables
    (e.g. its own PLANQA_HOME); ``args``: extra options (e.g. ``--allow-edit``)."""
    port = free_port()
    with server_process(serve_command(index_dir, port, model, args), port, env) as server:
        yield server.url
