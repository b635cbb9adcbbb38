"""planqa installed as a package (`pip install .`, not editable) answers a question: no data file is missing.

The wheel is built from a copy of the source tree and installed with --no-deps into a fresh venv,
which sees this venv's dependencies through a .pth file (nothing is downloaded again). The question
is asked from a folder outside the source tree, so only the installed copy can be imported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "到2025年鄂州要建多少个5G基站？"
SKIPPED = shutil.ignore_patterns(".git", ".venv", "artifacts", "build", "dist", "*.egg-info", "__pycache__",
                                 ".pytest_cache", ".ruff_cache")


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_installed_wheel_answers_from_its_own_data(tmp_path):
    started = time.monotonic()
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=SKIPPED)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir",
         str(tmp_path / "dist"), str(source)], cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("planqa-*.whl"))

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index",
         str(wheel)], cwd=tmp_path)
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path).strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PLANQA_HOME"] = str(tmp_path / "home")
    where = run([str(python), "-c", "import assistant, corpus, index, ui; print(assistant.__file__, index.__file__)"],
                elsewhere, env)
    assert all(path.startswith(str(site)) for path in where.split()), where  # the installed copy, not the source

    answer = json.loads(run([str(venv / "bin" / "planqa"), "ask", QUESTION, "--json"], elsewhere, env))
    assert answer["found"] and answer["short_answer"] == "5000个", answer
    assert answer["citations"][0]["path"][-1] == "专栏4-6 数字经济领域重点工程"
    manifest = json.loads(next((tmp_path / "home").glob("indexes/*/builds/*/manifest.json")).read_text())
    assert manifest["embedded_chunks"] == 0  # the shipped vectors are installed with it
    assert time.monotonic() - started < 120
