"""Retrieval on the real index of the shipped plan (session fixtures)."""

from __future__ import annotations

import pytest

from assistant import Filter
from index.searcher import MAX_EMBED_CHARS, MODES, FilterError, Searcher
from index.store import load_index
from tests.index.conftest import HashEmbedder

PART_FOUR = "第四篇 加快建设科学城，引领高质量发展"


@pytest.fixture(scope="module")
def searcher(qa) -> Searcher:
    return qa.searcher


def texts(searcher: Searcher, hits) -> list[str]:
    return [searcher.chunk(h.chunk_id).text for h in hits]


def test_bm25_finds_the_5g_base_station_entry(searcher):
    hits = searcher.search("5G基站", k=3, mode="bm25")
    entries = [searcher.chunk(h.chunk_id) for h in hits]
    assert any(
        c.text.startswith("数字基础设施工程：") and "5G基站5000个" in c.text and "专栏4-6" in c.path_text
        for c in entries
    ), [c.text[:40] for c in entries]


def test_bm25_finds_exact_place_names(searcher):
    hits = searcher.search("三江港", k=5, mode="bm25")
    assert len(hits) == 5
    assert all("三江港" in searcher.chunk(h.chunk_id).search_text() for h in hits)


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


@pytest.mark.parametrize("part", ["第四篇", "4", "第4篇", PART_FOUR])
@pytest.mark.parametrize("mode", MODES)
def test_part_filter_keeps_only_that_part(searcher, part, mode):
    assert PART_FOUR in searcher.part_labels()
    hits = searcher.search("三江港多式联运和5G网络", k=10, mode=mode, where=Filter(parts=(part,)))
    assert hits
    assert all(searcher.chunk(h.chunk_id).path[0].startswith("第四篇") for h in hits)


def test_part_labels_are_the_ten_parts(searcher):
    labels = searcher.part_labels()
    assert len(labels) == 10
    assert labels[0].startswith("第一篇") and labels[-1].startswith("第十篇")


def test_doc_filter(searcher, plan):
    assert searcher.search("三江港", k=3, where=Filter.of(doc_ids=[plan.meta.doc_id]))
    with pytest.raises(FilterError, match=r"unknown document.*no-such-plan"):
        searcher.search("三江港", k=3, where=Filter.of(doc_ids=["no-such-plan"]))


def test_region_filter(searcher):
    assert searcher.regions() == ["鄂州市"]
    assert searcher.search("三江港", k=3, where=Filter.of(regions=["鄂州"]))
    with pytest.raises(FilterError, match=r"unknown region.*上海.*indexed: 鄂州市"):
        searcher.search("三江港", k=3, where=Filter.of(regions=["上海"]))


def test_filter_of_drops_blank_entries():
    assert Filter.of(["第四篇", " ", ""], None, ["鄂州 "]) == Filter(parts=("第四篇",), regions=("鄂州",))
    assert not Filter.of() and not Filter()


@pytest.mark.parametrize("part", ["第十一篇", "11", "科学城之外"])
def test_unknown_part_is_an_error_not_an_empty_result(searcher, part):
    with pytest.raises(FilterError, match="第一篇"):
        searcher.search("三江港", k=3, where=Filter(parts=(part,)))


def test_over_long_text_is_searched_and_the_embedder_reads_its_window(searcher, monkeypatch):
    # refusing empty or over-long questions is the assistant's job now (assistant.query); the searcher
    # searches what it is given, and the model sees only its window
    seen: list[int] = []
    embed = searcher.embedder.embed_queries
    monkeypatch.setattr(searcher.embedder, "embed_queries", lambda texts: seen.extend(map(len, texts)) or embed(texts))
    text = "三江港" + "鄂" * 3000
    assert searcher.search(text, k=1, mode="bm25")
    assert not seen
    assert searcher.search(text, k=1, mode="dense") and seen == [MAX_EMBED_CHARS]


def test_what_the_index_holds(searcher, plan, chunks):
    assert [d.doc_id for d in searcher.documents()] == [plan.meta.doc_id]
    assert searcher.passage_counts() == {plan.meta.doc_id: len(chunks)}
    assert [c.chunk_id for c in searcher.chunks] == [c.chunk_id for c in chunks]
    first = chunks[0]
    assert searcher.chunk(first.chunk_id).text == first.text
    assert "5g" in searcher.words("５Ｇ基站") and "基站" in searcher.terms("5G基站")
    rare, common = searcher.idf(["三江", "发展"])
    assert rare > common > 0
    assert searcher.idf(["没有这个词语xyz"]) == [0.0]


def test_unknown_mode_is_rejected(searcher):
    with pytest.raises(FilterError, match="unknown mode"):
        searcher.search("三江港", mode="fuzzy")


def test_embedder_of_another_model_is_refused(index_dir):
    with pytest.raises(FilterError, match="rebuild"):
        Searcher(load_index(index_dir), HashEmbedder(model_id="fake/other", dimension=384))


def test_planqa_retrieve_ranks_the_5g_entry_first(qa):
    [first, *_] = qa.retrieve("鄂州打算建多少5G基站")
    assert "专栏4-6" in first.path_text
    assert "5G基站5000个" in first.text, first.text[:60]
