"""What an anonymous visitor can make a served page do, measured against the real `planqa serve`
from a second client (ui.process, tests/ui/page_client.py): exports stay bounded on disk, refusals
cost one short log line, oversized documents are refused in seconds and little memory, refused
uploads leave nothing behind, and no answer carries a server path."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.samples import PROVINCE_PLAN, near_limit_docx
from tests.ui.page_client import Page, PageError
from ui.exports import KEPT, Exports
from ui.process import free_port, serve_command, server_process

QUESTION = "鄂州打算建多少5G基站？"
EXPORTED = "问答记录"


@dataclass(frozen=True)
class Served:
    """A server subprocess and where it writes: its log, Gradio's temp folder, the system temp folder."""

    url: str
    pid: int
    log: Path
    work: Path

    @property
    def uploads(self) -> Path:
        return self.work / "gradio"

    def log_text(self, start: int = 0) -> str:
        return self.log.read_bytes()[start:].decode("utf-8", errors="replace")

    def log_size(self) -> int:
        return self.log.stat().st_size

    def peak_rss_mb(self) -> float:
        """The server's peak resident memory since it started."""
        return self._status_mb("VmHWM")

    def rss_mb(self) -> float:
        return self._status_mb("VmRSS")

    def _status_mb(self, field: str) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field))) / 1024


def start(index_dir: Path, work: Path, args: list[str] = ()) -> Iterator[Served]:
    for folder in ("gradio", "tmp", "home"):
        (work / folder).mkdir(parents=True, exist_ok=True)
    env = {"GRADIO_TEMP_DIR": str(work / "gradio"), "TMPDIR": str(work / "tmp"), "PLANQA_HOME": str(work / "home")}
    port = free_port()
    with server_process(serve_command(index_dir, port, args=args), port, env) as server:
        assert server.log is not None
        yield Served(server.url, server.pid, server.log, work)


@pytest.fixture(scope="module")
def read_only(qa, index_dir, tmp_path_factory) -> Iterator[Served]:
    """The default server: read-only, no login, anyone may use it."""
    yield from start(index_dir, tmp_path_factory.mktemp("read-only"))


@pytest.fixture(scope="module")
def editable(qa, index_dir, tmp_path_factory) -> Iterator[Served]:
    """An editable server on loopback (no login needed there), on a copy of the index."""
    work = tmp_path_factory.mktemp("editable")
    shutil.copytree(index_dir, work / "index")
    yield from start(work / "index", work, ["--allow-edit"])


def exported_files(work: Path) -> list[Path]:
    return [p for p in work.rglob(f"{EXPORTED}*") if p.is_file()]


# --- exports ------------------------------------------------------------------------------------


def test_exports_from_anonymous_sessions_stay_bounded_on_disk(read_only):
    page = Page(read_only.url)
    for _ in range(KEPT + 6):  # more sessions than are kept, each asking once and exporting once
        visitor = page.session()
        visitor.ask(QUESTION)
        visitor.call("pq-export", "click", [None, ".docx"])
    repeat = page.session()
    repeat.ask(QUESTION)
    links = [repeat.call("pq-export", "click", [None, kind])[0]["value"]["url"] for kind in (".docx", ".md", ".docx")]

    files = exported_files(read_only.work)
    assert len(files) == KEPT, f"{len(files)} export files on disk after {KEPT + 9} exports"
    assert not list((read_only.work / "tmp").glob("planqa-export-*"))
    latest = httpx.get(links[-1], timeout=30)
    assert latest.status_code == 200 and latest.content.startswith(b"PK")  # the newest export downloads
    assert all(httpx.get(link, timeout=30).status_code in (403, 404) for link in links[:-1])  # replaced: gone


