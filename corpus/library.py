"""The document library: the shipped plan plus every file a user added with `planqa add`.

Layout under ``$PLANQA_HOME/library`` (default ``~/.cache/planqa/library``)::

    library.json        one entry per added document: metadata, SHA-256, stored file name
    files/<doc_id>.<ext> a copy of the added file's bytes (so the source can move or vanish)
    .lock               held while the library is changed

Adding validates the file completely (it must load and parse) before anything is written, so
a bad file is refused and the library stays as it was. A file whose bytes are already in the
library is refused as a duplicate; a file with the ``doc_id`` of an added document replaces it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from config import settings
from corpus.documents import SHIPPED_PLAN, load_document, load_shipped_plan, read_document, read_meta
from corpus.errors import CorpusError
from corpus.loaders import load_lines
from corpus.records import DocumentMeta, PlanDocument

LIBRARY_FORMAT = 1


def planqa_home() -> Path:
    """Where planqa keeps its data: $PLANQA_HOME, else ~/.cache/planqa."""
    return settings().home


@dataclass(frozen=True)
class LibraryEntry:
    """One document of the library; ``file`` is empty for the shipped plan."""

    meta: DocumentMeta
    sha256: str
    file: str = ""
    added_at: str = ""

    @property
    def builtin(self) -> bool:
        return not self.file


@dataclass(frozen=True)
class LibraryChange:
    """What `add` did: ``added`` a new document or ``replaced`` the one with the same id."""

    action: Literal["added", "replaced"]
    entry: LibraryEntry
    document: PlanDocument
    previous: LibraryEntry | None = None


class Library:
    """The documents planqa answers from.

    >>> lib = Library(tmp_root)                                  # doctest: +SKIP
    >>> lib.add("hubei-14th.pdf", region="湖北省").action        # doctest: +SKIP
    'added'
    >>> [d.meta.doc_id for d in lib.load()]                      # doctest: +SKIP
    ['ezhou-14th-five-year-plan', 'hubei-14th']
    """

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root else planqa_home() / "library"

    @property
    def files_dir(self) -> Path:
        return self.root / "files"

    def entries(self) -> list[LibraryEntry]:
        """The shipped plan first, then the added documents in the order they were added."""
        return [_shipped_entry(), *self._added()]

    def path_of(self, entry: LibraryEntry) -> Path:
        return SHIPPED_PLAN if entry.builtin else self.files_dir / entry.file

    def load(self) -> list[PlanDocument]:
        """Every document of the library, parsed; a stored file that went missing is a CorpusError."""
        # the shipped plan is parsed once, not also hashed the way entries() lists it
        return [load_shipped_plan(), *(load_document(self.files_dir / e.file, e.meta) for e in self._added())]

    def add(
        self, source: str | Path, *, title: str | None = None, region: str | None = None,
        period: str | None = None, doc_id: str | None = None,
    ) -> LibraryChange:
        """Add (or replace) one file; CorpusError for unreadable files and duplicates."""
        source = Path(source)
        document = read_document(source, title=title, region=region, period=period, doc_id=doc_id)
        meta = document.meta
        with self._locked():
            added = self._added()
            for entry in [_shipped_entry(), *added]:
                if entry.sha256 == document.sha256:
                    raise CorpusError(
                        f"重复文档 / duplicate: {source.name} has the same content as 《{entry.meta.title}》 "
                        f"({entry.meta.doc_id}), already in the library"
                    )
            if meta.doc_id == _shipped_entry().meta.doc_id:
                raise CorpusError(
                    f"不能替换内置规划 / {meta.doc_id} is the shipped plan; give the new file another id with --id"
                )
            previous = next((e for e in added if e.meta.doc_id == meta.doc_id), None)
            entry = LibraryEntry(meta, document.sha256, meta.doc_id + source.suffix.lower(),
                                 datetime.now(UTC).isoformat(timespec="seconds"))
            self.files_dir.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.files_dir / entry.file, source.read_bytes())
            kept = [e for e in added if e.meta.doc_id != meta.doc_id]
            self._save([*kept, entry])
            if previous is not None and previous.file != entry.file:
                (self.files_dir / previous.file).unlink(missing_ok=True)
        return LibraryChange("replaced" if previous else "added", entry, document, previous)

    def remove(self, doc_id: str) -> LibraryEntry:
        """Drop an added document and its stored file; CorpusError for the shipped plan or an unknown id."""
        with self._locked():
            added = self._added()
            entry = next((e for e in added if e.meta.doc_id == doc_id), None)
            if entry is None:
                if doc_id == _shipped_entry().meta.doc_id:
                    raise CorpusError(f"内置规划不能删除 / {doc_id} is the shipped plan and cannot be removed")
                known = ", ".join(e.meta.doc_id for e in added) or "(none)"
                raise CorpusError(f"文档库中没有 {doc_id} / no added document {doc_id!r}; added: {known}")
            self._save([e for e in added if e is not entry])
            (self.files_dir / entry.file).unlink(missing_ok=True)
        return entry

    # --- storage ---------------------------------------------------------------------------

    def _added(self) -> list[LibraryEntry]:
        path = self.root / "library.json"
        if not path.exists():
            return []
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != LIBRARY_FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {LIBRARY_FORMAT}")
            return [
                LibraryEntry(DocumentMeta.from_dict(e["meta"]), e["sha256"], e["file"], e.get("added_at", ""))
                for e in data["documents"]
            ]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CorpusError(
                f"文档库索引损坏 / the library file {path} is unreadable ({exc}); fix or delete it "
                "(the stored files stay in files/ and can be added again)"
            ) from exc

    def _save(self, entries: Sequence[LibraryEntry]) -> None:
        data = {"format": LIBRARY_FORMAT, "documents": [asdict(e) for e in entries]}
        _write_atomic(self.root / "library.json", json.dumps(data, ensure_ascii=False, indent=1).encode())

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _shipped_entry() -> LibraryEntry:
    if not SHIPPED_PLAN.exists():
        raise CorpusError(f"内置规划文件缺失 / the shipped plan is missing: {SHIPPED_PLAN}")
    _, sha256 = load_lines(SHIPPED_PLAN)
    return LibraryEntry(read_meta(SHIPPED_PLAN), sha256)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
