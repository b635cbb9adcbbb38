"""The PlanQA a running page answers with, and the document-library actions that replace it.

Adding or removing a document changes the library, rebuilds the index (only new passages
are embedded) and swaps in a fresh PlanQA; questions asked meanwhile keep using the old one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant import PlanQA
from corpus import PlanqaError
from corpus.library import Library


@dataclass(frozen=True)
class LibraryReport:
    """What an upload or removal did: one line per file, and whether any of them failed."""

    lines: tuple[str, ...]
    failed: bool


class LiveQA:
    """Holds the current PlanQA; ``reload`` (None: read-only page) builds a new one from the library."""

    def __init__(self, qa: PlanQA, reload: Callable[[], PlanQA] | None = None, library: Library | None = None):
        self.qa = qa
        self._reload = reload
        self.library = library or Library()
        self._lock = threading.Lock()

    @property
    def editable(self) -> bool:
        return self._reload is not None

    def rows(self) -> list[dict[str, str]]:
        """The library's documents with their indexed passage counts (for the library table)."""
        passages = self.qa.catalog().passages
        return [
            {**vars(e.meta), "passages": str(passages.get(e.meta.doc_id, 0)),
             "origin": "内置" if e.builtin else f"添加于 {e.added_at}"}
            for e in self.library.entries()
        ]

    def add(self, paths: Sequence[str | Path], title: str = "", region: str = "", period: str = "") -> LibraryReport:
        """Add files (title applies to a single file), then re-index once; bad files are reported, not raised."""
        if self._reload is None:
            return LibraryReport(("此页面为只读，不能添加文档 / this page is read-only",), True)
        if not paths:
            return LibraryReport(("请先选择文件 / choose one or more files first",), True)
        lines, failed, changed = [], False, False
        with self._lock:
            for path in paths:
                try:
                    change = self.library.add(
                        path, title=title.strip() if len(paths) == 1 else None,
                        region=region.strip() or None, period=period.strip() or None,
                    )
                except PlanqaError as exc:
                    lines.append(f"✖ {Path(path).name}：{exc}")
                    failed = True
                    continue
                verb = "已添加" if change.action == "added" else "已替换"
                lines.append(f"✔ {verb}《{change.entry.meta.title}》（{change.entry.meta.doc_id}）")
                changed = True
            if changed:
                lines.append(self._rebuild())
        return LibraryReport(tuple(lines), failed)

    def remove(self, doc_id: str) -> LibraryReport:
        if self._reload is None:
            return LibraryReport(("此页面为只读，不能删除文档 / this page is read-only",), True)
        with self._lock:
            try:
                entry = self.library.remove(doc_id)
            except PlanqaError as exc:
                return LibraryReport((f"✖ {exc}",), True)
            return LibraryReport((f"✔ 已删除《{entry.meta.title}》（{doc_id}）", self._rebuild()), False)

    def _rebuild(self) -> str:
        assert self._reload is not None
        try:
            self.qa = self._reload()
        except PlanqaError as exc:  # the library changed; the next start (or change) re-indexes it
            return f"✖ 索引未更新 / index not updated: {exc}"
        chunks = sum(self.qa.catalog().passages.values())
        return f"索引已更新：{len(self.qa.documents)} 份文档，{chunks} 段 / index updated"
