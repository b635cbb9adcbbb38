"""The retrieve stage: the passages an answer may come from, with the retrieval signals behind each.

The pool is the fused list's first ``POOL_DEPTH`` hits plus each retriever's own first
``RETRIEVER_DEPTH`` (reciprocal-rank fusion inside one document can bury the passage BM25 ranks
first: an English question, a rare term). Each passage keeps its ranks and normalised scores; the
support model reads them as features, and nothing else ranks passages by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from corpus import Chunk
from index.searcher import Retrieval

POOL_DEPTH = 30
RETRIEVER_DEPTH = 10


@dataclass(frozen=True)
class Passage:
    """A retrieved passage: its fused rank (0-based) and each retriever's view of it.

    ``bm25``: the BM25 score over the pool's best (0 when BM25 did not return it); ``dense``: the
    cosine similarity scaled to [0, 1] over the retrieved list; ``*_rank``: the rank in that
    retriever's own list (None when absent).
    """

    chunk: Chunk
    rank: int
    bm25: float = 0.0
    dense: float = 0.0
    bm25_rank: int | None = None
    dense_rank: int | None = None

    @property
    def best_rank(self) -> int:
        """The best of its ranks in the fused list and in either retriever's own list."""
        return min(r for r in (self.rank, self.bm25_rank, self.dense_rank) if r is not None)


def _ranks(scores: dict[str, float]) -> dict[str, int]:
    return {cid: n for n, cid in enumerate(sorted(scores, key=lambda c: (-scores[c], c)))}


def passage_pool(retrieval: Retrieval, chunk: Callable[[str], Chunk], depth: int = POOL_DEPTH,
                 each: int = RETRIEVER_DEPTH) -> list[Passage]:
    """The passages to look for an answer in, in fused order (see the module docstring).

    >>> from index.hits import Hit
    >>> from corpus import Chunk
    >>> r = Retrieval([Hit("a", 0.03), Hit("b", 0.02)], {"a": 2.0, "b": 4.0}, {"a": 0.9})
    >>> pool = passage_pool(r, lambda cid: Chunk(cid, "d", (), cid, "paragraph", (cid,)))
    >>> [(p.chunk.chunk_id, p.bm25, p.bm25_rank, p.dense_rank) for p in pool]
    [('a', 0.5, 1, 0), ('b', 1.0, 0, None)]
    """
    bm25_ranks, dense_ranks = _ranks(retrieval.bm25_scores), _ranks(retrieval.dense_scores)
    heads = {cid for ranks in (bm25_ranks, dense_ranks) for cid, n in ranks.items() if n < each}
    top_bm25 = max(retrieval.bm25_scores.values(), default=0.0) or 1.0
    dense = list(retrieval.dense_scores.values())
    lo, hi = (min(dense), max(dense)) if dense else (0.0, 0.0)
    out = []
    for rank, hit in enumerate(retrieval.hits):
        if rank >= depth and hit.chunk_id not in heads:
            continue
        cosine = retrieval.dense_scores.get(hit.chunk_id)
        out.append(Passage(
            chunk(hit.chunk_id), rank,
            bm25=retrieval.bm25_scores.get(hit.chunk_id, 0.0) / top_bm25,
            dense=(cosine - lo) / (hi - lo) if cosine is not None and hi > lo else 0.0,
            bm25_rank=bm25_ranks.get(hit.chunk_id), dense_rank=dense_ranks.get(hit.chunk_id),
        ))
    return out


def rank_signal(rank: int | None) -> float:
    """A rank as a feature in [0, 1]: 1 for the first, falling with log rank, 0 when absent."""
    return 0.0 if rank is None else 1.0 / (1.0 + math.log1p(rank))
