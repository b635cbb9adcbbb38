"""Where the dense vectors live: one small interface, a spec string that picks the backend.

Specs (``$PLANQA_VECTOR_STORE``, default ``faiss``):

- ``faiss``: embedded FAISS index, ``<build>/dense.faiss`` (exact below ``HNSW_THRESHOLD`` vectors, HNSW above);
- ``qdrant``: Qdrant local mode, files in ``<build>/qdrant`` (exact search; for tests and small corpora);
- ``qdrant+http://host:6333`` (or ``https``): a Qdrant server, one collection per build
  (``planqa_<build id>``), so a new build never touches the live build's collection.

Every store answers ``search(query_vector, k, mask) -> list[Hit]``; a build's store is written into the
build directory by ``build_store`` and opened by ``load_store``.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

import numpy as np

from config import settings
from corpus import PlanqaError
from index.dense import FAISS_FILE, HNSW_THRESHOLD, DenseIndex
from index.hits import Hit

VECTOR_STORE_ENV = "PLANQA_VECTOR_STORE"
DEFAULT_SPEC = "faiss"
VALID_SPECS = (
    "faiss", "qdrant", "milvus", "milvus+http://HOST:19530", "milvus+https://HOST:PORT",
)
QDRANT_POINTER = "qdrant.json"  # in a build directory: where its Qdrant collection is
MILVUS_POINTER = "milvus.json"  # in a build directory: where its Milvus collection is
MILVUS_LITE_FILE = ("milvus", "planqa.db")  # under $PLANQA_HOME
BACKENDS = ("qdrant", "milvus")
SERVER_BACKENDS = ("milvus",)  # Qdrant: local mode only


class VectorStore(Protocol):
    """What the searcher needs from a vector store. Scores: inner product of normalized vectors (cosine)."""

    chunk_ids: list[str]

    @property
    def kind(self) -> str:
        """"flat", "hnsw", "qdrant-local", "qdrant-server", "milvus-lite" or "milvus-server" (in the manifest)."""
        ...

    def search(self, query_vector: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[Hit]:
        """The ``k`` rows nearest ``query_vector``, best first; only rows where ``mask`` is True."""
        ...

    def close(self) -> None:
        """Release files or connections (a Qdrant local store holds a lock on its directory)."""
        ...


@dataclass(frozen=True)
class RowFields:
    """What an engine that also searches text stores beside a vector: the chunk's text and filter fields."""

    text: str
    doc_id: str
    region: str
    part: str  # the chunk's top heading (its 篇), "" when it has none


@dataclass(frozen=True)
class Where:
    """Filters by field, run inside the engine; None = no condition on that field.

    ``parts`` are heading prefixes (「第四篇」), ``regions`` exact region names of indexed documents.
    """

    doc_ids: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    parts: tuple[str, ...] | None = None


@runtime_checkable
class EngineRetrieval(Protocol):
    """A store that runs BM25, dense and hybrid retrieval with field filters itself (Milvus)."""

    def retrieve(
        self, mode: str, text: str, query_vector: np.ndarray | None, k: int, where: Where | None = None
    ) -> tuple[list[Hit], dict[str, float], dict[str, float]]:
        """(hits best first, BM25 scores, cosine scores) for ``mode`` "bm25", "dense" or "hybrid"."""
        ...


class VectorStoreError(PlanqaError):
    """The vector store cannot be used as configured; the message says what to do."""


class UnknownVectorStore(VectorStoreError):
    pass


class QdrantMissing(VectorStoreError):
    pass


class MilvusMissing(VectorStoreError):
    pass


class StoreMismatch(VectorStoreError):
    pass


@dataclass(frozen=True)
class StoreSpec:
    """A parsed spec: ``backend`` "faiss", "qdrant" or "milvus"; ``url`` of the server (None: local/embedded)."""

    backend: str
    url: str | None = None

    @property
    def family(self) -> str:
        """What must match between an index and the configuration: faiss, qdrant-local, milvus-server, …"""
        if self.backend == "faiss":
            return "faiss"
        return f"{self.backend}-server" if self.url else f"{self.backend}-local"

    def __str__(self) -> str:
        return f"{self.backend}+{self.url}" if self.url else self.backend


def parse_spec(text: str | None = None) -> StoreSpec:
    """Parse a spec (None: ``$PLANQA_VECTOR_STORE`` or "faiss"); a Qdrant spec also checks qdrant-client is there."""
    if text is None:
        text = settings().vector_store
    text = text.strip() or DEFAULT_SPEC
    lowered = text.lower()
    if lowered == "faiss":
        return StoreSpec("faiss")
    spec = None
    for backend in BACKENDS:
        url = text[len(backend) + 1 :]
        if lowered == backend:
            spec = StoreSpec(backend)
        elif lowered.startswith((f"{backend}+http://", f"{backend}+https://")) and urlsplit(url).hostname:
            if backend not in SERVER_BACKENDS:
                raise UnknownVectorStore(
                    f"不再支持 Qdrant 服务器 / {text!r}: planqa no longer serves vectors from a Qdrant server (that "
                    f"path was never run against a real one); for a server or cluster set {VECTOR_STORE_ENV}="
                    "milvus+http://HOST:19530, or use qdrant (local mode), milvus (Milvus Lite) or faiss"
                )
            spec = StoreSpec(backend, url.rstrip("/"))
    if spec is None:
        raise UnknownVectorStore(
            f"未知向量库 / unknown vector store {text!r}; valid specs: {', '.join(VALID_SPECS)} "
            f"(set ${VECTOR_STORE_ENV} to one of them, or unset it for {DEFAULT_SPEC})"
        )
    _backend_module(spec.backend)
    return spec


