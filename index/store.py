"""Persisted indexes: one directory per build, a manifest, atomic switch-over, a build lock.

Layout of an index root::

    CURRENT                 name of the live build (replaced atomically)
    .lock                   held while a build runs
    builds/<build-id>/
        manifest.json       model, dimension, chunker and tokenizer versions, corpus hash, …
        documents.json      metadata of every indexed document
        chunks.jsonl        the chunks, in order (row i = vector i = BM25 doc i)
        embeddings.npy      float32 vectors, reused by later builds for unchanged texts
        dense.faiss         the FAISS index (vector store "faiss", the default), or
        qdrant.json         where the Qdrant collection is (+ qdrant/ in local mode); see index.vector_store
        milvus.json         or where the Milvus collection is (Milvus Lite file or server URL)
        bm25/               the bm25s index
        userdict.txt        jieba user dictionary (the plan's own names)

A build writes ``builds/<id>.partial`` and renames it, then replaces CURRENT: a crash at any
point leaves the previous build loadable. The manifest records the vector store; an index is loaded
with the store it was built with ($PLANQA_VECTOR_STORE, when set, must name the same one).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from corpus import (
    CHUNKER_VERSION,
    Chunk,
    DocumentMeta,
    PlanDocument,
    PlanqaError,
    chunk_document,
)
from corpus.chunker import DEFAULT_MAX_CHARS, DEFAULT_TARGET_CHARS
from corpus.library import planqa_home
from index.bm25 import BM25Index
from index.dense import HNSW_THRESHOLD
from index.embedders import Embedder
from index.lexicon import plan_terms
from index.shipped import shipped_vectors
from index.tokenization import TOKENIZER_VERSION, ZhTokenizer
from index.vector_store import (
    DEFAULT_SPEC,
    RowFields,
    VectorStore,
    build_store,
    drop_store,
    load_store,
    parse_spec,
    spec_for_loading,
)

INDEX_FORMAT = 2  # 2: BM25 document frequencies stored beside the bm25s index
EMBED_BATCH = 16


class IndexError_(PlanqaError):
    """An index is missing, stale, corrupt or busy; the message says what to do."""


class IndexNotBuilt(IndexError_):
    pass


class IndexCorrupt(IndexError_):
    pass


class IndexStale(IndexError_):
    """The index was written by another version of planqa: rebuild it (vectors are reused)."""


class IndexBusy(IndexError_):
    pass


def default_index_root(model_id: str) -> Path:
    """Where the index for a model lives by default: $PLANQA_HOME/indexes/<model> (~/.cache/planqa)."""
    slug = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in model_id)
    return planqa_home() / "indexes" / slug


@dataclass(frozen=True)
class IndexSpec:
    """Everything an index depends on; a stored index whose spec differs is stale."""

    model_id: str
    dimension: int
    chunker_version: str
    target_chars: int
    max_chars: int
    tokenizer_version: str
    corpus_sha256: str

    @classmethod
    def for_documents(
        cls, docs: Sequence[PlanDocument], embedder: Embedder,
        target_chars: int = DEFAULT_TARGET_CHARS, max_chars: int = DEFAULT_MAX_CHARS,
    ) -> IndexSpec:
        return cls(embedder.model_id, embedder.dimension, CHUNKER_VERSION, target_chars, max_chars,
                   TOKENIZER_VERSION, corpus_hash(docs))

    def differences(self, other: IndexSpec) -> list[str]:
        """Human-readable list of what differs (empty when the specs match)."""
        mine, theirs = asdict(self), asdict(other)
        return [f"{key}: index has {theirs[key]!r}, wanted {mine[key]!r}" for key in mine if mine[key] != theirs[key]]


def corpus_hash(docs: Sequence[PlanDocument]) -> str:
    digest = hashlib.sha256()
    for sha in sorted(f"{d.meta.doc_id}:{d.sha256}" for d in docs):
        digest.update(sha.encode())
    return digest.hexdigest()


def dense_text(chunk: Chunk) -> str:
    """What the embedder sees: the two nearest headings, the text, its footnotes.

    The 篇 titles are long and shared by hundreds of chunks; leaving them out keeps the
    passage short (embedding time grows with tokens) without losing what the chunk is about.
    """
    return "\n".join(p for p in (" › ".join(chunk.path[-2:]), chunk.text, *chunk.footnotes) if p)


def dense_key(model_id: str, text: str) -> str:
    return hashlib.sha1(f"{model_id}\n{text}".encode()).hexdigest()


@dataclass
class StoredIndex:
    """A loaded build: chunks, both indexes and the metadata they were built from."""

    directory: Path
    spec: IndexSpec
    manifest: dict
    documents: list[DocumentMeta]
    chunks: list[Chunk]
    bm25: BM25Index
    dense: VectorStore

    @property
    def chunk_ids(self) -> list[str]:
        return [c.chunk_id for c in self.chunks]


@contextlib.contextmanager
def build_lock(root: Path, wait_seconds: float) -> Iterator[None]:
    """Hold the root's build lock; wait up to ``wait_seconds`` for another builder."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"另一个进程正在构建索引 / another process is building the index in {root}; "
                        "wait for it to finish and try again"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_build(root: Path) -> Path | None:
    """The live build's directory, None when there is none; IndexCorrupt for a damaged CURRENT."""
    pointer = root / "CURRENT"
    if not pointer.exists():
        return None
    try:
        name = pointer.read_bytes().decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(
            f"索引指针损坏 / {pointer} is unreadable ({exc.__class__.__name__}); "
            "rebuild the index with `planqa index build --force`"
        ) from exc
    if name and (name != Path(name).name or name.startswith(".") or not name.isprintable()):
        raise IndexCorrupt(f"索引指针损坏 / {pointer} does not name a build; "
                           "rebuild the index with `planqa index build --force`")
    return root / "builds" / name if name else None


