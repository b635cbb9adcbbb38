"""The index under concurrent adds, damaged files, a damaged CURRENT and a full disk."""

from __future__ import annotations

import errno
import json
import os
import threading

import numpy as np
import pytest

import planqa
from corpus import chunk_document, load_document
from corpus.library import Library
from index import commands as index_commands
from index import store as store_module
from index.store import IndexCorrupt, IndexError_, build_index, current_build, dense_text, load_index, read_manifest
from tests.faults.conftest import Crash, fill, needs_root
from tests.index.conftest import MINI_PLAN, HashEmbedder, write_plan
from tests.samples import PROVINCE_PLAN, write


def test_concurrent_adds_all_end_up_in_the_last_build(tmp_path, monkeypatch, fake_model):
    from index import embedders

    monkeypatch.setenv("PLANQA_HOME", str(tmp_path / "home"))
    monkeypatch.setitem(embedders._cache, fake_model, HashEmbedder(model_id=fake_model, delay=0.05))
    index = ["--index-dir", str(tmp_path / "index"), "--model", fake_model]
    files = [write(tmp_path / "in", f"plan{n}.txt", PROVINCE_PLAN.replace("15万个", f"{n}0万个")) for n in range(4)]
    codes: list[int] = []
    threads = [threading.Thread(target=lambda f=f: codes.append(planqa.main(["add", str(f), *index])))
               for f in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [0, 0, 0, 0]
    library_ids = {e.meta.doc_id for e in Library().entries()}
    manifest = read_manifest(tmp_path / "index")
    assert set(manifest["documents"]) == library_ids and len(library_ids) == 5
    assert {c.doc_id for c in load_index(tmp_path / "index").chunks} == library_ids


def test_retrying_an_add_killed_while_indexing_catches_the_index_up(tmp_path, monkeypatch, fake_model, capsys):
    monkeypatch.setenv("PLANQA_HOME", str(tmp_path / "home"))
    index = ["--index-dir", str(tmp_path / "index"), "--model", fake_model]
    assert planqa.main(["index", "build", *index]) == 0
    source = write(tmp_path / "in", "hubei.txt")
    def die_while_embedding(*_args, **_kwargs):
        raise Crash

    with monkeypatch.context() as patch, pytest.raises(Crash):
        patch.setattr(index_commands, "build_index", die_while_embedding)
        planqa.main(["add", str(source), *index])  # the library has the file, the index does not
    capsys.readouterr()

    assert planqa.main(["index", "info", *index]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["library"] == {"not_indexed": ["hubei"], "changed": [], "not_in_library": [],
                                          "up_to_date": False}
    assert "the index is behind the library (not indexed yet: hubei)" in err

    assert planqa.main(["add", str(source), *index]) == 0  # the retry: no duplicate error, the index catches up
    out, err = capsys.readouterr()
    assert "already in the library: hubei" in out and "not in the index yet" in out and "duplicate" not in err
    assert set(read_manifest(tmp_path / "index")["documents"]) == {"ezhou-14th-five-year-plan", "hubei"}
    assert planqa.main(["index", "info", *index]) == 0
    assert json.loads(capsys.readouterr().out)["library"]["up_to_date"] is True

    assert planqa.main(["add", str(source), *index]) == 2  # in the library and the index: a duplicate, as before
    assert "duplicate: hubei.txt" in capsys.readouterr().err


def test_force_re_embeds_instead_of_trusting_damaged_vectors(tmp_path):
    doc = load_document(write_plan(tmp_path / "plans"))
    root = tmp_path / "idx"
    build_index(root, [doc], HashEmbedder(), progress=False)
    vectors = np.load(current_build(root) / "embeddings.npy")
    np.save(current_build(root) / "embeddings.npy", np.random.default_rng(0).random(vectors.shape, np.float32))
    fresh = HashEmbedder().embed_passages([dense_text(c) for c in chunk_document(doc)])
    # a plain rebuild notices the file no longer matches its recorded hash and does not reuse it …
    changed = load_document(write_plan(tmp_path / "v2", MINI_PLAN.replace("铁水联运", "多式联运")))
    again = HashEmbedder()
    build_index(root, [changed], again, progress=False)
    assert len(again.embedded) == len(chunk_document(changed))
    # … and --force never reuses vectors at all
    forced = HashEmbedder()
    build_index(root, [doc], forced, progress=False, reuse_vectors=False)
    assert len(forced.embedded) == len(chunk_document(doc))
    assert np.allclose(np.load(current_build(root) / "embeddings.npy"), fresh)


def test_index_build_force_repairs_a_binary_current(tmp_path, fake_model, capsys):
    plan = write_plan(tmp_path / "plans")
    root = tmp_path / "idx"
    args = ["--index-dir", str(root), "--model", fake_model]
    assert planqa.main(["index", "build", str(plan), *args]) == 0
    (root / "CURRENT").write_bytes(b"\xff\xfe\x00\x9c garbage \x00")
    with pytest.raises(IndexCorrupt, match="planqa index build --force"):
        load_index(root)
    capsys.readouterr()
    assert planqa.main(["search", "花湖机场", *args]) == 2
    assert "CURRENT" in capsys.readouterr().err
    assert planqa.main(["index", "build", "--force", str(plan), *args]) == 0
    assert len(load_index(root).chunks) == len(chunk_document(load_document(plan)))


def test_injected_enospc_leaves_no_partial_and_the_previous_build(tmp_path, monkeypatch):
    doc = load_document(write_plan(tmp_path / "plans"))
    root = tmp_path / "idx"
    first = build_index(root, [doc], HashEmbedder(), progress=False)

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module.np, "save", full)
    with pytest.raises(IndexError_, match="the disk is full"):
        build_index(root, [doc], HashEmbedder(), progress=False, reuse_vectors=False)
    monkeypatch.undo()
    assert not list((root / "builds").glob("*.partial"))
    assert load_index(root).directory == first


@needs_root
def test_a_real_full_disk_leaves_no_partial_and_the_previous_build(small_disk, tmp_path):
    doc = load_document(write_plan(tmp_path / "plans"))
    root = small_disk / "idx"
    first = build_index(root, [doc], HashEmbedder(), progress=False)
    fill(small_disk)
    (small_disk / "filler").unlink()  # room again, but not for a build of 4096-dimensional vectors
    stats = os.statvfs(small_disk)
    with open(small_disk / "filler", "wb") as handle:
        handle.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - 64 * 1024))
    with pytest.raises(IndexError_, match="the disk is full"):
        build_index(root, [doc], HashEmbedder(dimension=4096), progress=False, reuse_vectors=False)
    assert not list((root / "builds").glob("*.partial"))
    assert load_index(root).directory == first
    json.loads((first / "manifest.json").read_text(encoding="utf-8"))
