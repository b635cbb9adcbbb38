"""Qdrant local mode as planqa's vector store: files in the build directory, for small corpora.

Point id = row number (the row of the chunk in chunks.jsonl, of its BM25 document and of the mask);
payload ``{"row": i, "chunk_id": …}``. A row mask becomes a filter on the allowed point ids (local
mode's pure-Python filter tests an id in a set far faster than a range condition).

A build directory keeps ``qdrant.json`` (the collection name) and the Qdrant files under ``qdrant/``.
Local mode locks that directory for one client: the clients of a process are shared per directory, so
loading an index twice works; another process cannot open it.

The Qdrant *server* path was removed: it had only ever run against an in-process stand-in of Qdrant's
HTTP API. A store beyond one machine is Milvus (``index.milvus_store``), tested against a real engine.
"""

from __future__ import annotations

import atexit
import json
import threading
from pathlib import Path

import numpy as np
from qdrant_client import QdrantClient, models

from index.hits import Hit
from index.vector_store import QDRANT_POINTER, VECTOR_STORE_ENV, VectorStoreError, checked

LOCAL_DIR = "qdrant"
LOCAL_COLLECTION = "chunks"
UPSERT_BATCH = 256

_local_clients: dict[Path, tuple[QdrantClient, int]] = {}
_local_lock = threading.Lock()


@atexit.register
def _close_local_clients() -> None:
    """Close the shared local clients while the interpreter can still run their cleanup."""
    with _local_lock:
        for client, _ in _local_clients.values():
            client.close()
        _local_clients.clear()


class QdrantUnavailable(VectorStoreError):
    """Another process holds the local store."""


class QdrantStore:
    """Vectors of the chunks in one Qdrant collection, searched by inner product (cosine)."""

    def __init__(self, client: QdrantClient, collection: str, chunk_ids: list[str], local_path: Path) -> None:
        self._client = client
        self._collection = collection
        self._local_path = local_path
        self.chunk_ids = chunk_ids

    @property
    def kind(self) -> str:
        return "qdrant-local"

    @classmethod
    def build(cls, vectors: np.ndarray, chunk_ids: list[str], directory: Path, collection: str) -> QdrantStore:
        """Create ``collection`` (refusing to reuse one), upsert the vectors in batches, record it in ``directory``."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(vectors) != len(chunk_ids):
            raise ValueError(f"{len(vectors)} vectors for {len(chunk_ids)} chunks")
        _write_pointer(directory, collection)
        store = cls._open(directory, collection, chunk_ids)
        try:
            store._fill(vectors)
        except BaseException:
            store.close()
            raise
        return store

    def _fill(self, vectors: np.ndarray) -> None:
        client, name, chunk_ids = self._client, self._collection, self.chunk_ids
        if client.collection_exists(name):
            raise VectorStoreError(
                f"Qdrant 集合已存在 / collection {name!r} already exists in {self._local_path}; "
                "planqa never overwrites a collection: rebuild to get a new build id"
            )
        client.create_collection(
            name, vectors_config=models.VectorParams(size=vectors.shape[1], distance=models.Distance.DOT)
        )
        for start in range(0, len(chunk_ids), UPSERT_BATCH):
            rows = range(start, min(start + UPSERT_BATCH, len(chunk_ids)))
            client.upsert(name, wait=True, points=models.Batch(
                ids=list(rows),
                vectors=vectors[rows.start : rows.stop].tolist(),
                payloads=[{"row": i, "chunk_id": chunk_ids[i]} for i in rows],
            ))

    @classmethod
    def load(cls, directory: Path, chunk_ids: list[str]) -> QdrantStore:
        """Open the store recorded in ``directory``; ValueError when it is missing or holds other chunks."""
        pointer = json.loads((directory / QDRANT_POINTER).read_text(encoding="utf-8"))
        if pointer.get("url"):
            raise ValueError(f"it was built on a Qdrant server ({pointer['url']}), which planqa no longer supports")
        if not (directory / LOCAL_DIR).is_dir():
            raise ValueError(f"{directory / LOCAL_DIR} is missing")
        store = cls._open(directory, pointer["collection"], chunk_ids)
        return checked(store, lambda: store._check(len(chunk_ids)))

    def _check(self, count: int) -> None:
        client, name = self._client, self._collection
        if not client.collection_exists(name):
            raise ValueError(f"collection {name!r} not found in {self._local_path}")
        stored = client.count(name, exact=True).count
        ends = client.retrieve(name, ids=[0, count - 1], with_payload=["chunk_id"]) if count else []
        if stored != count:
            raise ValueError(f"collection {name!r} holds {stored} vectors for {count} chunks")
        if count:
            found = {int(p.id): (p.payload or {}).get("chunk_id") for p in ends}
            if found != {0: self.chunk_ids[0], count - 1: self.chunk_ids[-1]}:
                raise ValueError(f"collection {name!r} holds other chunks than this build ({found})")

    def search(self, query_vector: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[Hit]:
        n = len(self.chunk_ids)
        if n == 0 or k <= 0:
            return []
        query_filter = None
        if mask is not None:
            rows = np.flatnonzero(np.asarray(mask, dtype=bool))
            if len(rows) == 0:
                return []
            if len(rows) < n:
                query_filter = models.Filter(must=[models.HasIdCondition(has_id=rows.tolist())])
        response = self._client.query_points(
            self._collection, query=np.asarray(query_vector, dtype=np.float32).ravel().tolist(),
            query_filter=query_filter, limit=min(k, n), with_payload=False,
        )
        return [Hit(self.chunk_ids[int(p.id)], float(p.score)) for p in response.points]

    def close(self) -> None:
        with _local_lock:
            client, users = _local_clients.get(self._local_path, (None, 0))
            if client is not self._client:
                return  # closed already
            if users > 1:
                _local_clients[self._local_path] = (client, users - 1)
            else:
                del _local_clients[self._local_path]
                client.close()

    @classmethod
    def _open(cls, directory: Path, collection: str, chunk_ids: list[str]) -> QdrantStore:
        path = (directory / LOCAL_DIR).resolve()
        with _local_lock:
            client, users = _local_clients.get(path, (None, 0))
            if client is None:
                try:
                    client = QdrantClient(path=str(path))
                except RuntimeError as exc:  # the directory's lock is held by another process
                    raise QdrantUnavailable(
                        f"Qdrant 本地索引被占用 / another process has the local Qdrant index {path} open "
                        f"({exc}); local mode serves one process: stop the other one, or use a Milvus server "
                        f"({VECTOR_STORE_ENV}=milvus+http://HOST:19530)"
                    ) from exc
            _local_clients[path] = (client, users + 1)
        return cls(client, collection, chunk_ids, path)


def drop(directory: Path) -> None:
    """Nothing lives outside a local store's build directory: deleting the directory deletes it."""


def _write_pointer(directory: Path, collection: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    record = {"url": None, "collection": collection}
    (directory / QDRANT_POINTER).write_text(json.dumps(record, indent=1), encoding="utf-8")
