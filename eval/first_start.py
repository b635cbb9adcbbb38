"""What a newcomer waits for: from the end of the install to the page answering a question.

    python -m eval.first_start --clone          # a fresh clone of this checkout: `make install`, then `make run`
    python -m eval.first_start                  # `make run` in this checkout, with a fresh $PLANQA_HOME

Runs ``make run`` on a free port with an empty $PLANQA_HOME (no library, no index: what a first start
finds) and POSTs a question to ``/api/ask`` every half second until it is answered. Prints the machine,
the install time (with ``--clone``), when the page first answered HTTP and when the question was
answered, counted from the moment ``make run`` started. Measured figures: docs/speed.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from eval.bench import machine
from eval.entry import run_module
from ui.process import ServerError, free_port, is_up

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "到2025年鄂州要建多少个5G基站？"
TIMEOUT = 600.0


def ask(url: str, question: str) -> dict | None:
    """The JSON answer of ``/api/ask``, or None while the server is not answering yet."""
    request = urllib.request.Request(f"{url}api/ask", data=json.dumps({"question": question}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def first_start(checkout: Path, question: str = QUESTION, timeout: float = TIMEOUT) -> dict:
    """Start ``make run`` in ``checkout`` with a fresh $PLANQA_HOME; seconds until the page was up and answered."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="planqa-first-start-") as home, \
            tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        env = {**os.environ, "PLANQA_HOME": home}
        started = time.monotonic()
        process = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=checkout, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        page = None
        try:
            while time.monotonic() - started < timeout:
                if process.poll() is not None:
                    log.seek(0)
                    raise ServerError(f"make run stopped (exit {process.returncode}): {log.read()[-2000:]}")
                if page is None and is_up(url):
                    page = time.monotonic() - started
                answer = ask(url, question)
                if answer is not None and answer.get("found"):
                    return {"page_up_s": round(page if page is not None else time.monotonic() - started, 1),
                            "answered_s": round(time.monotonic() - started, 1),
                            "short_answer": answer.get("short_answer", "")}
                time.sleep(0.5)
            raise ServerError(f"no answer within {timeout:.0f} s")
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def clone_and_install(into: Path) -> tuple[Path, float]:
    """A fresh clone of this checkout's HEAD with ``make install`` done; (its path, install seconds)."""
    checkout = into / "planqa"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(checkout)], check=True)
    started = time.monotonic()
    subprocess.run(["make", "install"], cwd=checkout, check=True, stdout=subprocess.DEVNULL)
    return checkout, round(time.monotonic() - started, 1)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clone", action="store_true", help="measure a fresh clone of this checkout's HEAD "
                        "(its install is timed apart)")
    parser.add_argument("--question", default=QUESTION)


def _run(args: argparse.Namespace) -> int:
    result: dict = {"machine": machine(), "load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="planqa-clone-") as work:
        checkout = ROOT
        if args.clone:
            checkout, result["install_s"] = clone_and_install(Path(work))
        result.update(first_start(checkout, args.question))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_module("python -m eval.first_start", __doc__.split("\n", 1)[0], _arguments, _run, argv)


if __name__ == "__main__":
    sys.exit(main())
