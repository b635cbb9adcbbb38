"""FAISS vector index over normalized embeddings (inner product = cosine): the embedded VectorStore.

Exact search (IndexFlatIP) below HNSW_THRESHOLD vectors; HNSW above. Measured by eval/growth.py
(docs/benchmarks.md, 2-core EPYC): the exact scan costs ~0.19 µs a vector (10 ms at 44,100, 26 ms at
132,300) and is exact under filters; HNSW stays under 1 ms but, on plans that resemble each other,
lost 10–30 % of the exact top 10 from 13,000 vectors on and most hits of a one-document filter.
So the scan is kept until it nears the ~50 ms a query embedding costs anyway.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from index.hits import Hit

HNSW_THRESHOLD = 250_000
HNSW_M = 32
HNSW_EF_SEARCH = 256  # recall@10 0.61–0.89 at 132,300 similar-plan vectors vs 0.52–0.79 at 128
FAISS_FILE = "dense.faiss"  # the index's file in a build directory


class DenseIndex:
    """Vectors of the chunks, searched by cosine similarity."""

    def __init__(self, index: faiss.Index, chunk_ids: list[str]) -> None:
        self._index = index
        self.chunk_ids = chunk_ids

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSWFlat) else "flat"

    @classmethod
    def build(cls, vectors: np.ndarray, chunk_ids: list[str], hnsw_threshold: int = HNSW_THRESHOLD) -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        if len(vectors) >= hnsw_threshold:
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        return cls(index, chunk_ids)

    def search(self, query_vector: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[Hit]:
        n = len(self.chunk_ids)
        if n == 0 or k <= 0:
            return []
        query = np.asarray(query_vector, dtype=np.float32).reshape(1, -1)
        if mask is None:
            scores, ids = self._index.search(query, min(n, k))
        else:
            # the filter runs inside FAISS: exact top k of the allowed rows (flat), no over-fetching
            bits = np.packbits(np.asarray(mask, dtype=bool), bitorder="little")  # FAISS reads it during search
            selector = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bits))
            # HNSW under a selective filter reaches few allowed rows: scan the allowed rows of its storage exactly
            index = faiss.downcast_index(self._index.storage) if self.kind == "hnsw" else self._index
            scores, ids = index.search(query, min(n, k), params=faiss.SearchParameters(sel=selector))
        return [Hit(self.chunk_ids[i], float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    def close(self) -> None:
        """Nothing to release: the index lives in memory (part of the VectorStore protocol)."""

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, chunk_ids: list[str]) -> DenseIndex:
        index = faiss.read_index(str(path))
        if index.ntotal != len(chunk_ids):
            raise ValueError(f"{path} holds {index.ntotal} vectors for {len(chunk_ids)} chunks")
        return cls(index, chunk_ids)
