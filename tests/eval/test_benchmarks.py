"""The benchmark scripts' core at tiny sizes: synthetic corpora (eval.growth), the concurrency
checker (eval.load) and the flat/HNSW recall, with fakes instead of the real model and server."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import numpy as np
import pytest

from assistant import Answer
from assistant.records import Citation
from corpus import SHIPPED_PLAN, chunk_document, load_document
from eval.growth import (
    SYNTHETIC_TITLE,
    SyntheticEmbedder,
    ann_row,
    block_key,
    noise_sigma,
    noisy,
    perturb_line,
    recall_at_k,
    scale_figure,
    source_of,
    synthetic_model_id,
    synthetic_passages,
    write_corpus,
)
from eval.load import AnswerKey, run_clients, split, workload
from index.searcher import Searcher
from index.store import build_index, dense_text, load_index
from tests.index.conftest import HashEmbedder

EXCERPT_LINES = 40  # the plan's opening: 篇, two chapters, sections and many figures
FIGURE = r"\d+(?:\.\d+)?"


@pytest.fixture(scope="module")
def excerpt(tmp_path_factory) -> Path:
    """The first lines of the shipped plan, with its metadata sidecar."""
    directory = tmp_path_factory.mktemp("excerpt")
    path = directory / "excerpt.txt"
    path.write_text("\n".join(SHIPPED_PLAN.read_text(encoding="utf-8").split("\n")[:EXCERPT_LINES]), encoding="utf-8")
    meta = SHIPPED_PLAN.with_name(SHIPPED_PLAN.stem + ".meta.json")
    (directory / "excerpt.meta.json").write_text(meta.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def variants(excerpt, tmp_path_factory) -> list[Path]:
    return write_corpus(tmp_path_factory.mktemp("synthetic"), 2, source=excerpt)


# --- synthetic corpora --------------------------------------------------------------------------


def test_synthetic_documents_are_marked_and_renamed(excerpt, variants):
    docs = [load_document(p) for p in variants]
    assert [d.meta.doc_id for d in docs] == ["synthetic-01", "synthetic-02"]
    assert [d.meta.region for d in docs] == ["合成市01", "合成市02"]
    for doc, path in zip(docs, variants, strict=True):
        assert doc.meta.title.startswith(SYNTHETIC_TITLE)
        assert "鄂州" not in doc.meta.title and "鄂州" not in path.read_text(encoding="utf-8")
        assert doc.meta.region in path.read_text(encoding="utf-8")
    assert "鄂州" in excerpt.read_text(encoding="utf-8")


def test_synthetic_figures_differ_but_structure_and_years_stay(excerpt, variants):
    source = load_document(excerpt)
    source_blocks = {b.block_id: b.text for b in source.blocks()}
    for path in variants:
        doc = load_document(path)
        assert [(s.section_id, s.heading.level) for s in doc.sections() if s.heading] == [
            (s.section_id, s.heading.level) for s in source.sections() if s.heading
        ]
        years = changed = 0
        for block in doc.blocks():
            source_text = source_blocks[block.block_id]
            before = list(re.finditer(FIGURE, source_text))
            after = re.findall(FIGURE, block.text.replace(doc.meta.region, ""))  # 合成市01: not a figure
            assert len(before) == len(after)
            for old, new in zip(before, after, strict=True):
                if re.fullmatch(r"(19|20)\d\d", old.group()):
                    assert new == old.group()
                    years += 1
                elif new == old.group():  # only names may keep their digits: 5G, PM2.5, S203, “1+8”
                    around = source_text[max(old.start() - 1, 0)] + source_text[old.end() : old.end() + 1]
                    assert re.search(r"[A-Za-z+]", around), (old.group(), around)
                else:
                    changed += 1
        assert years > 5 and changed > 40
        text = path.read_text(encoding="utf-8")
        assert "5.2万贫困人口" not in text and "5G网络" in text
    first, second = (path.read_text(encoding="utf-8") for path in variants)
    assert first != second.replace("合成市02", "合成市01")


def test_figures_scale_but_names_markers_and_headings_do_not():
    assert scale_figure("2025", 1.3) == "2025"
    assert scale_figure("87.4", 0.9) == "78.7"
    assert scale_figure("1", 1.2) == "2"  # 1.2 rounds back to 1: nudged so that it always differs
    line = "[bookmark: _Toc1]建设5G基站5000个，PM2.5下降47.7%[footnoteRef:3]，专栏4-6，“1+8”城市圈"
    expected = "[bookmark: _Toc1]建设5G基站6000个，PM2.5下降57.2%[footnoteRef:3]，专栏4-6，“1+8”城市圈"
    assert perturb_line(line, 1.2) == expected
    for heading in ("第三节 发展目标", "专栏4-6 数字经济领域重点工程", "1. 历史方位", "12"):
        assert perturb_line(heading, 1.2) == heading


# --- synthetic vectors and index ------------------------------------------------------------------


def test_noise_sigma_gives_the_requested_cosine():
    rng = np.random.default_rng(0)
    unit = rng.normal(size=(500, 384)).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    copies = noisy(unit, noise_sigma(0.97, 384), rng)
    assert np.allclose(np.linalg.norm(copies, axis=1), 1.0, atol=1e-5)
    assert np.mean(np.sum(unit * copies, axis=1)) == pytest.approx(0.97, abs=0.005)


def test_synthetic_index_uses_the_source_vectors_plus_noise(excerpt, variants, tmp_path):
    base = HashEmbedder(dimension=64)
    source_chunks = chunk_document(load_document(excerpt))
    sources = dict(zip((block_key(c.chunk_id) for c in source_chunks),
                       base.embed_passages([dense_text(c) for c in source_chunks]), strict=True))
    docs = [load_document(p) for p in variants]
    sigma = noise_sigma(0.95, base.dimension)
    embedder = SyntheticEmbedder(synthetic_model_id(base, sigma), base, synthetic_passages(docs, sources, sigma))
    assert embedder.model_id.startswith("synthetic:")
    build = build_index(tmp_path / "index", docs, embedder, progress=False)
    stored = load_index(tmp_path / "index")
    vectors = np.load(build / "embeddings.npy")
    cosines = [float(vector @ source_of(block_key(chunk.chunk_id), sources))
               for chunk, vector in zip(stored.chunks, vectors, strict=True)]
    assert 0.85 < float(np.median(cosines)) < 0.995
    assert {c.doc_id for c in stored.chunks} == {"synthetic-01", "synthetic-02"}
    hits = Searcher(stored, embedder).search("5G基站", 3, "dense")
    assert len(hits) == 3


# --- flat vs HNSW ----------------------------------------------------------------------------------


def test_recall_at_k_on_a_hand_built_case():
    exact = np.array([[0, 1, 2, 7], [3, 4, 5, 8]])
    approx = np.array([[2, 9, 0, 1], [5, -1, -1, -1]])
    assert recall_at_k(approx, exact, 3) == pytest.approx((2 / 3 + 1 / 3) / 2)
    assert recall_at_k(exact, exact, 4) == 1.0
    assert recall_at_k(approx, exact, 1) == 0.0
    # by passage: ids 0–9 are copies of passages id % 5; 9 is a copy of 4, 5 a copy of 0
    groups = np.arange(10) % 5
    assert recall_at_k(approx, exact, 3, groups) == pytest.approx((2 / 3 + 1 / 3) / 2)  # {2,4,0}∩{0,1,2}; {0}∩{3,4,0}
    assert recall_at_k(np.array([[5, 6]]), np.array([[0, 1]]), 2, groups) == 1.0  # other copies, same passages


def test_ann_row_compares_hnsw_with_the_exact_scan():
    rng = np.random.default_rng(1)
    source = noisy(rng.normal(size=(100, 32)).astype(np.float32), 0.0, rng)
    vectors = np.concatenate([noisy(source, 0.02, rng) for _ in range(3)])  # 3 "documents" of 100 passages
    queries = noisy(rng.normal(size=(20, 32)).astype(np.float32), 0.0, rng)
    row = ann_row(3, vectors, queries, np.tile(np.arange(100), 3), 100, ef_searches=(16, 256), depth=50)
    assert row.vectors == 300 and set(row.hnsw) == {"16", "256"}
    assert row.hnsw["256"]["recall"] > 0.95
    assert row.hnsw["256"]["passage_recall"] > 0.95
    assert row.flat_p50_ms > 0 and row.hnsw_build_s >= 0
    assert row.filtered["flat"]["hits"] == 50  # the exact scan always fills the depth from the filtered document
    assert row.filtered["hnsw"]["hits"] <= 50


# --- the concurrency checker ---------------------------------------------------------------------


def _key(question: str) -> AnswerKey:
    return AnswerKey(f"「{question}」[1]", True, (f"doc:{question}",), ("第一篇",))


def test_workload_is_deterministic_and_dealt_evenly():
    questions = [f"q{i}" for i in range(7)]
    asked = workload(questions, 3, 4)
    assert asked == workload(questions, 3, 4) and len(asked) == 12
    assert set(asked) == set(questions)
    assert [len(batch) for batch in split(asked, 3)] == [4, 4, 4]
    assert sorted(q for batch in split(asked, 3) for q in batch) == sorted(asked)


def test_checker_passes_identical_answers_and_flags_a_wrong_one_and_errors():
    questions = [f"q{i}" for i in range(12)]
    reference = {q: _key(q) for q in questions}

    def asker(question: str) -> tuple[AnswerKey, float]:
        if question == "q5":
            raise RuntimeError("boom")
        key = _key(question)
        if question == "q7":
            key = AnswerKey(key.text, key.found, ("doc:other",), key.paths)
        return key, 1.0

    run = run_clients("fake", lambda: asker, split(questions, 4), reference)
    assert run.questions == 12 and len(run.latencies_ms) == 11
    assert [p.question for p in run.errors] == ["q5"] and "boom" in run.errors[0].detail
    assert [p.question for p in run.mismatches] == ["q7"] and run.mismatches[0].detail.startswith("chunk_ids")
    later = run_clients("fake", lambda: asker, split(questions, 4), None)  # the cold start: checked afterwards
    assert not later.mismatches
    later.check(reference)
    assert [p.question for p in later.mismatches] == ["q7"]
    clean = run_clients("fake", lambda: lambda q: (_key(q), 1.0), split(questions, 4), reference)
    assert not clean.errors and not clean.mismatches and clean.throughput > 0


def test_checker_catches_a_race_on_shared_state():
    """A fake answerer keeping the question in shared state: every round, the last writer wins."""
    threads, rounds = 4, 3
    questions = [f"q{i}" for i in range(threads * rounds)]
    shared: dict[str, str] = {}
    together = threading.Barrier(threads)

    def racy(question: str) -> tuple[AnswerKey, float]:
        shared["question"] = question
        together.wait()  # every thread has written before any reads
        answer = _key(shared["question"])
        together.wait()
        return answer, 1.0

    run = run_clients("racy", lambda: racy, split(questions, threads), {q: _key(q) for q in questions})
    assert len(run.mismatches) == rounds * (threads - 1)
    assert all(p.detail.startswith("text") for p in run.mismatches)


def test_answer_key_is_the_same_in_process_and_over_json():
    citation = Citation(1, "d:p1", "d", "规划", ("第一篇 总则", "第一章 目标"), "到2025年……", 0.5, "p1")
    answer = Answer("问？", "「到2025年……」[1]", True, (citation,), "number", "hybrid", "m", latency_ms=3.0)
    over_the_wire = json.loads(json.dumps(answer.to_dict(), ensure_ascii=False))
    assert AnswerKey.of(answer) == AnswerKey.of(over_the_wire)
    assert AnswerKey.of(answer).paths == ("第一篇 总则 › 第一章 目标",)
    moved = {**over_the_wire, "citations": [{**over_the_wire["citations"][0], "path": ["第二篇"]}]}
    assert AnswerKey.of(answer).differences(AnswerKey.of(moved)) == ["paths"]
