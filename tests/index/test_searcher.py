"""Retrieval on the real index of the shipped plan (session fixtures)."""

from __future__ import annotations

import pytest

from index.searcher import MAX_QUERY_CHARS, MODES, QueryError, Searcher
from tests.index.conftest import HashEmbedder

PART_FOUR = "第四篇 加快建设科学城，引领高质量发展"


@pytest.fixture(scope="module")
def searcher(qa) -> Searcher:
    return qa.searcher


def texts(searcher: Searcher, hits) -> list[str]:
    return [searcher.by_id[h.chunk_id].text for h in hits]


def test_bm25_finds_the_5g_base_station_entry(searcher):
    hits = searcher.search("5G基站", k=3, mode="bm25")
    entries = [searcher.by_id[h.chunk_id] for h in hits]
    assert any(
        c.text.startswith("数字基础设施工程：") and "5G基站5000个" in c.text and "专栏4-6" in c.path_text
        for c in entries
    ), [c.text[:40] for c in entries]


def test_bm25_finds_exact_place_names(searcher):
    hits = searcher.search("三江港", k=5, mode="bm25")
    assert len(hits) == 5
    assert all("三江港" in searcher.by_id[h.chunk_id].search_text() for h in hits)


@pytest.mark.parametrize(
    ("question", "passage_phrase"),
    [
        ("长江里禁止捕鱼多少年", "禁捕"),  # the plan says 「巩固禁捕禁养成果」
        ("农村的老人怎么养老", "养老服务体系"),
    ],
)
def test_dense_finds_a_paraphrase(searcher, question, passage_phrase):
    assert passage_phrase not in question
    assert any(passage_phrase in t for t in texts(searcher, searcher.search(question, k=5, mode="dense")))


@pytest.mark.parametrize("mode", MODES)
def test_scores_are_sorted_higher_is_better(searcher, mode):
    hits = searcher.search("鄂州如何建设花湖机场和国际物流核心枢纽", k=15, mode=mode)
    assert len(hits) == 15
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(s > 0 for s in scores)
    assert len({h.chunk_id for h in hits}) == len(hits)


def test_dense_drops_no_hit_by_threshold(searcher):
    assert len(searcher.search("量子计算机和外星人", k=20, mode="dense")) == 20


def test_hybrid_agrees_with_both_retrievers(searcher):
    retrieval = searcher.retrieve("5G基站建设数量", mode="hybrid")
    top = retrieval.hits[0].chunk_id
    assert top in retrieval.bm25_scores and top in retrieval.dense_scores
    assert retrieval.query == "5g基站建设数量"


@pytest.mark.parametrize("part", ["第四篇", "4", "第4篇", PART_FOUR])
@pytest.mark.parametrize("mode", MODES)
def test_part_filter_keeps_only_that_part(searcher, part, mode):
    assert PART_FOUR in searcher.part_labels()
    hits = searcher.search("三江港多式联运和5G网络", k=10, mode=mode, parts=[part])
    assert hits
    assert all(searcher.by_id[h.chunk_id].path[0].startswith("第四篇") for h in hits)


def test_part_labels_are_the_ten_parts(searcher):
    labels = searcher.part_labels()
    assert len(labels) == 10
    assert labels[0].startswith("第一篇") and labels[-1].startswith("第十篇")


def test_doc_filter(searcher, plan):
    assert searcher.search("三江港", k=3, doc_ids=[plan.meta.doc_id])
    with pytest.raises(QueryError, match=r"unknown document.*no-such-plan"):
        searcher.search("三江港", k=3, doc_ids=["no-such-plan"])


@pytest.mark.parametrize("part", ["第十一篇", "11", "科学城之外"])
def test_unknown_part_is_an_error_not_an_empty_result(searcher, part):
    with pytest.raises(QueryError, match="第一篇"):
        searcher.search("三江港", k=3, parts=[part])


@pytest.mark.parametrize("query", ["", "   ", "\n\t　"])
def test_empty_query_is_rejected(searcher, query):
    with pytest.raises(QueryError, match="empty"):
        searcher.search(query)


def test_over_long_query_is_rejected_with_the_limit(searcher):
    with pytest.raises(QueryError, match=f"{MAX_QUERY_CHARS + 1} characters; the limit is {MAX_QUERY_CHARS}"):
        searcher.search("鄂" * (MAX_QUERY_CHARS + 1))
    assert searcher.search("三江港" + "鄂" * (MAX_QUERY_CHARS - 3), k=1, mode="bm25")


def test_unknown_mode_is_rejected(searcher):
    with pytest.raises(QueryError, match="unknown mode"):
        searcher.search("三江港", mode="fuzzy")


def test_embedder_of_another_model_is_refused(searcher):
    with pytest.raises(QueryError, match="rebuild"):
        Searcher(searcher.index, HashEmbedder(model_id="fake/other", dimension=384))


def test_planqa_retrieve_ranks_the_5g_entry_first(qa):
    [first, *_] = qa.retrieve("鄂州打算建多少5G基站")
    assert "专栏4-6" in first.path_text
    assert "5G基站5000个" in first.text, first.text[:60]