def _live_build(root: Path) -> Path | None:
    """current_build, or None when CURRENT is damaged (a build replaces it)."""
    try:
        return current_build(root)
    except IndexCorrupt:
        return None


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


Progress = Callable[[int, int], None]  # (passages embedded so far, passages to embed)


def embed_chunks(chunks: list[Chunk], embedder: Embedder, previous: dict[str, np.ndarray],
                 progress: bool, on_progress: Progress | None = None) -> tuple[np.ndarray, list[str], int]:
    """Vectors for every chunk, reusing ``previous`` vectors of identical texts; also how many were embedded."""
    texts = [dense_text(c) for c in chunks]
    keys = [dense_key(embedder.model_id, t) for t in texts]
    vectors = np.zeros((len(chunks), embedder.dimension), dtype=np.float32)
    todo = [i for i, key in enumerate(keys) if key not in previous]
    for i, key in enumerate(keys):
        if key in previous:
            vectors[i] = previous[key]
    bar = tqdm(total=len(todo), desc="embedding", unit="chunk", disable=not progress or not todo)
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        vectors[batch] = embedder.embed_passages([texts[i] for i in batch])
        bar.update(len(batch))
        if on_progress is not None:
            on_progress(start + len(batch), len(todo))
    bar.close()
    return vectors, keys, len(todo)


def _previous_vectors(root: Path, model_id: str) -> dict[str, np.ndarray]:
    """key → vector from every kept build (the live one, and the one it replaced) made with the same
    model, the live build's winning. A build whose embeddings.npy no longer has the SHA-256 its
    manifest recorded is never reused. Keeping the replaced build's vectors makes an index rebuilt
    for another set of documents by mistake cheap to switch back: nothing is embedded twice."""
    live = _live_build(root)
    builds = root / "builds"
    kept = sorted(b for b in builds.iterdir() if b.is_dir() and not b.name.endswith(".partial") and b != live) \
        if builds.is_dir() else []
    vectors: dict[str, np.ndarray] = {}
    for build in [*kept, *([live] if live is not None else [])]:
        vectors.update(_build_vectors(build, model_id))
    return vectors


def _build_vectors(build: Path, model_id: str) -> dict[str, np.ndarray]:
    """key → vector of one build; empty when it was made with another model or is damaged."""
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        if manifest["spec"]["model_id"] != model_id:
            return {}
        recorded = manifest.get("embeddings_sha256")  # builds before it was recorded are trusted as before
        if recorded is not None and recorded != _file_sha256(build / "embeddings.npy"):
            return {}
        keys = [json.loads(line)["dense_key"] for line in (build / "chunks.jsonl").open(encoding="utf-8")]
        vectors = np.load(build / "embeddings.npy")
        return dict(zip(keys, vectors, strict=True))
    except (OSError, TypeError, KeyError, ValueError, json.JSONDecodeError):
        return {}


def _previous_documents(root: Path) -> dict[str, dict]:
    """doc_id → {"sha256", "chunks"} of the live build (empty when there is none or it is unreadable)."""
    try:
        return dict(read_manifest(root).get("documents", {}))
    except IndexError_:
        return {}


