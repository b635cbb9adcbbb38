"""Files far over the passage limit are refused while they are read, in bounded time and memory
(corpus.limits); real documents are never refused by those bounds."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from corpus import CorpusError, chunk_document
from corpus.documents import SHIPPED_PLAN, read_document
from corpus.library import Library
from corpus.limits import TextBudget
from corpus.loaders import load_lines
from tests import samples
from tests.samples import PROVINCE_PLAN, long_docx, write

REPO = Path(__file__).resolve().parents[2]
REAL_DOCUMENTS = sorted(p for p in (REPO / "eval" / "data").rglob("*")
                        if p.suffix in (".txt", ".docx", ".pdf", ".html", ".htm") and p.is_file())


# `planqa` run so that it reports its own peak memory as it exits: /proc's VmHWM of the new program
# (getrusage's ru_maxrss would count the pytest process the child was forked from)
MEASURED_PLANQA = """
import atexit, sys
import planqa
atexit.register(lambda: sys.stderr.write(next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))))
sys.exit(planqa.main(sys.argv[1:]))
"""


def run_measured(args: list[str], env: dict[str, str], timeout: float = 60) -> tuple[int, float, float, str]:
    """``planqa args``: (exit status, wall seconds, peak RSS in MB, stderr); killed after ``timeout``."""
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", MEASURED_PLANQA, *args], cwd=REPO, env={**os.environ, **env},
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -9, time.monotonic() - started, float("nan"), f"killed after {timeout} s"
    seconds = time.monotonic() - started
    peak = re.search(r"^VmHWM:\s+(\d+) kB$", done.stderr, re.M)
    return done.returncode, seconds, int(peak.group(1)) / 1024 if peak else float("nan"), done.stderr


# --- the probe's file: 95 MB of paragraphs in a 300 kB .docx ------------------------------------


@pytest.fixture(scope="module")
def near_limit_docx(tmp_path_factory) -> Path:
    """95 MB of paragraphs, just under the 100 MB unpacked-size limit (the adversarial probe's file)."""
    path = tmp_path_factory.mktemp("near") / "near.docx"
    path.write_bytes(samples.near_limit_docx())
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    assert 90 * 2**20 < unpacked < 100 * 2**20 and path.stat().st_size < 2**20  # the probe's was 291 kB
    return path


def test_the_near_limit_docx_is_refused_in_seconds_and_little_memory(near_limit_docx, tmp_path):
    status, seconds, peak_mb, err = run_measured(["add", "--no-index", str(near_limit_docx)],
                                                 env={"PLANQA_HOME": str(tmp_path / "home")})
    assert status == 2, err
    assert "文档过长 / near.docx has more than 61,000 paragraphs" in err and "Traceback" not in err
    assert seconds < 5, f"refused after {seconds:.1f} s"
    assert peak_mb < 500, f"peak RSS {peak_mb:.0f} MB"
    assert not (tmp_path / "home" / "library" / "library.json").exists()


# --- every format, each bound, at a small limit -------------------------------------------------


def _html(rows: int) -> bytes:
    return ("<html><body>" + "<div><span>第一段。</span></div>" * rows + "</body></html>").encode()


def _pdf(pages: int) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for n in range(pages):
        pdf.drawString(72, 720, f"Page {n + 1}: 5G")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lines.txt", ("第一段。\n" * 1200).encode(), "more than 1,100 lines"),
        ("chars.md", ("规划" * 30_000).encode(), "more than 55,000 characters"),
        ("paragraphs.docx", long_docx(2000), "more than 1,100 paragraphs"),
        ("elements.docx", long_docx(20_000, "<w:r/><w:r/>"), "more than 51,500 XML elements"),
        ("text.docx", long_docx(1000, "<w:p><w:r><w:t>" + "长" * 60 + "</w:t></w:r></w:p>"),
         "more than 55,000 characters"),
        ("page.html", _html(30_000), "more than 51,500 HTML elements"),
        ("pages.pdf", _pdf(106), "more than 105 pages"),
    ],
)
def test_each_format_is_refused_at_its_bound(tmp_path, monkeypatch, name, content, message):
    monkeypatch.setenv("PLANQA_MAX_PASSAGES", "5")  # 1,100 lines, 55,000 characters, 51,500 elements, 105 pages
    library = Library(tmp_path / "library")
    source = tmp_path / name
    source.write_bytes(content)
    with pytest.raises(CorpusError, match=f"文档过长 / {name} has {message}"):
        library.add(source)
    assert not (library.root / "library.json").exists()


def test_a_docx_of_thousands_of_parts_is_refused_before_they_are_read(tmp_path):
    source = tmp_path / "parts.docx"
    with zipfile.ZipFile(source, "w") as archive:
        for n in range(10_001):
            archive.writestr(f"word/part{n}.xml", "<a/>")
    with pytest.raises(CorpusError, match=r"parts\.docx holds more than 10,000 files"):
        Library(tmp_path / "library").add(source)


# --- what the bounds never touch ------------------------------------------------------------------


@pytest.mark.parametrize("path", [SHIPPED_PLAN, *REAL_DOCUMENTS], ids=lambda p: p.name)
def test_a_real_document_passes_even_at_a_limit_of_its_own_passage_count(path):
    passages = len(chunk_document(read_document(path)))
    load_lines(path, TextBudget(path.name, passages))  # raises if any bound refused it


def test_documents_already_in_the_library_are_not_counted_again(tmp_path, monkeypatch):
    library = Library(tmp_path / "library")
    library.add(write(tmp_path, "hubei.txt", PROVINCE_PLAN))
    monkeypatch.setenv("PLANQA_MAX_PASSAGES", "1")  # lowered after the add: what is in the library still loads
    assert [d.meta.doc_id for d in library.load()] == ["ezhou-14th-five-year-plan", "hubei"]
    assert load_lines(SHIPPED_PLAN)[0]
