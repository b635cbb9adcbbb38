"""`planqa serve`: the chat UI in the browser (Gradio), with the `/ask` API endpoint.

Read-only unless ``--allow-edit``; editing on an address other than loopback needs
``--auth USER:PASSWORD`` (or $PLANQA_AUTH), which puts Gradio's login in front of the whole page.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys

from assistant.commands import load_from_args
from assistant.planqa import PlanQA
from config import settings
from corpus import PlanqaError
from corpus.library import Library
from index.commands import add_index_options, index_root
from index.embedders import load_embedder
from index.searcher import MODES, Searcher
from index.store import IndexError_, build_index, load_index


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="start the chat UI (Gradio) with cited passages")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860, help="port (default: 7860)")
    parser.add_argument("--mode", choices=MODES, default="hybrid", help="default retrieval mode")
    parser.add_argument("--llm", help="generative answerer: an OpenAI-compatible base URL or a local model path")
    parser.add_argument("--allow-edit", action="store_true",
                        help="let the page add and remove documents (default: read-only)")
    parser.add_argument("--auth", metavar="USER:PASSWORD",
                        help="login required for the page and its API (default: $PLANQA_AUTH); needed for "
                        "--allow-edit on an address other than loopback")
    add_index_options(parser)
    parser.set_defaults(handler=_serve)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine (127.x, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def parse_auth(raw: str) -> tuple[str, str] | None:
    """``USER:PASSWORD`` → (user, password); None for ''; PlanqaError for a malformed value."""
    if not raw:
        return None
    user, sep, password = raw.partition(":")
    if not sep or not user.strip() or not password:
        raise PlanqaError("--auth / PLANQA_AUTH 应为 USER:PASSWORD / --auth and PLANQA_AUTH take USER:PASSWORD "
                          "(a user name, a colon, a non-empty password)")
    return user.strip(), password


def check_exposure(host: str, allow_edit: bool, auth: tuple[str, str] | None) -> list[str]:
    """Refuse an unsafe combination (PlanqaError); warnings to print for an exposed but allowed one."""
    if is_loopback(host):
        return []
    if allow_edit and auth is None:
        raise PlanqaError(
            f"拒绝启动 / refusing to serve an editable library on {host} without a login: anyone who can reach "
            "it could add or remove documents. Add --auth USER:PASSWORD (or set PLANQA_AUTH), drop --allow-edit, "
            "or listen on 127.0.0.1"
        )
    warnings = [f"警告 / warning: listening on {host}: every host that can reach this address can "
                f"{'log in and ' if auth else ''}read the documents and ask questions"]
    if auth is not None:
        warnings.append("警告 / warning: the login travels over plain HTTP; put the server behind HTTPS "
                        "(a reverse proxy) before exposing it beyond a trusted network")
    return warnings


def _serve(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise PlanqaError(f"端口无效 / invalid port {args.port}")
    auth = parse_auth(args.auth if args.auth is not None else settings().auth)
    for warning in check_exposure(args.host, args.allow_edit, auth):
        print(f"planqa: {warning}", file=sys.stderr)
    qa, stale = _last_good(args)
    from ui.app import launch  # gradio takes seconds to import: only `serve` pays for it
    from ui.live import LiveQA

    # re-indexing (after an edit, or to catch up after a restart) runs in the background while the
    # last good index answers; the page shows its progress
    live = LiveQA(qa, reload=lambda: load_from_args(args), build=_builder(args), background=True,
                  editable=args.allow_edit)
    if stale:
        live.start_indexing()  # a read-only page catches up too; answers come from the last good index meanwhile
    try:
        launch(live, host=args.host, port=args.port, auth=auth)
    except OSError as exc:
        raise PlanqaError(f"无法在 {args.host}:{args.port} 启动 / cannot serve there: {exc}") from exc
    return 0


def _builder(args: argparse.Namespace):
    def build(on_progress) -> None:
        embedder = load_embedder(args.model)
        build_index(index_root(args, embedder.model_id), Library().load, embedder, progress=False,
                    on_progress=on_progress)
    return build


def _last_good(args: argparse.Namespace) -> tuple[PlanQA, bool]:
    """The PlanQA to serve at once and whether the index must catch up with the library.

    An index that is current is simply loaded. A stale one (the library changed, or a restart
    interrupted indexing) is served as it is, with the library's documents it indexed, while
    the page re-indexes in the background; with no usable index the start builds one first.
    """
    try:
        return PlanQA.load(index_dir=args.index_dir, model=args.model, mode=args.mode, rebuild="never",
                           llm=_refiner(args), progress=False), False
    except IndexError_:
        pass
    try:
        embedder = load_embedder(args.model)
        stored = load_index(index_root(args, embedder.model_id))
        indexed = {doc_id: info["sha256"] for doc_id, info in stored.manifest["documents"].items()}
        documents = [d for d in Library().load() if indexed.get(d.meta.doc_id) == d.sha256]
        if len(documents) == len(indexed):  # every indexed document is still there, unchanged
            qa = PlanQA(Searcher(stored, embedder), documents, args.mode, _refiner(args))
            print("planqa: 索引落后于文档库，后台更新中 / the index is behind the library: serving the last good "
                  "index while it is brought up to date in the background", file=sys.stderr)
            return qa, True
    except PlanqaError:
        pass
    return load_from_args(args), False  # no usable index: build it now (with a progress bar)


def _refiner(args: argparse.Namespace):
    from assistant.generative import refiner_from_env, refiner_from_spec

    return refiner_from_spec(args.llm) if args.llm else refiner_from_env()