def document_changes(before: dict[str, dict], after: dict[str, dict]) -> dict[str, list[str]]:
    """Which documents a build added, changed (new hash), removed or kept, by doc_id."""
    return {
        "added": sorted(d for d in after if d not in before),
        "changed": sorted(d for d in after if d in before and before[d]["sha256"] != after[d]["sha256"]),
        "removed": sorted(d for d in before if d not in after),
        "unchanged": sorted(d for d in after if d in before and before[d]["sha256"] == after[d]["sha256"]),
    }


def build_index(
    root: Path,
    docs: Sequence[PlanDocument] | Callable[[], Sequence[PlanDocument]],
    embedder: Embedder,
    target_chars: int = DEFAULT_TARGET_CHARS,
    max_chars: int = DEFAULT_MAX_CHARS,
    progress: bool = True,
    lock_wait_seconds: float = 600.0,
    hnsw_threshold: int = HNSW_THRESHOLD,
    vector_store: str | None = None,
    reuse_vectors: bool = True,
    on_progress: Progress | None = None,
) -> Path:
    """Chunk, embed and index ``docs`` into a new build under ``root``; returns its directory.

    ``docs``: the documents, or a function that reads them (called once the build lock is held, so
    concurrent builders each index the library as it is when their turn comes).
    ``vector_store``: a spec of index.vector_store (None: $PLANQA_VECTOR_STORE, default "faiss").
    ``reuse_vectors``: False embeds every passage again (``index build --force``).
    ``on_progress(done, total)``: called after each batch of passages is embedded (the UI's progress).
    A failed build leaves no ``.partial`` directory behind; a full disk is an IndexError_.
    """
    store_spec = parse_spec(vector_store)  # before the slow part: an unknown or unusable store fails now
    root = Path(root)
    with build_lock(root, lock_wait_seconds):
        docs = list(docs() if callable(docs) else docs)
        if not docs:
            raise IndexError_("没有可索引的文档 / no documents to index")
        _drop_partials(root)
        try:
            return _build_locked(root, docs, embedder, target_chars, max_chars, progress, hnsw_threshold,
                                 store_spec, reuse_vectors, on_progress)
        except (OSError, RuntimeError) as exc:  # FAISS reports write errors as RuntimeError
            full = getattr(exc, "errno", None) == errno.ENOSPC or "No space left on device" in str(exc) or (
                "requested and" in str(exc) and _free_bytes(root) < 1 << 20)  # numpy's short write
            _drop_partials(root)
            if isinstance(exc, RuntimeError) and not full:
                raise
            reason = ("磁盘已满 / the disk is full; free some space and build again" if full
                      else f"{getattr(exc, 'strerror', '') or exc}")
            raise IndexError_(f"无法写入索引 / cannot write the index in {root}: {reason}; "
                              "the previous index is unchanged") from exc
        except BaseException:
            _drop_partials(root)
            raise


def _free_bytes(root: Path) -> int:
    try:
        return shutil.disk_usage(root).free
    except OSError:
        return 1 << 62


def _drop_partials(root: Path) -> None:
    """Remove unfinished builds (a crash or a failure while writing one; the build lock is held)."""
    builds = root / "builds"
    if builds.is_dir():
        for partial in builds.glob("*.partial"):
            with contextlib.suppress(Exception):
                drop_store(partial)
            shutil.rmtree(partial, ignore_errors=True)


