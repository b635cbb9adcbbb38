"""The real `planqa serve` in a subprocess, shared by the browser and API tests."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.load import free_port, is_up

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 180


@contextlib.contextmanager
def serve(index_dir: Path, workdir: Path, home: Path | None = None) -> Iterator[str]:
    """Run `planqa serve` on a free loopback port (PLANQA_HOME=``home`` if given); yield its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path = workdir / "serve.log"
    command = [sys.executable, "-m", "planqa", "serve", "--index-dir", str(index_dir), "--port", str(port)]
    env = {**os.environ, **({"PLANQA_HOME": str(home)} if home else {})}
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not is_up(url):
            if process.poll() is not None:
                pytest.fail(f"planqa serve exited with {process.returncode}:\n{log_path.read_text(encoding='utf-8')}")
            if time.monotonic() > deadline:
                pytest.fail(f"planqa serve did not answer in {STARTUP_SECONDS} s:\n{log_path.read_text('utf-8')}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def server_url(qa, index_dir, tmp_path_factory) -> Iterator[str]:
    """URL of a running server on a free loopback port (``qa`` first makes sure the index is built)."""
    with serve(index_dir, tmp_path_factory.mktemp("serve")) as url:
        yield url