def spec_for_loading(recorded: str, configured: str | None = None) -> StoreSpec:
    """The store to open an index built with ``recorded`` (its manifest's "vector_store").

    ``configured`` (None: ``$PLANQA_VECTOR_STORE``, unset means "use what the index was built with") must name
    the same kind of store; for a Milvus server it may name another URL (the server moved), which wins.
    ValueError when ``recorded`` is no spec (a damaged manifest).
    """
    try:
        built = parse_spec(recorded)
    except UnknownVectorStore as exc:
        raise ValueError(f"the manifest names an unknown vector store {recorded!r}") from exc
    if configured is None:
        configured = settings().vector_store
    if not configured or not configured.strip():
        return built
    wanted = parse_spec(configured)
    if wanted.family != built.family:
        raise StoreMismatch(
            f"向量库不一致 / the index was built with vector store {str(built)!r} but ${VECTOR_STORE_ENV} is "
            f"{str(wanted)!r}; unset {VECTOR_STORE_ENV} to use the index as built, or rebuild it with "
            "`planqa index build --force`"
        )
    return wanted


def milvus_lite_path(home: Path | None = None) -> Path:
    """The Milvus Lite file: ``<home>/milvus/planqa.db`` (home: $PLANQA_HOME)."""
    return Path(home if home is not None else settings().home).joinpath(*MILVUS_LITE_FILE)


def build_store(
    spec: StoreSpec, vectors: np.ndarray, chunk_ids: list[str], directory: Path, build_id: str,
    hnsw_threshold: int = HNSW_THRESHOLD, rows: Sequence[RowFields] | None = None, user_words: Sequence[str] = (),
    home: Path | None = None,
) -> VectorStore:
    """Index ``vectors`` (row i = ``chunk_ids[i]``) and write the store into the build ``directory``.

    ``rows`` (text and filter fields of each chunk) and ``user_words`` (the analyzer's dictionary) are
    required by Milvus, which also indexes the text; ``home`` holds the Milvus Lite file. The caller closes
    the returned store before renaming ``directory``.
    """
    if spec.backend == "faiss":
        dense = DenseIndex.build(vectors, chunk_ids, hnsw_threshold)
        dense.save(Path(directory) / FAISS_FILE)
        return dense
    if spec.backend == "milvus":
        if rows is None:
            raise ValueError("a Milvus store indexes the chunk texts too: pass rows")
        milvus = _backend_module("milvus")
        uri = spec.url or str(milvus_lite_path(home))
        return milvus.MilvusStore.build(vectors, chunk_ids, rows, user_words, Path(directory), uri,
                                        bool(spec.url), f"planqa_{build_id}", hnsw_threshold)
    qdrant = _backend_module("qdrant")
    return qdrant.QdrantStore.build(vectors, chunk_ids, Path(directory), qdrant.LOCAL_COLLECTION)


def load_store(spec: StoreSpec, directory: Path, chunk_ids: list[str]) -> VectorStore:
    """Open the store of the build in ``directory``; ValueError/OSError when its files are damaged."""
    if spec.backend == "faiss":
        return DenseIndex.load(Path(directory) / FAISS_FILE, chunk_ids)
    if spec.backend == "milvus":
        return _backend_module("milvus").MilvusStore.load(Path(directory), chunk_ids, spec.url)
    return _backend_module("qdrant").QdrantStore.load(Path(directory), chunk_ids)


def drop_store(directory: Path) -> None:
    """Before a build directory is deleted: drop what it keeps outside it (its server or Milvus collection)."""
    for pointer, backend in ((QDRANT_POINTER, "qdrant"), (MILVUS_POINTER, "milvus")):
        if (Path(directory) / pointer).exists():
            with contextlib.suppress(VectorStoreError):  # cannot reach it: the build directory goes anyway
                _backend_module(backend).drop(Path(directory))


_MODULES = {
    "qdrant": ("index.qdrant_store", QdrantMissing, "qdrant-client", "qdrant"),
    "milvus": ("index.milvus_store", MilvusMissing, "pymilvus and milvus-lite", "milvus"),
}


def _backend_module(backend: str) -> ModuleType:
    """index.qdrant_store or index.milvus_store, or QdrantMissing/MilvusMissing with the install command."""
    module, error, packages, extra = _MODULES[backend]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise error(
            f"缺少 {packages} / the {backend} vector store needs {packages} ({exc}); install them with "
            f"`pip install '.[{extra}]'`, or set {VECTOR_STORE_ENV}=faiss"
        ) from exc


def checked(store: VectorStore, check: Callable[[], None]) -> VectorStore:
    """``store`` once ``check()`` passed; closed (its files or connection released) when it raised."""
    try:
        check()
    except BaseException:
        store.close()
        raise
    return store