def test_exports_keep_one_file_per_session_and_the_newest_in_all(tmp_path):
    exports = Exports(kept=2, root=tmp_path / "exports", served=set())

    def write(text: str):
        def writer(path: Path) -> Path:
            path.write_text(text, encoding="utf-8")
            exports.served.add(str(path))
            return path
        return writer

    first = exports.write("a", "x.md", write("a1"))
    second = exports.write("a", "x.md", write("a2"))  # replaces a's first export
    assert not first.exists() and second.read_text(encoding="utf-8") == "a2"
    exports.write("b", "x.md", write("b1"))
    exports.write("c", "x.md", write("c1"))  # a's export is now the oldest beyond 2: deleted
    assert sorted(p.read_text(encoding="utf-8") for p in exports.files()) == ["b1", "c1"]
    assert exports.served == {str(p) for p in exports.files()}
    def disk_full(path: Path) -> Path:
        raise OSError("disk full")

    with pytest.raises(OSError):
        exports.write("d", "x.md", disk_full)
    assert len(exports.files()) == 2 and len(list(exports.root.iterdir())) == 2  # no folder left by the failure


def test_docx_exports_in_a_row_do_not_pile_up_in_memory(read_only):
    visitor = Page(read_only.url).session()
    visitor.ask(QUESTION)
    visitor.call("pq-export", "click", [None, ".docx"])
    before = read_only.rss_mb()
    for _ in range(250):
        visitor.call("pq-export", "click", [None, ".docx"])
    grown = read_only.rss_mb() - before
    assert grown < 80, f"250 exports grew the server by {grown:.0f} MB"  # was ~150 MB (ui.exports)


def test_an_export_before_any_question_writes_nothing(read_only):
    before = exported_files(read_only.work)
    _, hint = Page(read_only.url).session().call("pq-export", "click", [None, ".md"])
    assert "先提问" in hint and exported_files(read_only.work) == before


# --- refusals: one log line each -----------------------------------------------------------------


def rest_ask(http: httpx.Client, url: str, data: list) -> str:
    event = http.post(url + "gradio_api/call/ask", json={"data": data}).json()["event_id"]
    return http.get(url + f"gradio_api/call/ask/{event}").text


def test_500_unknown_documents_write_500_short_lines_and_no_traceback(read_only):
    http = httpx.Client(timeout=120)
    start_at = read_only.log_size()
    for _ in range(500):
        assert "unknown document" in rest_ask(http, read_only.url, [QUESTION, "hybrid", 3, "", "no-such-plan", ""])
    logged = read_only.log_text(start_at)
    assert "Traceback" not in logged
    lines = [line for line in logged.splitlines() if "unknown document" in line]
    assert len(lines) == 500 and all(len(line) < 400 for line in lines)


def test_an_18_9_mb_argument_grows_the_log_by_one_short_line(read_only):
    http = httpx.Client(timeout=120)
    start_at = read_only.log_size()
    for value in ("x" * 18_900_000, "9" * 18_900_000):
        stream = rest_ask(http, read_only.url, [QUESTION, "hybrid", value, "", "", ""])
        assert "k must be a whole number" in stream and len(stream) < 2000  # the answer quotes it cut, too
    grown = read_only.log_size() - start_at
    assert grown < 2000, f"the log grew by {grown:,} bytes"
    assert read_only.log_text(start_at).count("\n") == 2


def test_bad_input_to_a_page_handler_is_one_line(read_only):
    start_at = read_only.log_size()
    visitor = Page(read_only.url).session()
    with pytest.raises(PageError, match="invalid input"):
        visitor.call("pq-send", "click", [QUESTION, [], None, "m" * 1_000_000, 3, "", "", ""])  # not a mode
    logged = read_only.log_text(start_at)
    assert "Traceback" not in logged and logged.count("\n") == 1 and len(logged) < 500


def test_an_unknown_handler_index_is_a_400_not_a_500(read_only):
    start_at = read_only.log_size()
    answer = httpx.post(read_only.url + "gradio_api/queue/join", timeout=30, json={
        "data": [], "fn_index": 999, "session_hash": "probe", "event_data": None, "trigger_id": 1})
    assert answer.status_code == 400 and "unknown fn_index 999" in answer.json()["detail"]
    logged = read_only.log_text(start_at)
    assert "Traceback" not in logged and "KeyError" not in logged and "unknown fn_index" in logged


