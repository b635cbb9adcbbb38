"""`planqa ask`: answer questions from the terminal (pretty or JSON), one or a file of them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.generative import refiner_from_env, refiner_from_spec
from assistant.planqa import DEFAULT_K, PlanQA
from assistant.records import Answer, Citation
from corpus import PlanqaError
from index.commands import add_filter_options, add_index_options
from index.searcher import MODES, Filter

PASSAGE_CHARS = 200  # of a quoted passage printed under an answer
OTHER_CHARS = 60  # of a related passage the answer does not quote
EXIT_WORDS = frozenset({"exit", "quit", "q", "退出"})
CHAT_GREETING = ("planqa chat：每行一个问题，回车提问；追问（如「那充电桩呢？」）会结合前面的问题理解。"
                 "结束：exit、quit、退出、q 或 Ctrl-D。\n"
                 "planqa chat: one question per line; follow-ups are read against the earlier ones. "
                 "Leave with exit, quit, 退出, q or Ctrl-D.")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ask", help="answer a question about the plan, with cited passages")
    parser.add_argument("question", nargs="?", help="the question (or use --file)")
    parser.add_argument("--file", help="a text file with one question per line (batch mode)")
    parser.add_argument("--jsonl", help="with --file: write one JSON answer per line here")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.add_argument("--mode", choices=MODES, default="hybrid")
    parser.add_argument("-k", type=int, default=DEFAULT_K, help="number of cited passages")
    add_filter_options(parser)
    parser.add_argument("--llm", help="generative answerer: an OpenAI-compatible base URL or a local model path")
    add_index_options(parser)
    parser.set_defaults(handler=_ask)

    chat = subparsers.add_parser("chat", help="a conversation in the terminal: follow-ups such as 「那充电桩呢？」 "
                                 "are read against the questions before; --export FILE saves it (.md or .docx)")
    chat.add_argument("--export", metavar="FILE", help="at the end, write the answers to FILE (.md or .docx)")
    chat.add_argument("--mode", choices=MODES, default="hybrid")
    chat.add_argument("-k", type=int, default=DEFAULT_K, help="number of cited passages")
    chat.add_argument("--llm", help="generative answerer: an OpenAI-compatible base URL or a local model path")
    add_index_options(chat)
    chat.set_defaults(handler=_chat)


def load_from_args(args: argparse.Namespace) -> PlanQA:
    """PlanQA as the command line asks for it (--llm, else $PLANQA_LLM, else extractive only)."""
    spec = getattr(args, "llm", None)
    refiner = refiner_from_spec(spec) if spec else refiner_from_env()
    return PlanQA.load(index_dir=args.index_dir, model=args.model, mode=args.mode, llm=refiner)


def _ask(args: argparse.Namespace) -> int:
    if not args.question and not args.file:
        raise PlanqaError("问题为空 / give a question, e.g. planqa ask \"鄂州打算建多少5G基站？\", or --file")
    questions = [args.question] if args.question else _read_questions(Path(args.file))
    out = _open_jsonl(args.jsonl) if args.jsonl else None  # a bad path fails before the slow load
    try:
        qa = load_from_args(args)
        failed = _answer_all(qa, questions, args, out)
    finally:
        if out is not None:
            out.close()
    if out is not None:
        print(f"wrote {len(questions) - failed} answers to {args.jsonl}"
              f"{f' ({failed} question(s) failed, written as errors)' if failed else ''}", file=sys.stderr)
    if failed and len(questions) > 1:
        raise PlanqaError(f"{failed} of {len(questions)} questions could not be answered (see above)")
    return 0


def _chat(args: argparse.Namespace) -> int:
    """Read questions line by line from stdin and answer each in one conversation, until an exit word,
    EOF (Ctrl-D) or Ctrl-C; an empty line ends a piped conversation and is skipped at a terminal."""
    from assistant.conversation import EXPORT_SUFFIXES

    if args.export and Path(args.export).suffix.lower() not in EXPORT_SUFFIXES:
        raise PlanqaError(f"不支持的导出格式 / cannot export to {args.export}: use a .md or .docx file name")
    qa = load_from_args(args)
    conversation = qa.conversation()
    interactive = sys.stdin.isatty()
    print(CHAT_GREETING, file=sys.stderr, flush=True)
    while True:
        if interactive:
            print("问> ", end="", flush=True)
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            print(file=sys.stderr)
            break
        if not line or is_exit(line) or (not line.strip() and not interactive):
            break
        if not line.strip():
            continue
        try:
            answer = conversation.ask(line.strip(), k=args.k, mode=args.mode)
        except PlanqaError as exc:
            print(f"planqa: {exc}", file=sys.stderr)
            continue
        print(render(answer, show_documents=len(qa.documents) > 1) + "\n", flush=True)
    if args.export:
        path = conversation.export(args.export)
        print(f"wrote {len(conversation.answers)} answers to {path}", file=sys.stderr)
    return 0


def is_exit(line: str) -> bool:
    """Whether a chat line asks to leave: exit, quit, 退出 or q (any case, stray punctuation allowed)."""
    return line.strip().strip("。.!！").strip().lower() in EXIT_WORDS


def _answer_all(qa: PlanQA, questions: list[str], args: argparse.Namespace, out) -> int:
    """Answer every question; a bad one is reported (and written as an error line) and the rest go on.
    Returns how many failed; a single question's error is raised as it is."""
    failed = 0
    for number, question in enumerate(questions, start=1):
        try:
            answer = qa.ask(question, k=args.k, where=Filter.of(args.part, args.doc, args.region))
        except PlanqaError as exc:
            if len(questions) == 1:
                raise
            failed += 1
            print(f"planqa: question {number}: {exc}", file=sys.stderr)
            if out is not None:
                out.write(json.dumps({"question": question, "error": str(exc)}, ensure_ascii=False) + "\n")
            continue
        if out is not None:
            out.write(json.dumps(answer.to_dict(), ensure_ascii=False) + "\n")
        elif args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(render(answer, show_documents=len(qa.documents) > 1))
    return failed


