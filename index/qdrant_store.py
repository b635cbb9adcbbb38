"""Qdrant as planqa's vector store: local mode (files in the build directory) or a server.

Point id = row number (the row of the chunk in chunks.jsonl, of its BM25 document and of the mask);
payload ``{"row": i, "chunk_id": …}``. A row mask becomes a filter run by Qdrant: on a server, ranges
over the indexed ``row`` field when the allowed rows form few runs (filters by 篇 or document do), else
the allowed ids; in local mode always the ids (its pure-Python filter tests an id in a set far faster
than a range condition).

A build directory keeps ``qdrant.json`` (server URL or null, collection name), and in local mode
the Qdrant files under ``qdrant/``. Local mode locks that directory for one client: the clients of a
process are shared per directory, so loading an index twice works; another process cannot open it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from config import settings
from index.dense import HNSW_EF_SEARCH
from index.hits import Hit
from index.vector_store import QDRANT_POINTER, VECTOR_STORE_ENV, VectorStoreError

LOCAL_DIR = "qdrant"
LOCAL_COLLECTION = "chunks"
UPSERT_BATCH = 256
MAX_RANGES = 64  # on a server, a mask with more runs of allowed rows is sent as a list of point ids
API_KEY_ENV = "QDRANT_API_KEY"

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
    """The server cannot be reached or refuses, or another process holds the local store."""


class QdrantStore:
    """Vectors of the chunks in one Qdrant collection, searched by inner product (cosine)."""

    def __init__(
        self, client: QdrantClient, collection: str, chunk_ids: list[str], url: str | None, local_path: Path | None
    ) -> None:
        self._client = client
        self._collection = collection
        self._url = url
        self._local_path = local_path
        # local mode is always exact; on a server, search the HNSW graph as deep as FAISS HNSW does
        self._params = models.SearchParams(hnsw_ef=HNSW_EF_SEARCH) if url else None
        self._max_ranges = MAX_RANGES if url else 0
        self.chunk_ids = chunk_ids

    @property
    def kind(self) -> str:
        return "qdrant-server" if self._url else "qdrant-local"

    @classmethod
    def build(
        cls, vectors: np.ndarray, chunk_ids: list[str], directory: Path, url: str | None, collection: str
    ) -> QdrantStore:
        """Create ``collection`` (refusing to reuse one), upsert the vectors in batches, record it in ``directory``."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(vectors) != len(chunk_ids):
            raise ValueError(f"{len(vectors)} vectors for {len(chunk_ids)} chunks")
        # written first: a build killed half-way still says which server collection to drop
        _write_pointer(directory, url, collection)
        store = cls._open(directory, url, collection, chunk_ids)
        try:
            with _server_errors(url):
                store._fill(vectors)
        except BaseException:
            store.close()
            raise
        return store

    def _fill(self, vectors: np.ndarray) -> None:
        client, name, chunk_ids = self._client, self._collection, self.chunk_ids
        if client.collection_exists(name):
            raise VectorStoreError(
                f"Qdrant 集合已存在 / collection {name!r} already exists on {self._url or self._local_path}; "
                "planqa never overwrites a collection: rebuild to get a new build id"
            )
        client.create_collection(
            name, vectors_config=models.VectorParams(size=vectors.shape[1], distance=models.Distance.DOT)
        )
        if self._url:  # payload indexes only exist on a server
            client.create_payload_index(name, "row", field_schema=models.PayloadSchemaType.INTEGER)
        for start in range(0, len(chunk_ids), UPSERT_BATCH):
            rows = range(start, min(start + UPSERT_BATCH, len(chunk_ids)))
            client.upsert(name, wait=True, points=models.Batch(
                ids=list(rows),
                vectors=vectors[rows.start : rows.stop].tolist(),
                payloads=[{"row": i, "chunk_id": chunk_ids[i]} for i in rows],
            ))

    @classmethod
    def load(cls, directory: Path, chunk_ids: list[str], url: str | None = None) -> QdrantStore:
        """Open the store recorded in ``directory``; ``url`` overrides the recorded server (it moved).

        ValueError when the collection is missing or does not hold these chunks.
        """
        pointer = json.loads((directory / QDRANT_POINTER).read_text(encoding="utf-8"))
        url = url or pointer["url"]
        if url is None and not (directory / LOCAL_DIR).is_dir():
            raise ValueError(f"{directory / LOCAL_DIR} is missing")
        store = cls._open(directory, url, pointer["collection"], chunk_ids)
        try:
            store._check(len(chunk_ids))
        except BaseException:
            store.close()
            raise
        return store

    def _check(self, count: int) -> None:
        client, name = self._client, self._collection
        with _server_errors(self._url):
            if not client.collection_exists(name):
                raise ValueError(f"collection {name!r} not found in {self._url or self._local_path}")
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
                query_filter = row_filter(rows, self._max_ranges)
        with _server_errors(self._url):
            response = self._client.query_points(
                self._collection, query=np.asarray(query_vector, dtype=np.float32).ravel().tolist(),
                query_filter=query_filter, limit=min(k, n), with_payload=False, search_params=self._params,
            )
        return [Hit(self.chunk_ids[int(p.id)], float(p.score)) for p in response.points]

    def close(self) -> None:
        if self._local_path is None:
            self._client.close()
            return
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
    def _open(cls, directory: Path, url: str | None, collection: str, chunk_ids: list[str]) -> QdrantStore:
        if url:
            client = QdrantClient(url=url, api_key=settings().qdrant_api_key or None)
            return cls(client, collection, chunk_ids, url, None)
        path = (directory / LOCAL_DIR).resolve()
        with _local_lock:
            client, users = _local_clients.get(path, (None, 0))
            if client is None:
                try:
                    client = QdrantClient(path=str(path))
                except RuntimeError as exc:  # the directory's lock is held by another process
                    raise QdrantUnavailable(
                        f"Qdrant 本地索引被占用 / another process has the local Qdrant index {path} open "
                        f"({exc}); local mode serves one process: stop the other one, or use a Qdrant server "
                        f"({VECTOR_STORE_ENV}=qdrant+http://HOST:6333)"
                    ) from exc
            _local_clients[path] = (client, users + 1)
        return cls(client, collection, chunk_ids, None, path)