def test_json_api_refusals_are_one_short_line_each(read_only):
    refused = [  # (body, status, message): ui.api's errors, values cut (ui.arguments, ui.rejections)
        ({"question": QUESTION, "k": "9" * 18_900_000}, 400, "k must be a whole number"),
        (b'{"question": "5G", "k": ' + b"9" * 18_900_000 + b"}", 400, "not valid JSON"),  # int() refuses it
        (b"[" * 100_000, 400, "not valid JSON"),  # nested past the parser's recursion limit
        ({"question": QUESTION, "doc": "x" * 1_000_000}, 400, "unknown document"),
        ({"question": QUESTION, "x" * 1_000_000: 1}, 400, "unknown field"),
        (None, 405, "use POST"),
    ]
    http = httpx.Client(timeout=120)
    start_at = read_only.log_size()
    for body, status, message in refused:
        if body is None:
            answer = http.get(read_only.url + "api/ask")
        else:
            content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
            answer = http.post(read_only.url + "api/ask", content=content)
        assert answer.status_code == status and message in answer.json()["error"], answer.text[:500]
        assert len(answer.text) < 2000
    logged = read_only.log_text(start_at)
    assert "Traceback" not in logged
    lines = logged.splitlines()
    assert len(lines) == len(refused) and all(line.startswith("planqa: rejected /api/ask") for line in lines)
    assert all(len(line) < 500 for line in lines), max(map(len, lines))


def test_a_session_keeps_no_more_of_a_huge_question_than_is_read(read_only):
    visitor = Page(read_only.url).session()
    for _ in range(3):
        history, *_ = visitor.ask(QUESTION + "基站" * 1_000_000)
    asked, answered = str(history[-2]["content"]), str(history[-1]["content"])
    assert "问题过长" in answered and len(asked) < 10_000  # read in part, and kept only in part
    exported = visitor.call("pq-export", "click", [None, ".md"])[0]
    assert Path(exported["value"]["path"]).stat().st_size < 100_000


# --- uploads on an editable page -----------------------------------------------------------------


def test_the_near_limit_docx_upload_is_refused_in_seconds_and_little_memory(editable):
    visitor = Page(editable.url).session()
    started = time.monotonic()
    upload = visitor.upload("near.docx", near_limit_docx())
    status = visitor.call("pq-add", "click", [[upload], "", "", ""])[0]
    seconds = time.monotonic() - started
    assert "文档过长 / near.docx has more than 61,000 paragraphs" in status
    assert seconds < 5, f"refused after {seconds:.1f} s"
    assert editable.peak_rss_mb() < 500, f"server peak RSS {editable.peak_rss_mb():.0f} MB"


def test_refusals_show_no_server_path_and_leave_no_file(editable):
    visitor = Page(editable.url).session()
    status = visitor.call("pq-add", "click", [[visitor.upload("empty.txt", b"")], "", "", ""])[0]
    assert "empty file: empty.txt" in status and str(editable.uploads) not in status and "/tmp" not in status
    with pytest.raises(PageError, match=r"unsupported file type: tool\.exe"):  # refused by the type check
        visitor.call("pq-add", "click", [[visitor.upload("tool.exe", b"MZ\x90\x00")], "", "", ""])
    assert not [p for p in editable.uploads.rglob("*") if p.is_file()]


def test_an_added_upload_leaves_no_temp_file(editable):
    visitor = Page(editable.url).session()
    status = visitor.call("pq-add", "click", [[visitor.upload("hubei.txt", PROVINCE_PLAN.encode())], "", "", ""])[0]
    assert "已添加" in status
    assert not [p for p in editable.uploads.rglob("*") if p.is_file()]  # neither the upload nor an empty temp file
