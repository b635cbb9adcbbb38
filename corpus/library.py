"""The document library: the shipped plan plus every file a user added with `planqa add`.

Layout under ``$PLANQA_HOME/library`` (default ``~/.cache/planqa/library``)::

    library.json        one entry per added document: metadata, SHA-256, stored file name
    files/<doc_id>-<sha256[:12]>.<ext>  a copy of the added file's bytes (so the source can move or vanish)
    .lock               held while the library is changed

Adding validates the files completely (they must load and parse, within the limits of
config.settings) before anything is written, so a bad file is refused and the library stays as it
was. Writes survive a crash at any point: a document's new bytes go to a new file, library.json is
replaced atomically, replaced bytes are removed last; loading checks every file's SHA-256. A
file whose bytes are already in the library is refused as a duplicate; a file with the ``doc_id``
of an added document replaces it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from config import settings
from corpus.chunker import chunk_document
from corpus.documents import SHIPPED_PLAN, load_document, load_shipped_plan, read_document, read_meta
from corpus.errors import CorpusError
from corpus.limits import TextBudget
from corpus.loaders import load_lines, read_source, sha256_bytes
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
        """Every document of the library, parsed; a stored file that went missing or whose bytes no
        longer match their recorded SHA-256 is a CorpusError."""
        # the shipped plan is parsed once, not also hashed the way entries() lists it
        documents = [load_shipped_plan()]
        for entry in self._added():
            document = load_document(self.files_dir / entry.file, entry.meta)
            if document.sha256 != entry.sha256:
                raise CorpusError(
                    f"文档已被改动 / the stored file of {entry.meta.doc_id} ({self.files_dir / entry.file}) no longer "
                    f"matches its SHA-256 in library.json; remove it with `planqa remove {entry.meta.doc_id}` "
                    "and add the original file again"
                )
            documents.append(document)
        return documents

    def holding(self, sources: Sequence[str | Path]) -> list[LibraryEntry] | None:
        """The entries that hold exactly the bytes of ``sources``, one per source; None when any
        source is not in the library byte for byte (or cannot be read)."""
        by_sha = {entry.sha256: entry for entry in self.entries()}
        held = []
        for source in sources:
            try:
                entry = by_sha.get(sha256_bytes(read_source(source)))
            except CorpusError:
                return None
            if entry is None:
                return None
            held.append(entry)
        return held

    def add(
        self, source: str | Path, *, title: str | None = None, region: str | None = None,
        period: str | None = None, doc_id: str | None = None,
    ) -> LibraryChange:
        """Add (or replace) one file; CorpusError for unreadable files and duplicates."""
        return self.add_many([source], title=title, region=region, period=period, doc_id=doc_id)[0]

    def add_many(
        self, sources: Sequence[str | Path], *, title: str | None = None, region: str | None = None,
        period: str | None = None, doc_id: str | None = None,
    ) -> list[LibraryChange]:
        """Add (or replace) several files at once: all of them, or — when any is bad — none.

        Every file is loaded, parsed and checked (limits, duplicates, ids) first; a CorpusError
        lists every bad file and nothing is written. Then, under the library lock: each file's
        bytes go to a new file, library.json is replaced atomically, replaced files are removed
        last, so a crash at any point leaves a library whose every entry matches its bytes.
        """
        if len(sources) > 1 and (title or doc_id):
            raise CorpusError("--title 和 --id 只能用于单个文件 / --title and --id apply to one file at a time")
        staged: list[tuple[Path, LibraryEntry, PlanDocument]] = []
        problems: list[str] = []
        for source in map(Path, sources):
            try:
                staged.append(self._stage(source, title, region, period, doc_id))
            except CorpusError as exc:
                problems.append(str(exc))
        with self._locked():
            added = self._added()
            shipped = _shipped_entry()
            seen: dict[str, str] = {}
            for source, entry, document in staged:
                for other in [shipped, *added]:
                    if other.sha256 == document.sha256:
                        problems.append(
                            f"重复文档 / duplicate: {source.name} has the same content as 《{other.meta.title}》 "
                            f"({other.meta.doc_id}), already in the library"
                        )
                if entry.meta.doc_id == shipped.meta.doc_id:
                    problems.append(f"不能替换内置规划 / {entry.meta.doc_id} is the shipped plan; "
                                    "give the new file another id with --id")
                for key, what in ((document.sha256, "the same content as"), (entry.meta.doc_id, "the same id as")):
                    if key in seen:
                        problems.append(f"重复文档 / {source.name} has {what} {seen[key]} in this batch")
                    seen[key] = source.name
            if problems:
                if len(sources) == 1:
                    raise CorpusError(problems[0])
                raise CorpusError(
                    f"{len(problems)} 个问题，未添加任何文件 / nothing added ({len(problems)} problem(s)):\n"
                    + "\n".join(f"  {p}" for p in problems)
                )
            changes = self._commit(added, staged)
        return changes

    def _stage(
        self, source: Path, title: str | None, region: str | None, period: str | None, doc_id: str | None,
    ) -> tuple[Path, LibraryEntry, PlanDocument]:
        """Load, parse and check one file (nothing is written); its entry-to-be and document."""
        # the budget stops reading a file far over the passage limit before it is parsed (corpus.limits)
        document = read_document(source, title=title, region=region, period=period, doc_id=doc_id,
                                 budget=TextBudget.of(source.name))
        meta = document.meta
        passages = len(chunk_document(document))
        limit = settings().max_passages
        if passages > limit:
            raise CorpusError(
                f"文档过长 / {source.name} has {passages} passages, the limit is {limit} ($PLANQA_MAX_PASSAGES); "
                "split it into several files"
            )
        stored = f"{meta.doc_id}-{document.sha256[:12]}{source.suffix.lower()}"
        entry = LibraryEntry(meta, document.sha256, stored, datetime.now(UTC).isoformat(timespec="seconds"))
        return source, entry, document

    def _commit(
        self, added: list[LibraryEntry], staged: list[tuple[Path, LibraryEntry, PlanDocument]],
    ) -> list[LibraryChange]:
        """Write the staged files (held lock): new bytes, then library.json, then drop replaced bytes."""
        written: list[Path] = []
        try:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            for source, entry, _ in staged:
                data = source.read_bytes()
                if sha256_bytes(data) != entry.sha256:
                    raise CorpusError(f"文件在添加过程中被改动 / {source.name} changed while it was being added; "
                                      "add it again")
                path = self.files_dir / entry.file
                written.append(path)
                _write_atomic(path, data)
            ids = {entry.meta.doc_id for _, entry, _ in staged}
            kept = [e for e in added if e.meta.doc_id not in ids]
            self._save([*kept, *(entry for _, entry, _ in staged)])
        except OSError as exc:
            for path in written:
                path.unlink(missing_ok=True)
            raise CorpusError(f"无法写入文档库 / cannot write the library in {self.root}: "
                              f"{_os_reason(exc)}; nothing was added") from exc
        changes = []
        for _, entry, document in staged:
            previous = next((e for e in added if e.meta.doc_id == entry.meta.doc_id), None)
            changes.append(LibraryChange("replaced" if previous else "added", entry, document, previous))
        self._drop_unlisted()
        return changes

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
            try:
                self._save([e for e in added if e is not entry])
            except OSError as exc:
                raise CorpusError(f"无法写入文档库 / cannot write the library in {self.root}: "
                                  f"{_os_reason(exc)}; nothing was removed") from exc
            self._drop_unlisted()
        return entry

    # --- storage ---------------------------------------------------------------------------

    def _drop_unlisted(self) -> None:
        """Remove stored files library.json does not name (replaced ones, leftovers of a crash)."""
        if not self.files_dir.is_dir():
            return
        listed = {e.file for e in self._added()}
        for path in self.files_dir.iterdir():
            if path.name not in listed and path.is_file():
                with contextlib.suppress(OSError):
                    path.unlink()

    def _added(self) -> list[LibraryEntry]:
        path = self.root / "library.json"
        if not path.exists():
            return []
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != LIBRARY_FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {LIBRARY_FORMAT}")
            entries = [
                LibraryEntry(DocumentMeta.from_dict(e["meta"]), e["sha256"], e["file"], e.get("added_at", ""))
                for e in data["documents"]
            ]
            for entry in entries:
                _check_stored_name(entry.file)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CorpusError(
                f"文档库索引损坏 / the library file {path} is unreadable ({exc}); fix or delete it "
                "(the stored files stay in files/ and can be added again)"
            ) from exc
        return entries

    def _save(self, entries: Sequence[LibraryEntry]) -> None:
        data = {"format": LIBRARY_FORMAT, "documents": [asdict(e) for e in entries]}
        _write_atomic(self.root / "library.json", json.dumps(data, ensure_ascii=False, indent=1).encode())

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / ".lock", "w")  # noqa: SIM115
        except OSError as exc:
            raise CorpusError(f"无法打开文档库 / cannot open the library in {self.root}: {_os_reason(exc)}") from exc
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _check_stored_name(name: object) -> None:
    """A stored file name must be a plain name inside files/: no folders, no '..', not hidden."""
    if (
        not isinstance(name, str) or not name or name != Path(name).name or name.startswith(".")
        or "\\" in name or "\x00" in name
    ):
        raise ValueError(f"file {name!r} is not a file name inside the library's files/ folder")


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "磁盘已满 / the disk is full; free some space and try again"
    if exc.errno == errno.ENAMETOOLONG:
        return "文件名过长 / file name too long; give a shorter id with --id"
    return f"{exc.strerror or exc}"


def _shipped_entry() -> LibraryEntry:
    if not SHIPPED_PLAN.exists():
        raise CorpusError(f"内置规划文件缺失 / the shipped plan is missing: {SHIPPED_PLAN}")
    _, sha256 = load_lines(SHIPPED_PLAN)
    return LibraryEntry(read_meta(SHIPPED_PLAN), sha256)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path``, flush it to disk, rename it over ``path``, flush the folder."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)

