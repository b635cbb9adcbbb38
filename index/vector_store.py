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
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol
from urllib.parse import urlsplit

import numpy as np

from config import settings
from corpus import PlanqaError
from index.dense import FAISS_FILE, HNSW_THRESHOLD, DenseIndex
from index.hits import Hit

VECTOR_STORE_ENV = "PLANQA_VECTOR_STORE"
DEFAULT_SPEC = "faiss"
VALID_SPECS = ("faiss", "qdrant", "qdrant+http://HOST:PORT", "qdrant+https://HOST:PORT")
QDRANT_POINTER = "qdrant.json"  # in a build directory: where its Qdrant collection is
_SERVER_PREFIXES = ("qdrant+http://", "qdrant+https://")


class VectorStore(Protocol):
    """What the searcher needs from a vector store. Scores: inner product of normalized vectors (cosine)."""

    chunk_ids: list[str]

    @property
    def kind(self) -> str:
        """"flat", "hnsw", "qdrant-local" or "qdrant-server" (recorded in the manifest)."""
        ...

    def search(self, query_vector: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[Hit]:
        """The ``k`` rows nearest ``query_vector``, best first; only rows where ``mask`` is True."""
        ...

    def close(self) -> None:
        """Release files or connections (a Qdrant local store holds a lock on its directory)."""
        ...


class VectorStoreError(PlanqaError):
    """The vector store cannot be used as configured; the message says what to do."""


class UnknownVectorStore(VectorStoreError):
    pass


class QdrantMissing(VectorStoreError):
    pass


class StoreMismatch(VectorStoreError):
    pass


@dataclass(frozen=True)
class StoreSpec:
    """A parsed spec: ``backend`` "faiss" or "qdrant"; ``url`` of the Qdrant server (None: local mode)."""

    backend: str
    url: str | None = None

    @property
    def family(self) -> str:
        """What must match between an index and the configuration: faiss, qdrant-local or qdrant-server."""
        if self.backend == "faiss":
            return "faiss"
        return "qdrant-server" if self.url else "qdrant-local"

    def __str__(self) -> str:
        return f"qdrant+{self.url}" if self.url else self.backend


def parse_spec(text: str | None = None) -> StoreSpec:
    """Parse a spec (None: ``$PLANQA_VECTOR_STORE`` or "faiss"); a Qdrant spec also checks qdrant-client is there."""
    if text is None:
        text = settings().vector_store
    text = text.strip() or DEFAULT_SPEC
    lowered = text.lower()
    if lowered == "faiss":
        return StoreSpec("faiss")
    if lowered == "qdrant":
        spec = StoreSpec("qdrant")
    elif lowered.startswith(_SERVER_PREFIXES) and urlsplit(text[len("qdrant+") :]).hostname:
        spec = StoreSpec("qdrant", text[len("qdrant+") :].rstrip("/"))
    else:
        raise UnknownVectorStore(
            f"未知向量库 / unknown vector store {text!r}; valid specs: {', '.join(VALID_SPECS)} "
            f"(set ${VECTOR_STORE_ENV} to one of them, or unset it for {DEFAULT_SPEC})"
        )
    _qdrant()
    return spec


def spec_for_loading(recorded: str, configured: str | None = None) -> StoreSpec:
    """The store to open an index built with ``recorded`` (its manifest's "vector_store").

    ``configured`` (None: ``$PLANQA_VECTOR_STORE``, unset means "use what the index was built with") must name
    the same kind of store; for a Qdrant server it may name another URL (the server moved), which wins.
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


def build_store(
    spec: StoreSpec, vectors: np.ndarray, chunk_ids: list[str], directory: Path, build_id: str,
    hnsw_threshold: int = HNSW_THRESHOLD,
) -> VectorStore:
    """Index ``vectors`` (row i = ``chunk_ids[i]``) and write the store into the build ``directory``.

    The caller closes the returned store before renaming ``directory``.
    """
    if spec.backend == "faiss":
        dense = DenseIndex.build(vectors, chunk_ids, hnsw_threshold)
        dense.save(Path(directory) / FAISS_FILE)
        return dense
    qdrant = _qdrant()
    collection = f"planqa_{build_id}" if spec.url else qdrant.LOCAL_COLLECTION
    return qdrant.QdrantStore.build(vectors, chunk_ids, Path(directory), spec.url, collection)


def load_store(spec: StoreSpec, directory: Path, chunk_ids: list[str]) -> VectorStore:
    """Open the store of the build in ``directory``; ValueError/OSError when its files are damaged."""
    if spec.backend == "faiss":
        return DenseIndex.load(Path(directory) / FAISS_FILE, chunk_ids)
    return _qdrant().QdrantStore.load(Path(directory), chunk_ids, spec.url)


def drop_store(directory: Path) -> None:
    """Before a build directory is deleted: drop what it keeps outside it (its Qdrant server collection)."""
    if (Path(directory) / QDRANT_POINTER).exists():
        with contextlib.suppress(QdrantMissing):  # cannot reach it without the client; the build goes anyway
            _qdrant().drop(Path(directory))


def _qdrant() -> ModuleType:
    """index.qdrant_store, or QdrantMissing with the install command."""
    try:
        return importlib.import_module("index.qdrant_store")
    except ImportError as exc:
        raise QdrantMissing(
            f"缺少 qdrant-client / the Qdrant vector store needs the qdrant-client package ({exc}); "
            f"install it with `pip install qdrant-client`, or set {VECTOR_STORE_ENV}=faiss"
        ) from exc
