"""Reciprocal-rank fusion on hand-built hit lists."""

from __future__ import annotations

import itertools

import pytest

from index.hits import RRF_K, Hit, reciprocal_rank_fusion


def ranked(*ids: str) -> list[Hit]:
    """A ranked list whose own scores decrease (they must not matter to RRF)."""
    return [Hit(cid, 100.0 - rank) for rank, cid in enumerate(ids)]


def ids(hits: list[Hit]) -> list[str]:
    return [h.chunk_id for h in hits]


def test_no_lists_and_empty_lists_give_nothing():
    assert reciprocal_rank_fusion([]) == []
    assert reciprocal_rank_fusion([[], []]) == []


def test_one_empty_list_keeps_the_others_order():
    fused = reciprocal_rank_fusion([[], ranked("a", "b", "c")])
    assert ids(fused) == ["a", "b", "c"]
    assert [h.score for h in fused] == pytest.approx([1 / (RRF_K + 1), 1 / (RRF_K + 2), 1 / (RRF_K + 3)])


def test_agreement_beats_a_single_first_place():
    fused = reciprocal_rank_fusion([ranked("x", "y"), ranked("y", "z")])
    assert ids(fused) == ["y", "x", "z"]
    assert fused[0].score == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))


def test_scores_are_higher_for_better_hits():
    fused = reciprocal_rank_fusion([ranked("a", "b", "c", "d"), ranked("d", "c", "e")])
    scores = [h.score for h in fused]
    assert scores == sorted(scores, reverse=True)
    assert all(s > 0 for s in scores)
    assert sorted(ids(fused)) == ["a", "b", "c", "d", "e"]


def test_ties_break_by_best_rank_then_chunk_id():
    # with k=0: "late" scores 1/4 + 1/4 = 1/2 from two 4th places; "second" and "also" score 1/2 from one 2nd place
    fused = reciprocal_rank_fusion(
        [ranked("top", "second", "third", "late"), ranked("first", "also", "3rd", "late")], k=0
    )
    assert ids(fused) == ["first", "top", "also", "second", "late", "3rd", "third"]


def test_order_does_not_depend_on_the_order_of_the_lists():
    lists = [ranked("b"), ranked("a"), ranked("c", "a")]
    outputs = {tuple(ids(reciprocal_rank_fusion(list(p)))) for p in itertools.permutations(lists)}
    assert outputs == {("a", "b", "c")}


def test_weights_scale_each_list():
    bm25, dense = ranked("lexical", "x"), ranked("semantic", "y")
    assert ids(reciprocal_rank_fusion([bm25, dense]))[:2] == ["lexical", "semantic"]
    assert ids(reciprocal_rank_fusion([bm25, dense], weights=[1.0, 3.0]))[:3] == ["semantic", "y", "lexical"]
    weighted = reciprocal_rank_fusion([bm25, dense], weights=[2.0, 0.5])
    assert ids(weighted) == ["lexical", "x", "semantic", "y"]
    assert weighted[0].score == pytest.approx(2.0 / (RRF_K + 1))
    only_dense = reciprocal_rank_fusion([bm25, dense], weights=[0.0, 1.0])
    assert ids(only_dense)[:2] == ["semantic", "y"]
    assert [h.score for h in only_dense[2:]] == [0.0, 0.0]


def test_mismatched_weights_are_rejected():
    with pytest.raises(ValueError, match="2 hit lists but 1 weights"):
        reciprocal_rank_fusion([ranked("a"), ranked("b")], weights=[1.0])
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([ranked("a")], weights=[1.0, 1.0])
