"""Milvus as planqa's vector store *and* lexical index: Milvus Lite (a local file) or a server/cluster.

One collection per build (``planqa_<build id>``): a rebuild writes a new collection and never touches the
one the live index serves; a replaced build's collection is dropped by the build after it. A row is a
chunk:

| field | type | use |
| --- | --- | --- |
| ``row`` | INT64, primary key | the chunk's row in chunks.jsonl (= its BM25 document and mask position) |
| ``chunk_id`` | VARCHAR | checked on load: the collection holds this build's chunks |
| ``doc_id``, ``region``, ``part`` | VARCHAR, INVERTED index | filters inside the search (document, region, 篇) |
| ``text`` | VARCHAR, jieba analyzer | ``Chunk.search_text()``; the BM25 function reads it |
| ``sparse`` | SPARSE_FLOAT_VECTOR | BM25 output (metric BM25), computed by the engine on insert and on query |
| ``dense`` | FLOAT_VECTOR | the passage embedding (metric IP on normalized vectors = cosine) |

The jieba analyzer gets the plan's own names (the local BM25's user dictionary) and planqa's stopwords.
Hybrid retrieval is one ``hybrid_search`` call: BM25 and dense routes, each filtered by the same scalar
expression, fused by the engine's RRF (k = 60, the same as ``index.hits.RRF_K``).

The same code serves Milvus Lite (``MilvusClient("<home>/milvus/planqa.db")``: pymilvus starts the engine
in this process and talks gRPC to it) and a server (``MilvusClient("http://host:19530", token=…)``).
Milvus Lite allows one process per file (a file lock): a second process gets a message saying so.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from pymilvus import AnnSearchRequest, DataType, Function, FunctionType, MilvusClient, RRFRanker
from pymilvus.exceptions import MilvusException

from config import settings
from index.dense import HNSW_EF_SEARCH, HNSW_M, HNSW_THRESHOLD
from index.hits import RRF_K, Hit
from index.tokenization import STOPWORDS
from index.vector_store import MILVUS_POINTER, VECTOR_STORE_ENV, RowFields, VectorStoreError, Where, checked

INSERT_BATCH = 500
CONNECT_TIMEOUT = 10.0  # seconds: a server that does not answer fails the call instead of hanging
MAX_TEXT_BYTES = 65_535  # VARCHAR limit (bytes)
MAX_NAME_BYTES = 1_024
MAX_RANGES = 64  # a row mask with more runs of allowed rows is sent as a list of rows
TOKEN_ENV = "MILVUS_TOKEN"


class MilvusUnavailable(VectorStoreError):
    """The server cannot be reached or refuses, or another process holds the Milvus Lite file."""


def analyzer_params(user_words: Sequence[str]) -> dict:
    """jieba in search mode with the plan's own names, planqa's stopwords dropped (Milvus and Milvus Lite)."""
    return {
        "tokenizer": {"type": "jieba", "mode": "search", "hmm": False, "dict": ["_default_", *user_words]},
        "filter": ["lowercase", {"type": "stop", "stop_words": sorted(STOPWORDS)}],
    }


class MilvusStore:
    """The chunks of one build in one Milvus collection: dense, BM25 and hybrid search with scalar filters."""

    def __init__(self, client: MilvusClient, collection: str, chunk_ids: list[str], uri: str, server: bool) -> None:
        self._client = client
        self._collection = collection
        self._uri = uri
        self._server = server
        self.chunk_ids = chunk_ids
        self._hnsw = False

    @property
    def kind(self) -> str:
        return "milvus-server" if self._server else "milvus-lite"

    # --- build and load -------------------------------------------------------------------------------

    @classmethod
    def build(
        cls, vectors: np.ndarray, chunk_ids: list[str], rows: Sequence[RowFields], user_words: Sequence[str],
        directory: Path, uri: str, server: bool, collection: str, hnsw_threshold: int = HNSW_THRESHOLD,
    ) -> MilvusStore:
        """Create ``collection`` (refusing to reuse one), insert the rows, index and load it; record it."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if not len(vectors) == len(chunk_ids) == len(rows):
            raise ValueError(f"{len(vectors)} vectors and {len(rows)} rows for {len(chunk_ids)} chunks")
        # written first: a build killed half-way still says which collection to drop
        _write_pointer(directory, uri if server else None, collection, None if server else uri)
        store = cls(_connect(uri, server), collection, chunk_ids, uri, server)
        try:
            with _engine_errors(uri, server):
                store._fill(vectors, rows, user_words, hnsw_threshold)
        except BaseException:
            store.close()
            raise
        return store

    def _fill(
        self, vectors: np.ndarray, rows: Sequence[RowFields], user_words: Sequence[str], hnsw_threshold: int
    ) -> None:
        client, name = self._client, self._collection
        if client.has_collection(name):
            raise VectorStoreError(
                f"Milvus 集合已存在 / collection {name!r} already exists on {self._uri}; "
                "planqa never overwrites a collection: rebuild to get a new build id"
            )
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("chunk_id", DataType.VARCHAR, max_length=MAX_NAME_BYTES)
        for field in ("doc_id", "region", "part"):
            schema.add_field(field, DataType.VARCHAR, max_length=MAX_NAME_BYTES)
        schema.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT_BYTES, enable_analyzer=True,
                         analyzer_params=analyzer_params(user_words))
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=int(vectors.shape[1]))
        schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                     input_field_names=["text"], output_field_names=["sparse"]))
        indexes = client.prepare_index_params()
        self._hnsw = len(vectors) >= hnsw_threshold
        if self._hnsw:
            indexes.add_index("dense", index_type="HNSW", metric_type="IP",
                              params={"M": HNSW_M, "efConstruction": 200})
        else:
            indexes.add_index("dense", index_type="FLAT", metric_type="IP")
        indexes.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        for field in ("doc_id", "region", "part"):
            indexes.add_index(field, index_type="INVERTED")
        client.create_collection(name, schema=schema, index_params=indexes)
        for start in range(0, len(rows), INSERT_BATCH):
            stop = min(start + INSERT_BATCH, len(rows))
            client.insert(name, [
                {
                    "row": i, "chunk_id": _clip(self.chunk_ids[i], MAX_NAME_BYTES),
                    "doc_id": _clip(rows[i].doc_id, MAX_NAME_BYTES), "region": _clip(rows[i].region, MAX_NAME_BYTES),
                    "part": _clip(rows[i].part, MAX_NAME_BYTES), "text": _clip(rows[i].text, MAX_TEXT_BYTES),
                    "dense": vectors[i].tolist(),
                }
                for i in range(start, stop)
            ])
        client.flush(name)
        client.load_collection(name)

    @classmethod
    def load(cls, directory: Path, chunk_ids: list[str], server_uri: str | None = None) -> MilvusStore:
        """Open the collection recorded in ``directory``; ``server_uri`` overrides the recorded server (it moved).

        ValueError when the collection is missing or does not hold these chunks.
        """
        pointer = json.loads((Path(directory) / MILVUS_POINTER).read_text(encoding="utf-8"))
        server = bool(pointer.get("url"))
        uri = (server_uri or pointer["url"]) if server else pointer["path"]
        if not server and not Path(uri).exists():
            raise ValueError(f"the Milvus Lite file {uri} is missing")
        store = cls(_connect(uri, server), pointer["collection"], chunk_ids, uri, server)

        def check() -> None:
            with _engine_errors(uri, server):
                store._check(len(chunk_ids))

        return checked(store, check)

    def _check(self, count: int) -> None:
        client, name = self._client, self._collection
        if not client.has_collection(name):
            raise ValueError(f"collection {name!r} not found in {self._uri}")
        client.load_collection(name)
        # Strong: on a server, a count right after a build must see every inserted row
        rows = client.query(name, filter="", output_fields=["count(*)"], consistency_level="Strong")
        stored = int(rows[0]["count(*)"])
        if stored != count:
            raise ValueError(f"collection {name!r} holds {stored} rows for {count} chunks")
        if count:
            ends = client.query(name, filter=f"row in [0, {count - 1}]", output_fields=["chunk_id"],
                                consistency_level="Strong")
            found = {int(r["row"]): r["chunk_id"] for r in ends}
            if found != {0: self.chunk_ids[0], count - 1: self.chunk_ids[-1]}:
                raise ValueError(f"collection {name!r} holds other chunks than this build ({found})")
        description = client.describe_index(name, "dense")
        self._hnsw = str(description.get("index_type", "")).upper() == "HNSW"

    # --- search -----------------------------------------------------------------------------------------

    def search(self, query_vector: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[Hit]:
        """Dense search (the VectorStore protocol): a row mask becomes a filter on the ``row`` key."""
        n = len(self.chunk_ids)
        if n == 0 or k <= 0:
            return []
        expression = ""
        if mask is not None:
            rows = np.flatnonzero(np.asarray(mask, dtype=bool))
            if len(rows) == 0:
                return []
            if len(rows) < n:
                expression = row_expression(rows)
        return self._dense(query_vector, min(k, n), expression)

    def retrieve(
        self, mode: str, text: str, query_vector: np.ndarray | None, k: int, where: Where | None = None
    ) -> tuple[list[Hit], dict[str, float], dict[str, float]]:
        """Retrieval inside the engine: (hits, BM25 scores, cosine scores).

        ``mode`` "bm25" (the BM25 function over ``text``), "dense" or "hybrid" (both routes, fused by the
        engine's RRF); ``where`` filters both routes by document, region and 篇. In hybrid mode the cosine
        of every fused hit comes from its stored vector (the engine returns fused scores only).
        """
        n = len(self.chunk_ids)
        if n == 0 or k <= 0:
            return [], {}, {}
        k = min(k, n)
        expression = where_expression(where)
        if mode == "dense":
            hits = self._dense(query_vector, k, expression)
            return hits, {}, {h.chunk_id: h.score for h in hits}
        if mode == "bm25":
            hits = self._bm25(text, k, expression)
            return hits, {h.chunk_id: h.score for h in hits}, {}
        vector = np.asarray(query_vector, dtype=np.float32).ravel()
        requests = [
            AnnSearchRequest(data=[text], anns_field="sparse", param={"metric_type": "BM25"}, limit=k,
                             expr=expression or None),
            AnnSearchRequest(data=[vector.tolist()], anns_field="dense", param=self._dense_params(), limit=k,
                             expr=expression or None),
        ]
        with _engine_errors(self._uri, self._server):
            result = self._client.hybrid_search(self._collection, requests, RRFRanker(RRF_K), limit=k,
                                                output_fields=["dense"])
        hits, cosines = [], {}
        for record in result[0]:
            chunk_id = self.chunk_ids[int(record["row"])]
            hits.append(Hit(chunk_id, float(record["distance"])))
            cosines[chunk_id] = float(np.dot(np.asarray(record["entity"]["dense"], dtype=np.float32), vector))
        return hits, {}, cosines

    def _dense_params(self) -> dict:
        return {"metric_type": "IP", "params": {"ef": HNSW_EF_SEARCH}} if self._hnsw else {"metric_type": "IP"}

    def _dense(self, query_vector: np.ndarray | None, k: int, expression: str) -> list[Hit]:
        vector = np.asarray(query_vector, dtype=np.float32).ravel().tolist()
        with _engine_errors(self._uri, self._server):
            result = self._client.search(self._collection, data=[vector], anns_field="dense", limit=k,
                                         filter=expression, search_params=self._dense_params())
        return [Hit(self.chunk_ids[int(r["row"])], float(r["distance"])) for r in result[0]]

    def _bm25(self, text: str, k: int, expression: str) -> list[Hit]:
        with _engine_errors(self._uri, self._server):
            result = self._client.search(self._collection, data=[text], anns_field="sparse", limit=k,
                                         filter=expression, search_params={"metric_type": "BM25"})
        # BM25 scores are positive; Milvus Lite reports them negated (its order is right): keep the magnitude
        return [Hit(self.chunk_ids[int(r["row"])], abs(float(r["distance"]))) for r in result[0]]

    def close(self) -> None:
        with contextlib.suppress(MilvusException):
            self._client.close()


def where_expression(where: Where | None) -> str:
    """The Milvus boolean expression for ``where`` ("" for no filter)."""
    if where is None:
        return ""
    clauses = []
    if where.doc_ids is not None:
        clauses.append(f"doc_id in {_strings(where.doc_ids)}")
    if where.regions is not None:
        clauses.append(f"region in {_strings(where.regions)}")
    if where.parts is not None:
        clauses.append("(" + " or ".join(f"part like {_string(_like_prefix(p))}" for p in where.parts) + ")")
    return " and ".join(clauses)


def row_expression(rows: np.ndarray) -> str:
    """A filter keeping exactly ``rows`` (sorted, unique): ranges of the key when few, else the list."""
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts, ends = rows[np.r_[0, breaks]], rows[np.r_[breaks - 1, len(rows) - 1]]
    if len(starts) <= MAX_RANGES:
        return " or ".join(f"(row >= {int(a)} and row <= {int(b)})" for a, b in zip(starts, ends, strict=True))
    return f"row in {[int(r) for r in rows]}"


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _strings(values: Sequence[str]) -> str:
    return "[" + ", ".join(_string(v) for v in values) + "]"


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _clip(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", errors="ignore")


def drop(directory: Path) -> None:
    """Drop the collection recorded in ``directory`` (best effort: the server may be gone)."""
    try:
        pointer = json.loads((Path(directory) / MILVUS_POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # a build killed while writing it: nothing was created yet
    server = bool(pointer.get("url"))
    uri = pointer["url"] if server else pointer.get("path")
    if not uri or (not server and not Path(uri).exists()):
        return
    try:
        client = _connect(uri, server)
    except MilvusUnavailable:
        return
    try:
        with contextlib.suppress(MilvusException):
            client.drop_collection(pointer["collection"])
    finally:
        client.close()


def list_collections(uri: str, server: bool) -> list[str]:
    """The collections at ``uri`` (for `planqa index info` and the tests)."""
    client = _connect(uri, server)
    try:
        with _engine_errors(uri, server):
            return sorted(client.list_collections())
    finally:
        client.close()


def release_lite(path: str | Path) -> None:
    """Stop this process's Milvus Lite engine for ``path`` (releasing its file lock); the next client restarts it."""
    from milvus_lite.server_manager import server_manager_instance

    server_manager_instance.release_server(str(path))


def _connect(uri: str, server: bool) -> MilvusClient:
    """A client for a server URL or a Milvus Lite file (its directory is created)."""
    if not server:
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    # pymilvus logs a failed connection with a traceback before raising; the raised error is reported instead
    for name in ("pymilvus", "milvus_lite.server_manager"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    with _engine_errors(uri, server):
        return MilvusClient(uri=uri, token=settings().milvus_token if server else "", timeout=CONNECT_TIMEOUT)


def _write_pointer(directory: Path, url: str | None, collection: str, path: str | None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    record = {"url": url, "path": path, "collection": collection}
    (directory / MILVUS_POINTER).write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")


@contextlib.contextmanager
def _engine_errors(uri: str, server: bool) -> Iterator[None]:
    """Turn an engine that cannot be reached or refuses into MilvusUnavailable, saying what to do."""
    try:
        yield
    except MilvusException as exc:
        if "does not exist" in str(exc.message) or "not found" in str(exc.message):
            raise MilvusUnavailable(
                f"索引已更新 / the collection this index was loaded from is gone from {uri} ({exc.message}): the "
                "index was rebuilt at least twice since it was loaded; load it again (restart planqa)"
            ) from exc
        if not server:
            raise MilvusUnavailable(
                f"无法打开 Milvus Lite / cannot open the Milvus Lite file {uri} ({exc.message}); Milvus Lite serves "
                f"one process at a time: stop the other planqa process using it, or use a Milvus server "
                f"({VECTOR_STORE_ENV}=milvus+http://HOST:19530)"
            ) from exc
        raise MilvusUnavailable(
            f"无法使用 Milvus 服务器 / the Milvus server at {uri} failed ({exc.message}); start it or point "
            f"{VECTOR_STORE_ENV} at a running server (or set it to faiss and rebuild); if it needs a token, "
            f"set {TOKEN_ENV}"
        ) from exc
