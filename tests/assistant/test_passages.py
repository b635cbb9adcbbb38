"""The retrieve stage's pool of passages (assistant.passages.passage_pool)."""

from __future__ import annotations

from assistant.passages import passage_pool, rank_signal
from corpus import Chunk
from index.hits import Hit, reciprocal_rank_fusion
from index.searcher import Retrieval


def _chunk(chunk_id: str) -> Chunk:
    return Chunk(chunk_id, "doc", (), chunk_id, "paragraph", (chunk_id,))


def test_a_passage_one_retriever_ranks_first_joins_the_pool():
    # within one document nearly every passage is in both lists: fusion buries what BM25 alone
    # ranks first (the targets sentence of an English question, which the dense model ranks below its depth)
    ids = [f"p{i}" for i in range(40)]
    bm25 = [Hit("target", 9.0)] + [Hit(c, 5.0 - i / 100) for i, c in enumerate(ids)]
    dense = [Hit(c, 0.9 - i / 1000) for i, c in enumerate(ids)]  # beyond the dense model's depth
    fused = reciprocal_rank_fusion([bm25, dense])
    retrieval = Retrieval(fused, {h.chunk_id: h.score for h in bm25}, {h.chunk_id: h.score for h in dense})
    assert "target" not in [h.chunk_id for h in fused[:30]]
    pool = passage_pool(retrieval, _chunk, depth=30, each=10)
    assert len(pool) == 31 and pool[-1].chunk.chunk_id == "target"
    target = pool[-1]
    assert target.rank == [h.chunk_id for h in fused].index("target")  # it keeps its fused rank
    assert target.bm25_rank == 0 and target.bm25 == 1.0 and target.dense_rank is None and target.dense == 0.0
    assert target.best_rank == 0
    assert [p.chunk.chunk_id for p in passage_pool(retrieval, _chunk, depth=30, each=0)] == \
        [h.chunk_id for h in fused[:30]]


def test_scores_are_scaled_to_the_pool():
    retrieval = Retrieval([Hit("a", 0.03), Hit("b", 0.02)], {"a": 2.0, "b": 4.0}, {"a": 0.8, "b": 0.6})
    a, b = passage_pool(retrieval, _chunk)
    assert (a.bm25, b.bm25) == (0.5, 1.0) and (a.dense, b.dense) == (1.0, 0.0)
    assert passage_pool(Retrieval([], {}, {}), _chunk) == []


def test_rank_signal_falls_with_rank_and_is_zero_when_absent():
    assert rank_signal(0) == 1.0 and rank_signal(None) == 0.0
    assert rank_signal(1) < 1.0 and rank_signal(1) > rank_signal(5) > rank_signal(50) > 0.0
