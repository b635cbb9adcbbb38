"""`planqa eval` (score a Q&A set) and `planqa bench` (speed and retrieval quality vs. a baseline)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from assistant import PlanQA
from assistant.support import SupportModel
from config import settings
from corpus import PlanqaError, load_shipped_plan
from eval import corpus_bench, growth, load
from eval.conversations import DEV_CONVERSATIONS
from eval.devset import DEV_CORPUS, Library, corpus_documents, dev_held_out, dev_sets, held_out, library_of
from eval.qaset import QAItem, QASetError, default_qa_path, load_qa
from eval.report import json_document, terminal_table, write_json, write_report
from eval.scorer import EvalRun, QAEvaluator
from index.commands import add_index_options
from index.embedders import load_embedder
from index.searcher import MODES
from index.store import default_index_root

ALL_MODES = "all"
# what a user waits (2-core machine, see README): said before the run starts
BENCH_DURATION = "about 5 minutes on 2 cores (embeds the plan twice from scratch; --quick: about 2–3 minutes)"
QUICK_DURATION = "about 2–3 minutes (a subset of questions; the baseline is still embedded from scratch)"
PROGRESS_EVERY = 25


class EvalInputError(PlanqaError):
    """A Q&A file that cannot be evaluated (unreadable, malformed, or empty)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("eval", help="score answers and retrieval on a Q&A set (JSON Lines)")
    parser.add_argument("--qa", help="Q&A file in the eval/data/qa.jsonl format (default: the shipped set)")
    parser.add_argument("--dev", action="store_true",
                        help="the development set: every Q&A file of eval/data/dev over the shipped plan and the "
                             "documents of eval/data/dev-corpus (held-out documents reported separately); with --qa, "
                             "that file over the same library")
    parser.add_argument("--conversations", metavar="FILE", nargs="?", const=str(DEV_CONVERSATIONS),
                        help="score a conversation set (default: eval/data/dev/conversations.jsonl) over the shipped "
                             "plan and the development documents: follow-ups, topic changes, single-turn accuracy")
    parser.add_argument("--corpus", metavar="DIR",
                        help="answer from the shipped plan and the files in DIR (their own index), not the library")
    parser.add_argument("--mode", choices=(*MODES, ALL_MODES), default="hybrid",
                        help="retrieval mode, or 'all' to compare bm25, dense and hybrid side by side")
    parser.add_argument("--llm", help="also evaluate a generative answerer: an OpenAI-compatible base URL or "
                        "a local model path (run in the last mode given)")
    parser.add_argument("--json", dest="json_out", metavar="OUT", help="write every metric and failure to OUT")
    parser.add_argument("--report", metavar="DIR", nargs="?", const="",
                        help="write a Markdown report and a PNG chart into DIR (default: a new folder under "
                        "$PLANQA_HOME/reports, outside the working tree)")
    parser.add_argument("-k", type=int, default=5, help="citations scored per question (default 5)")
    add_index_options(parser)
    parser.set_defaults(handler=_eval)

    fit = subparsers.add_parser("fit", help="fit the support model (whether a candidate answers) on the development "
                                "set, cross-validated over documents, and write assistant/data/support.json")
    fit.add_argument("--mode", choices=MODES, default="hybrid")
    fit.add_argument("--dry-run", action="store_true", help="print the result, do not write the model file")
    add_index_options(fit)
    fit.set_defaults(handler=_fit)

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


def report_dir(given: str) -> Path:
    """Where ``--report`` writes: DIR when given, else ``$PLANQA_HOME/reports/eval-YYYYmmdd-HHMMSS``."""
    if given:
        return Path(given)
    return settings().home / "reports" / datetime.now().strftime("eval-%Y%m%d-%H%M%S")


def read_dev_items() -> tuple[list[tuple[QAItem, Library]], str]:
    """Every question of the development sets (eval/data/dev) with the library it is asked over, in file order."""
    items: list[tuple[QAItem, Library]] = []
    for path in dev_sets():
        items += [(item, library_of(path)) for item in read_items(path)[0]]
    return items, str(DEV_CORPUS.parent / "dev")


def dev_answerers(args: argparse.Namespace, support: SupportModel | None = None) -> dict[Library, PlanQA]:
    """PlanQA over each development library: the shipped plan alone, and it with the development corpus,
    each in an index of its own."""
    shipped = default_index_root(f"{load_embedder(args.model).model_id}+shipped")
    return {"shipped": PlanQA.load(index_dir=shipped, model=args.model, documents=[load_shipped_plan()],
                                   support=support),
            "dev-corpus": load_answerer(args, DEV_CORPUS, support)}


def read_items(path: str | Path | None) -> tuple[list[QAItem], str]:
    """The Q&A items of ``path`` (default: the shipped set), or EvalInputError naming file and line.

    Fields beyond the format are ignored with a warning on stderr.
    """
    source = Path(path) if path else default_qa_path()
    warnings: list[str] = []
    try:
        items = load_qa(source, warnings)
    except QASetError as exc:
        raise EvalInputError(f"Q&A 文件有误 / bad Q&A file: {exc}") from exc
    for warning in warnings[:5]:
        print(f"planqa eval: warning: {warning}", file=sys.stderr)
    if len(warnings) > 5:
        print(f"planqa eval: warning: … and {len(warnings) - 5} more lines with extra fields", file=sys.stderr)
    if not items:
        raise EvalInputError(f"Q&A 文件为空 / no questions in {source}")
    return items, str(source)