def _open_jsonl(path: str):
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise PlanqaError(f"无法写入 / cannot write --jsonl {path}: {exc.strerror or exc}; "
                          "check that its folder exists") from exc


def _read_questions(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeError) as exc:
        raise PlanqaError(f"无法读取问题文件 / cannot read {path}: {exc}") from exc
    questions = [line.strip() for line in lines if line.strip()]
    if not questions:
        raise PlanqaError(f"问题文件为空 / no questions in {path}")
    return questions


_LEVELS = {"answer": "回答", "tentative": "仅供核对", "none": "未回答"}


def render(answer: Answer, show_documents: bool = False) -> str:
    """Terminal form: the answer, the passages it quotes (来源) with their place in the plan (and document),
    then the other related passages, shorter; a table row as its table's name and cells."""
    lines = [f"问：{answer.question}"]
    if answer.resolved_question:
        lines.append(f"理解为：{answer.resolved_question}")
    lines.append(f"答：{answer.text}")
    if answer.notice:
        lines.append(f"注：{answer.notice}")
    cited = answer.used_citations if answer.found else ()
    if answer.found and not cited:
        cited = answer.citations
    others = [c for c in answer.citations if c not in cited]
    for heading, citations, width in (("来源：", cited, PASSAGE_CHARS), (
            "其他相关段落：" if answer.found else "最接近的段落：", others, OTHER_CHARS)):
        if citations:
            lines.append(heading)
        for c in citations:
            where = f"《{c.doc_title}》 › {c.path_text}" if show_documents else c.path_text
            lines.append(f"  [{c.number}] {where}\n      {_passage(c, width)}")
    sure = f"把握 {answer.confidence:.2f}（{_LEVELS[answer.level]}） · " if answer.confidence is not None else ""
    lines.append(f"（{sure}{answer.mode} · {answer.model_id} · {answer.latency_ms:.0f} ms）")
    return "\n".join(lines)


def _passage(citation: Citation, width: int) -> str:
    """A passage shortened to ``width`` characters; a table row as 「表：name｜column：value；…」."""
    text = citation.text
    if citation.kind == "table_row" and citation.fields:
        name = citation.path[-1] if citation.path else ""
        text = f"表：{name}｜" + "；".join(f"{column}：{value}" for column, value in citation.fields)
    return text if len(text) <= width else text[:width] + "……"
