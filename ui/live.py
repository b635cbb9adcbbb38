"""The PlanQA a running page answers with, and the document-library actions that replace it.

Adding or removing a document changes the library, rebuilds the index (only new passages
are embedded) and swaps in a fresh PlanQA; questions asked meanwhile keep using the old one.

With ``background=True`` (what ``planqa serve`` uses) the rebuild runs in a worker thread: an
upload returns as soon as the library has the file, answers come from the last good index until
the new one is ready, and :meth:`LiveQA.status` says how far indexing has got. Changes made while
a rebuild runs are picked up by one more rebuild when it ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant import PlanQA
from corpus import PlanqaError
from corpus.library import Library

# builds the index of the library (reporting (done, total) embedded passages) without loading it
Builder = Callable[[Callable[[int, int], None]], object]


@dataclass(frozen=True)
class LibraryReport:
    """What an upload or removal did: one line per file, and whether any of them failed."""

    lines: tuple[str, ...]
    failed: bool


class LiveQA:
    """Holds the current PlanQA; ``reload`` builds a new one from the library (None: read-only page).
    ``editable=False`` keeps a page with ``reload`` read-only (it still catches up after a restart).

    ``build``: builds the library's index with a progress callback (then ``reload`` only loads it);
    without it ``reload`` does both. ``background``: rebuild in a worker thread (see the module doc).
    """

    def __init__(
        self, qa: PlanQA, reload: Callable[[], PlanQA] | None = None, library: Library | None = None,
        build: Builder | None = None, background: bool = False, editable: bool | None = None,
        watch: bool = False,
    ):
        self.qa = qa
        self._editable = reload is not None if editable is None else editable and reload is not None
        self._reload = reload
        self._build = build
        self.background = background
        self.watch = background or watch  # the page polls status() (a background rebuild may swap the index)
        self.library = library or Library()
        self._lock = threading.Lock()  # one library change at a time
        self._state = threading.Condition()
        self._pending = False  # a change the index does not reflect yet
        self._worker: threading.Thread | None = None
        self._progress: tuple[int, int] = (0, 0)
        self._last = ""  # the last rebuild's outcome

    @property
    def editable(self) -> bool:
        """Whether the page may add and remove documents (``planqa serve --allow-edit``)."""
        return self._editable

    def rows(self) -> list[dict[str, str]]:
        """The library's documents with their indexed passage counts (for the library table)."""
        passages = self.qa.catalog().passages
        return [
            {**vars(e.meta), "passages": str(passages.get(e.meta.doc_id, 0)),
             "origin": "内置" if e.builtin else f"添加于 {e.added_at}"}
            for e in self.library.entries()
        ]

    def add(self, paths: Sequence[str | Path], title: str = "", region: str = "", period: str = "") -> LibraryReport:
        """Add files (title applies to a single file), then re-index once. All files are checked first:
        one bad file means none is added, and the report says why for every bad one."""
        if not self.editable:
            return LibraryReport(("此页面为只读，不能添加文档 / this page is read-only",), True)
        if not paths:
            return LibraryReport(("请先选择文件 / choose one or more files first",), True)
        with self._lock:
            try:
                changes = self.library.add_many(
                    paths, title=title.strip() if len(paths) == 1 else None,
                    region=region.strip() or None, period=period.strip() or None,
                )
            except PlanqaError as exc:
                return LibraryReport(tuple(f"✖ {line.strip()}" for line in str(exc).splitlines()), True)
            lines = [
                f"✔ {'已添加' if c.action == 'added' else '已替换'}《{c.entry.meta.title}》（{c.entry.meta.doc_id}）"
                for c in changes
            ]
            return LibraryReport((*lines, self._rebuild()), False)

    def remove(self, doc_id: str) -> LibraryReport:
        if not self.editable:
            return LibraryReport(("此页面为只读，不能删除文档 / this page is read-only",), True)
        with self._lock:
            try:
                entry = self.library.remove(doc_id)
            except PlanqaError as exc:
                return LibraryReport((f"✖ {exc}",), True)
            return LibraryReport((f"✔ 已删除《{entry.meta.title}》（{doc_id}）", self._rebuild()), False)

    # --- indexing ------------------------------------------------------------------------------

    def start_indexing(self) -> None:
        """Bring the index up to date with the library in the background (after a restart)."""
        with self._state:
            self._pending = True
            self._start_worker()

    @property
    def indexing(self) -> bool:
        with self._state:
            return self._pending or (self._worker is not None and self._worker.is_alive())

    def status(self) -> str:
        """One line for the page: indexing progress, or the outcome of the last rebuild."""
        with self._state:
            busy = self._pending or (self._worker is not None and self._worker.is_alive())
            done, total = self._progress
        if busy:
            counted = f"（已嵌入 {done}/{total} 段）" if total else ""
            return f"正在更新索引{counted}，期间回答来自上一版索引 / indexing{f' {done}/{total}' if total else ''}…"
        return self._last

    def wait_idle(self, timeout: float = 600) -> bool:
        """Wait until no rebuild is pending or running; False on timeout."""
        deadline = time.monotonic() + timeout
        while self.indexing:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def _rebuild(self) -> str:
        if self.background:
            self.start_indexing()
            return "正在更新索引，完成前回答来自上一版索引 / indexing in the background"
        return self._rebuild_now()

    def _rebuild_now(self) -> str:
        assert self._reload is not None
        try:
            if self._build is not None:
                self._build(self._on_progress)
            self.qa = self._reload()
        except PlanqaError as exc:  # the library changed; the next start (or change) re-indexes it
            self._last = f"✖ 索引未更新 / index not updated: {exc}"
            return self._last
        chunks = sum(self.qa.catalog().passages.values())
        self._last = f"索引已更新：{len(self.qa.documents)} 份文档，{chunks} 段 / index updated"
        return self._last

    def _on_progress(self, done: int, total: int) -> None:
        with self._state:
            self._progress = (done, total)

    def _start_worker(self) -> None:  # with self._state held
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="planqa-indexing", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while True:
            with self._state:
                if not self._pending:
                    self._progress = (0, 0)
                    return
                self._pending = False
                self._progress = (0, 0)
            try:
                self._rebuild_now()
            except Exception as exc:  # a worker thread must report, not die silently
                self._last = f"✖ 索引未更新 / index not updated: {type(exc).__name__}: {exc}"