def row_filter(rows: np.ndarray, max_ranges: int) -> models.Filter:
    """A filter keeping exactly ``rows`` (sorted, unique): ranges of the ``row`` field when they form at most
    ``max_ranges`` runs, else their point ids."""
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts, ends = rows[np.r_[0, breaks]], rows[np.r_[breaks - 1, len(rows) - 1]]
    if len(starts) <= max_ranges:
        return models.Filter(should=[
            models.FieldCondition(key="row", range=models.Range(gte=int(a), lte=int(b)))
            for a, b in zip(starts, ends, strict=True)
        ])
    return models.Filter(must=[models.HasIdCondition(has_id=rows.tolist())])


def drop(directory: Path) -> None:
    """Delete the server collection recorded in ``directory`` (best effort: the server may be gone)."""
    try:
        pointer = json.loads((directory / QDRANT_POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # a build killed while writing it: nothing was created yet
    if pointer.get("url"):
        client = QdrantClient(url=pointer["url"], api_key=settings().qdrant_api_key or None)
        try:
            client.delete_collection(pointer["collection"])
        except (ResponseHandlingException, UnexpectedResponse):
            pass  # unreachable or already gone: nothing more to do
        finally:
            client.close()


def _write_pointer(directory: Path, url: str | None, collection: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    record = {"url": url, "collection": collection}
    (directory / QDRANT_POINTER).write_text(json.dumps(record, indent=1), encoding="utf-8")


@contextlib.contextmanager
def _server_errors(url: str | None) -> Iterator[None]:
    """Turn a server that cannot be reached or refuses into QdrantUnavailable, saying what to do."""
    try:
        yield
    except ResponseHandlingException as exc:
        raise QdrantUnavailable(
            f"无法连接 Qdrant / cannot reach the Qdrant server at {url} ({exc}); start it, or point "
            f"{VECTOR_STORE_ENV} at a running server (or set it to faiss and rebuild)"
        ) from exc
    except UnexpectedResponse as exc:
        raise QdrantUnavailable(
            f"Qdrant 服务器拒绝请求 / the Qdrant server at {url} answered {exc.status_code} {exc.reason_phrase}; "
            f"if it needs an API key, set {API_KEY_ENV}"
        ) from exc
