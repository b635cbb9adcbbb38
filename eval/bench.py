"""`planqa bench`: retrieval quality and speed of each planqa mode against a plain RAG baseline.

How to run::

    planqa bench            # full: every answerable question, index built from scratch (~5 min)
    planqa bench --quick    # a subset of questions, reuses the existing index (~2–3 min: the
                            # baseline is always embedded from scratch, it has no stored index)

What it measures, every row in the same run on this machine:

- rows ``bm25``, ``dense``, ``hybrid``: planqa's raw retrievers (``qa.searcher.search``);
  ``planqa``: ``qa.retrieve`` (hybrid + the answer-aware rerank ``ask`` uses);
  ``baseline``: Langchain-Chatchat's default pipeline as :mod:`eval.baseline` mimics it (plain
  text, recursive 250/50-character chunks, the same embedder, FAISS flat inner product, dense top 5).
- Recall@1/3/5 and MRR over the answerable questions of the Q&A set (a passage holds the
  evidence by the rule of :func:`eval.metrics.evidence_in_passage`), and the ratio
  hybrid / baseline (and planqa / baseline) of Recall@5 and MRR.
- warm query latency p50/p95 (ms): each query timed after one warm-up query per row; the rows
  take turns question by question, so outside load slows them alike.
- per index: build seconds from scratch (fresh temporary directory, no embedding cache; the
  four planqa rows share one index), cold start (wall time of a fresh Python process that
  loads the index and the model and answers one question) and that process's peak RSS (MB).

Machine: the table's header prints the CPU, core count, OS and Python version of the run.
Written for and first run on a 2-core cloud VM without GPU; latencies grow when other
processes share the cores, so compare rows of one run rather than numbers across runs.

``python -m eval.bench --probe planqa|baseline DIR MODEL QUESTION`` is the cold-start probe the
benchmark runs in a subprocess (it prints the peak RSS as JSON).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant import PlanQA
from corpus import SHIPPED_PLAN, PlanqaError, load_document
from eval.baseline import BaselineIndex, plain_text
from eval.metrics import first_match_rank, mean_reciprocal_rank, percentile, recall_at
from eval.qaset import QAItem
from eval.scorer import RECALL_CUTOFFS, passage_text
from index.embedders import load_embedder
from index.searcher import MODES
from index.store import build_index, default_index_root

K = 5
QUICK_QUESTIONS = 40
BASELINE = "baseline"
_REPO_ROOT = Path(__file__).resolve().parents[1]

Retriever = Callable[[str], list[str]]


class BenchError(PlanqaError):
    """The benchmark cannot run: no answerable questions, or a cold-start probe failed."""


@dataclass
class BenchRow:
    """One retrieval configuration's measurements (None: not measured in this run)."""

    name: str
    recall: dict[str, float | None]
    mrr: float | None
    p50_ms: float | None
    p95_ms: float | None
    build_s: float | None = None
    cold_start_s: float | None = None
    peak_rss_mb: float | None = None


def question_subset(items: Sequence[QAItem], quick: bool) -> list[QAItem]:
    """The answerable items; with ``quick``, about QUICK_QUESTIONS of them spread over the set."""
    answerable = [item for item in items if item.answerable]
    if not quick or len(answerable) <= QUICK_QUESTIONS:
        return answerable
    step = len(answerable) / QUICK_QUESTIONS
    return [answerable[int(i * step)] for i in range(QUICK_QUESTIONS)]


def measure(retrievers: dict[str, Retriever], items: Sequence[QAItem]) -> list[BenchRow]:
    """Rank of the evidence and warm latency of every retriever over ``items``.

    The retrievers take turns on each question, so a load from other processes slows them
    alike and the latency columns stay comparable within one run.
    """
    ranks: dict[str, list[int | None]] = {name: [] for name in retrievers}
    latencies: dict[str, list[float]] = {name: [] for name in retrievers}
    for retrieve in retrievers.values():
        retrieve(items[0].question)  # warm-up: first-call costs (jieba, BLAS) are not query latency
    for item in items:
        for name, retrieve in retrievers.items():
            started = time.perf_counter()
            passages = retrieve(item.question)
            latencies[name].append(1000 * (time.perf_counter() - started))
            ranks[name].append(first_match_rank(item.evidence, passages[:K]))
    return [
        BenchRow(
            name=name,
            recall={f"@{n}": recall_at(ranks[name], n) for n in RECALL_CUTOFFS},
            mrr=mean_reciprocal_rank(ranks[name]),
            p50_ms=percentile(latencies[name], 50),
            p95_ms=percentile(latencies[name], 95),
        )
        for name in retrievers
    ]


def _planqa_retrievers(qa: PlanQA) -> dict[str, Retriever]:
    searcher = qa.searcher

    def raw(mode: str) -> Retriever:
        def retrieve(question: str) -> list[str]:
            chunks = [searcher.chunk(h.chunk_id) for h in searcher.search(qa.analyze(question).search_text, K, mode)]
            return ["\n".join((c.text, *c.footnotes)) for c in chunks]

        return retrieve

    retrievers = {mode: raw(mode) for mode in MODES}
    retrievers["planqa"] = lambda question: [passage_text(c) for c in qa.retrieve(question, K)]
    return retrievers


