"""`planqa eval` (score a Q&A set) and `planqa bench` (speed and retrieval quality vs. a baseline)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant import PlanQA
from corpus import PlanqaError
from eval import corpus_bench, growth, load
from eval.qaset import QAItem, QASetError, default_qa_path, load_qa
from eval.report import json_document, terminal_table, write_json, write_report
from eval.scorer import EvalRun, QAEvaluator
from index.commands import add_index_options
from index.searcher import MODES

ALL_MODES = "all"
PROGRESS_EVERY = 25


class EvalInputError(PlanqaError):
    """A Q&A file that cannot be evaluated (unreadable, malformed, or empty)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("eval", help="score answers and retrieval on a Q&A set (JSON Lines)")
    parser.add_argument("--qa", help="Q&A file in the eval/data/qa.jsonl format (default: the shipped set)")
    parser.add_argument("--mode", choices=(*MODES, ALL_MODES), default="hybrid",
                        help="retrieval mode, or 'all' to compare bm25, dense and hybrid side by side")
    parser.add_argument("--llm", help="also evaluate a generative answerer: an OpenAI-compatible base URL or "
                        "a local model path (run in the last mode given)")
    parser.add_argument("--json", dest="json_out", metavar="OUT", help="write every metric and failure to OUT")
    parser.add_argument("--report", metavar="DIR", help="write a Markdown report and a PNG chart into DIR")
    parser.add_argument("-k", type=int, default=5, help="citations scored per question (default 5)")
    add_index_options(parser)
    parser.set_defaults(handler=_eval)

    bench = subparsers.add_parser("bench", help="retrieval quality and speed of each mode vs. a plain RAG baseline")
    bench.add_argument("--quick", action="store_true",
                       help="a subset of questions and no from-scratch index build (for development)")
    bench.add_argument("--qa", help="Q&A file (default: the shipped set)")
    bench.add_argument("--json", dest="json_out", metavar="OUT", help="also write the measurements to OUT")
    add_index_options(bench)
    bench.set_defaults(handler=_bench)

    bench_load = subparsers.add_parser(
        "bench-load", help="many clients at once: PlanQA.ask in process and the Gradio /ask API")
    load.add_arguments(bench_load)
    bench_load.set_defaults(handler=load.run)
    bench_growth = subparsers.add_parser(
        "bench-growth", help="build, memory and latency on synthetic 1×–100× corpora; flat vs HNSW")
    growth.add_arguments(bench_growth)
    bench_growth.set_defaults(handler=growth.run)

    bench_corpus = subparsers.add_parser(
        "bench-corpus", help="a real multi-document corpus: FAISS + local BM25 vs Milvus Lite, side by side")
    corpus_bench.add_arguments(bench_corpus)
    bench_corpus.set_defaults(handler=corpus_bench.run)


def read_items(path: str | None) -> tuple[list[QAItem], str]:
    """The Q&A items of ``path`` (default: the shipped set), or EvalInputError naming file and line."""
    source = Path(path) if path else default_qa_path()
    try:
        items = load_qa(source)
    except QASetError as exc:
        raise EvalInputError(f"Q&A 文件有误 / bad Q&A file: {exc}") from exc
    if not items:
        raise EvalInputError(f"Q&A 文件为空 / no questions in {source}")
    return items, str(source)


def _progress(label: str):
    def report(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            print(f"planqa eval: {label} {done}/{total}", file=sys.stderr, flush=True)

    return report


def _eval(args: argparse.Namespace) -> int:
    if args.k < 1:
        raise EvalInputError(f"-k must be at least 1, got {args.k}")
    items, source = read_items(args.qa)
    refiner = None
    if args.llm:
        from assistant.generative import refiner_from_spec

        refiner = refiner_from_spec(args.llm)
    qa = PlanQA.load(index_dir=args.index_dir, model=args.model)
    modes = list(MODES) if args.mode == ALL_MODES else [args.mode]
    evaluator = QAEvaluator(items, k=args.k)
    runs: list[EvalRun] = [evaluator.run(qa, mode, progress=_progress(mode)) for mode in modes]
    if refiner is not None:
        generative = PlanQA(qa.searcher, qa.documents, modes[-1], refiner=refiner)
        label = f"{modes[-1]}+llm"
        runs.append(evaluator.run(generative, modes[-1], label=label, progress=_progress(label)))
    print(terminal_table(runs, items, source))
    if args.json_out:
        write_json(Path(args.json_out), json_document(runs, items, source))
        print(f"wrote {args.json_out}", file=sys.stderr)
    if args.report:
        report = write_report(Path(args.report), runs, items, source)
        print(f"wrote {report} and its chart", file=sys.stderr)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from eval.bench import render_bench, run_bench

    items, _ = read_items(args.qa)
    result = run_bench(items, index_dir=args.index_dir, model=args.model, quick=args.quick)
    print(render_bench(result))
    if args.json_out:
        write_json(Path(args.json_out), result)
        print(f"wrote {args.json_out}", file=sys.stderr)
    return 0