def _build_locked(
    root: Path, docs: list[PlanDocument], embedder: Embedder, target_chars: int, max_chars: int, progress: bool,
    hnsw_threshold: int, store_spec, reuse_vectors: bool, on_progress: Progress | None,
) -> Path:
    """The body of build_index, run with the build lock held."""
    started = time.perf_counter()
    spec = IndexSpec.for_documents(docs, embedder, target_chars, max_chars)
    chunks = [c for d in docs for c in chunk_document(d, target_chars, max_chars)]
    # vectors of identical texts: those shipped with the package (index.shipped), then the kept builds'
    previous_vectors = ({**shipped_vectors(embedder.model_id, embedder.dimension),
                         **_previous_vectors(root, embedder.model_id)} if reuse_vectors else {})
    vectors, keys, embedded = embed_chunks(chunks, embedder, previous_vectors, progress, on_progress)
    tokenizer = ZhTokenizer(plan_terms(chunks))
    ids = [c.chunk_id for c in chunks]
    bm25 = BM25Index.build([c.search_text() for c in chunks], ids, tokenizer)

    builds = root / "builds"
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    partial = builds / f"{build_id}.partial"
    partial.mkdir(parents=True)
    with (partial / "chunks.jsonl").open("w", encoding="utf-8") as fh:
        for chunk, key in zip(chunks, keys, strict=True):
            fh.write(json.dumps({**asdict(chunk), "dense_key": key}, ensure_ascii=False) + "\n")
    np.save(partial / "embeddings.npy", vectors)
    embeddings_sha256 = _file_sha256(partial / "embeddings.npy")
    regions = {d.meta.doc_id: d.meta.region for d in docs}
    rows = [RowFields(c.search_text(), c.doc_id, regions.get(c.doc_id, ""), c.path[0] if c.path else "")
            for c in chunks] if store_spec.backend == "milvus" else None
    dense = build_store(store_spec, vectors, ids, partial, build_id, hnsw_threshold, rows, tokenizer.user_words)
    dense.close()  # a Qdrant local store locks its directory, which is renamed below
    bm25.save(partial / "bm25")
    (partial / "userdict.txt").write_text("\n".join(tokenizer.user_words) + "\n", encoding="utf-8")
    (partial / "documents.json").write_text(
        json.dumps([{**asdict(d.meta), "sha256": d.sha256} for d in docs], ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    per_document = {
        d.meta.doc_id: {"sha256": d.sha256, "chunks": sum(c.doc_id == d.meta.doc_id for c in chunks)}
        for d in docs
    }
    manifest = {
        "format": INDEX_FORMAT,
        "spec": asdict(spec),
        "chunk_count": len(chunks),
        "documents": per_document,
        "changes": document_changes(_previous_documents(root), per_document),
        "embedded_chunks": embedded,
        "embeddings_sha256": embeddings_sha256,
        "reused_chunks": len(chunks) - embedded,
        "dense_index": dense.kind,
        "vector_store": str(store_spec),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 2),
    }
    (partial / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    final = builds / build_id
    partial.rename(final)
    previous = _live_build(root)
    pointer = root / "CURRENT.tmp"
    pointer.write_text(build_id, encoding="utf-8")
    os.replace(pointer, root / "CURRENT")
    # keep the build just replaced: another process may be loading it right now
    for old in builds.iterdir():
        if old not in (final, previous):
            drop_store(old)
            shutil.rmtree(old, ignore_errors=True)
    return final


def read_manifest(root: Path) -> dict:
    """The live build's manifest; IndexNotBuilt / IndexCorrupt with a hint otherwise."""
    build = current_build(root)
    if build is None:
        raise IndexNotBuilt(f"索引不存在 / no index in {root}; build it with `planqa index build`")
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != INDEX_FORMAT:
            raise IndexStale(
                f"索引格式不兼容 / the index in {build} has format {manifest.get('format')!r}, this planqa reads "
                f"{INDEX_FORMAT}; rebuild it with `planqa index build --force`"
            )
        IndexSpec(**manifest["spec"])
        return manifest
    except (OSError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise IndexCorrupt(
            f"索引已损坏 / the index in {build} is unreadable ({exc.__class__.__name__}: {exc}); "
            "rebuild it with `planqa index build --force`"
        ) from exc


def load_index(root: Path) -> StoredIndex:
    """Load the live build under ``root``; raise IndexNotBuilt or IndexCorrupt with a hint."""
    root = Path(root)
    manifest = read_manifest(root)
    build = current_build(root)
    assert build is not None
    try:
        store_spec = spec_for_loading(manifest.get("vector_store", DEFAULT_SPEC))
        chunks = []
        for line in (build / "chunks.jsonl").open(encoding="utf-8"):
            chunks.append(Chunk.from_dict(json.loads(line)))
        if len(chunks) != manifest["chunk_count"]:
            raise ValueError(f"{len(chunks)} chunks, manifest says {manifest['chunk_count']}")
        documents = [
            DocumentMeta.from_dict(d)
            for d in json.loads((build / "documents.json").read_text(encoding="utf-8"))
        ]
        ids = [c.chunk_id for c in chunks]
        user_words = (build / "userdict.txt").read_text(encoding="utf-8").split()
        bm25 = BM25Index.load(build / "bm25", ZhTokenizer(user_words), ids)
        dense = load_store(store_spec, build, ids)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexCorrupt(
            f"索引已损坏 / the index in {build} is damaged ({exc.__class__.__name__}: {exc}); "
            "rebuild it with `planqa index build --force`"
        ) from exc
    return StoredIndex(build, IndexSpec(**manifest["spec"]), manifest, documents, chunks, bm25, dense)
