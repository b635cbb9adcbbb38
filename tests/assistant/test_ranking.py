"""Second-stage candidates (assistant.ranking.candidate_pool)."""

from __future__ import annotations

from assistant.ranking import candidate_pool
from index.hits import Hit, reciprocal_rank_fusion
from index.searcher import Retrieval


def test_a_passage_one_retriever_ranks_first_reaches_the_reranker():
    # within one document nearly every passage is in both lists: fusion buries what BM25 alone
    # ranks first (the targets sentence of an English question, which the dense model ranks below its depth)
    ids = [f"p{i}" for i in range(40)]
    bm25 = [Hit("target", 9.0)] + [Hit(c, 5.0 - i / 100) for i, c in enumerate(ids)]
    dense = [Hit(c, 0.9 - i / 1000) for i, c in enumerate(ids)]  # beyond the dense model's depth
    fused = reciprocal_rank_fusion([bm25, dense])
    retrieval = Retrieval(fused, {h.chunk_id: h.score for h in bm25}, {h.chunk_id: h.score for h in dense})
    assert "target" not in [h.chunk_id for h in fused[:30]]
    pool = candidate_pool(retrieval, depth=30, each=10)
    assert len(pool) == 31 and pool[-1][1].chunk_id == "target"
    assert pool[-1][0] == [h.chunk_id for h in fused].index("target")  # it keeps its fused rank
    assert [h.chunk_id for _, h in candidate_pool(retrieval, depth=30, each=0)] == [h.chunk_id for h in fused[:30]]
