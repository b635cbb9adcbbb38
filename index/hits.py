"""The one result type every retriever returns, and reciprocal-rank fusion over them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RRF_K = 60


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk. ``score``: higher is better, whatever the retriever."""

    chunk_id: str
    score: float


def reciprocal_rank_fusion(
    hit_lists: Sequence[Sequence[Hit]], weights: Sequence[float] | None = None, k: int = RRF_K
) -> list[Hit]:
    """Fuse ranked lists: score(d) = Σ w_i / (k + rank_i(d)), rank from 1.

    Ties are broken by the best single rank, then by chunk id, so the output is deterministic.

    >>> a = [Hit("x", 9.0), Hit("y", 1.0)]
    >>> b = [Hit("y", 0.9)]
    >>> [h.chunk_id for h in reciprocal_rank_fusion([a, b])]
    ['y', 'x']
    """
    weights = list(weights) if weights is not None else [1.0] * len(hit_lists)
    if len(weights) != len(hit_lists):
        raise ValueError(f"{len(hit_lists)} hit lists but {len(weights)} weights")
    scores: dict[str, float] = {}
    best_rank: dict[str, int] = {}
    for hits, weight in zip(hit_lists, weights, strict=True):
        for rank, hit in enumerate(hits, start=1):
            scores[hit.chunk_id] = scores.get(hit.chunk_id, 0.0) + weight / (k + rank)
            best_rank[hit.chunk_id] = min(best_rank.get(hit.chunk_id, rank), rank)
    order = sorted(scores, key=lambda cid: (-scores[cid], best_rank[cid], cid))
    return [Hit(cid, scores[cid]) for cid in order]