def load_answerer(args: argparse.Namespace, corpus: Path | None, support: SupportModel | None = None) -> PlanQA:
    """PlanQA over the library, or over the shipped plan and ``corpus`` in an index of their own;
    ``support``: another support model than the fitted one (``planqa fit`` starts from an untrained one)."""
    if corpus is None:
        return PlanQA.load(index_dir=args.index_dir, model=args.model, support=support)
    if not corpus.is_dir():
        raise EvalInputError(f"找不到文档目录 / no such directory: {corpus}")
    documents = corpus_documents(corpus)
    index_dir = args.index_dir or default_index_root(f"{load_embedder(args.model).model_id}+{corpus.name}")
    return PlanQA.load(index_dir=index_dir, model=args.model, documents=documents, support=support)


def _progress(label: str):
    def report(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            print(f"planqa eval: {label} {done}/{total}", file=sys.stderr, flush=True)

    return report


def _eval(args: argparse.Namespace) -> int:
    if args.k < 1:
        raise EvalInputError(f"-k must be at least 1, got {args.k}")
    if args.conversations:
        return _eval_conversations(args)
    if args.dev and not args.qa:
        return _eval_dev(args)
    corpus = Path(args.corpus) if args.corpus else (DEV_CORPUS if args.dev else None)
    items, source = read_items(args.qa)
    held = held_out(Path(source))
    refiner = None
    if args.llm:
        from assistant.generative import refiner_from_spec

        refiner = refiner_from_spec(args.llm)
    qa = load_answerer(args, corpus)
    modes = list(MODES) if args.mode == ALL_MODES else [args.mode]
    evaluator = QAEvaluator(items, k=args.k)
    runs: list[EvalRun] = [evaluator.run(qa, mode, progress=_progress(mode)) for mode in modes]
    if refiner is not None:
        generative = PlanQA(qa.searcher, qa.documents, modes[-1], refiner=refiner)
        label = f"{modes[-1]}+llm"
        runs.append(evaluator.run(generative, modes[-1], label=label, progress=_progress(label)))
    return _report(args, runs, items, source, held)


def _report(args: argparse.Namespace, runs: list[EvalRun], items: list[QAItem], source: str,
            held: frozenset[str]) -> int:
    """Print the runs' table; write the JSON and Markdown reports when asked."""
    print(terminal_table(runs, items, source, held))
    if args.json_out:
        write_json(Path(args.json_out), json_document(runs, items, source))
        print(f"wrote {args.json_out}", file=sys.stderr)
    if args.report is not None:
        report = write_report(report_dir(args.report), runs, items, source)
        print(f"wrote {report} and its chart", file=sys.stderr)
    return 0


def _eval_dev(args: argparse.Namespace) -> int:
    """Every development set over its own library, scored as one set (and the held-out documents apart)."""
    pairs, source = read_dev_items()
    answerers = dev_answerers(args)
    modes = list(MODES) if args.mode == ALL_MODES else [args.mode]
    runs: list[EvalRun] = []
    for mode in modes:
        merged: EvalRun | None = None
        for library in ("shipped", "dev-corpus"):
            items = [item for item, lib in pairs if lib == library]
            if not items:
                continue
            run = QAEvaluator(items, k=args.k).run(answerers[library], mode, progress=_progress(f"{mode} {library}"))
            if merged is None:
                merged = run
            else:
                merged.results += run.results
        assert merged is not None
        runs.append(merged)
    return _report(args, runs, [r.item for r in runs[0].results], source, dev_held_out())


def _eval_conversations(args: argparse.Namespace) -> int:
    from eval.conversations import load_conversations, render_run, run_conversations

    items = load_conversations(args.conversations)
    qa = load_answerer(args, Path(args.corpus) if args.corpus else DEV_CORPUS)
    mode = None if args.mode == ALL_MODES else args.mode
    run = run_conversations(qa, items, k=args.k, mode=mode, progress=_progress("conversations"))
    print(render_run(run, args.conversations))
    if args.json_out:
        failures = [{"conversation": r.conversation, "turn": r.index + 1, "kind": r.kind, "question": r.item.question,
                     "resolved": r.resolved, "inherited": list(r.inherited), "answer": r.text}
                    for r in run.failures()]
        write_json(Path(args.json_out), {"source": args.conversations, "mode": mode or qa.mode,
                                         "metrics": run.metrics(), "failures": failures})
        print(f"wrote {args.json_out}", file=sys.stderr)
    return 0


def _fit(args: argparse.Namespace) -> int:
    from assistant.support import SUPPORT_FILE, SupportModel
    from eval.fit import fit, save
    from eval.report import fit_table

    items, _ = read_dev_items()
    result = fit(dev_answerers(args, SupportModel.untrained()), items, dev_held_out(), args.mode)
    print(fit_table(result.cv, result.held_out, result.model))
    if not args.dry_run:
        save(result)
        print(f"wrote {SUPPORT_FILE}", file=sys.stderr)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from eval.bench import render_bench, run_bench

    items, _ = read_items(args.qa)
    print(f"planqa bench: {BENCH_DURATION if not args.quick else QUICK_DURATION}; progress follows",
          file=sys.stderr, flush=True)
    result = run_bench(items, index_dir=args.index_dir, model=args.model, quick=args.quick)
    print(render_bench(result))
    if args.json_out:
        write_json(Path(args.json_out), result)
        print(f"wrote {args.json_out}", file=sys.stderr)
    return 0