def cold_start(kind: str, directory: Path, model: str | None, question: str) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of a fresh process that loads ``kind``'s index and model and answers."""
    command = [sys.executable, "-m", "eval.bench", "--probe", kind, str(directory), model or "", question]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(_REPO_ROOT), os.environ.get("PYTHONPATH"))))}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"cold-start probe failed ({kind}): {done.stderr.strip()[-500:]}")
    return wall, json.loads(done.stdout.strip().splitlines()[-1])["peak_rss_mb"]


def _probe(kind: str, directory: str, model: str, question: str) -> None:
    """The cold-start subprocess: load, answer one question, print the peak RSS."""
    if kind == BASELINE:
        BaselineIndex.load(Path(directory), load_embedder(model or None)).search(question, K)
    else:
        PlanQA.load(index_dir=directory, model=model or None, rebuild="never", progress=False).ask(question)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"peak_rss_mb": round(peak_kb / 1024, 1)}))


def machine() -> str:
    """CPU model, core count, OS and Python version."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu} · {os.cpu_count()} cores · {system} · Python {platform.python_version()}"


def _log(message: str) -> None:
    print(f"planqa bench: {message}", file=sys.stderr, flush=True)


def run_bench(items: Sequence[QAItem], index_dir: str | None = None, model: str | None = None,
              quick: bool = False) -> dict[str, Any]:
    """Measure every row (see the module docstring); returns a JSON-ready result."""
    questions = question_subset(items, quick)
    if not questions:
        raise BenchError("没有可回答的问题 / the Q&A set has no answerable questions to benchmark")
    embedder = load_embedder(model)
    root = Path(index_dir) if index_dir else default_index_root(embedder.model_id)
    qa = PlanQA.load(index_dir=root, model=model)  # builds (with a progress bar) when missing or stale
    with tempfile.TemporaryDirectory(prefix="planqa-bench-") as scratch:
        _log("building the baseline index (plain text, 250/50 chunks, embedded from scratch)")
        started = time.perf_counter()
        baseline = BaselineIndex.build(plain_text(SHIPPED_PLAN), embedder)
        baseline_build_s = time.perf_counter() - started
        baseline.save(Path(scratch) / BASELINE)

        retrievers = _planqa_retrievers(qa)
        retrievers[BASELINE] = lambda question: baseline.search(question, K)
        _log(f"querying {', '.join(retrievers)} in turn ({len(questions)} questions)")
        rows = measure(retrievers, questions)

        build_s = None
        if not quick:
            _log("building the planqa index from scratch")
            started = time.perf_counter()
            build_index(Path(scratch) / "planqa", [load_document(SHIPPED_PLAN)], embedder, progress=False)
            build_s = time.perf_counter() - started
        _log("cold starts")
        question = questions[0].question
        planqa_cold = cold_start("planqa", root, model, question)
        baseline_cold = cold_start(BASELINE, Path(scratch) / BASELINE, model, question)
        for row in rows:
            if row.name == BASELINE:
                row.build_s, (row.cold_start_s, row.peak_rss_mb) = baseline_build_s, baseline_cold
            else:
                row.build_s, (row.cold_start_s, row.peak_rss_mb) = build_s, planqa_cold

    return {
        "machine": machine(),
        "model_id": embedder.model_id,
        "questions": len(questions),
        "quick": quick,
        "chunks": {"planqa": sum(qa.catalog().passages.values()), BASELINE: len(baseline.chunks)},
        "rows": [asdict(r) for r in rows],
    }


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ratio(rows: dict[str, dict], name: str, metric: Callable[[dict], float | None]) -> str:
    top, bottom = metric(rows[name]), metric(rows[BASELINE])
    return "n/a" if top is None or not bottom else f"{top / bottom:.2f}×"


def render_bench(result: dict[str, Any]) -> str:
    """The benchmark table with its header (machine, model, questions) and the ratio lines."""
    header = ["row", "R@1", "R@3", "R@5", "MRR", "p50 ms", "p95 ms", "build s", "cold start s", "peak RSS MB"]
    table = [header]
    for r in result["rows"]:
        table.append([
            r["name"], *(_fmt(r["recall"][f"@{n}"]) for n in RECALL_CUTOFFS), _fmt(r["mrr"]),
            _fmt(r["p50_ms"], 1), _fmt(r["p95_ms"], 1), _fmt(r["build_s"], 1),
            _fmt(r["cold_start_s"], 2), _fmt(r["peak_rss_mb"], 0),
        ])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = [
        f"machine: {result['machine']}",
        f"model: {result['model_id']} · {result['questions']} answerable questions · top {K} · "
        f"chunks: planqa {result['chunks']['planqa']}, baseline {result['chunks'][BASELINE]}"
        + (" · quick (no from-scratch planqa build)" if result["quick"] else ""),
        "",
    ]
    lines += ["  ".join(cell.rjust(widths[i]) if i else cell.ljust(widths[i]) for i, cell in enumerate(row))
              for row in table]
    by_name = {r["name"]: r for r in result["rows"]}
    for name in ("hybrid", "planqa"):
        lines.append(
            f"{name} / baseline: Recall@5 {_ratio(by_name, name, lambda r: r['recall'][f'@{K}'])}, "
            f"MRR {_ratio(by_name, name, lambda r: r['mrr'])}"
        )
    lines.append("bm25, dense, hybrid and planqa share one index: build, cold start (load index + model, "
                 "answer one question with qa.ask) and peak RSS are measured once for it.")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 6 or sys.argv[1] != "--probe":
        sys.exit("usage: python -m eval.bench --probe planqa|baseline DIR MODEL QUESTION")
    _probe(*sys.argv[2:])
