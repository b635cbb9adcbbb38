"""`planqa serve`: the chat UI in the browser (Gradio), with the `/ask` API endpoint."""

from __future__ import annotations

import argparse

from assistant.commands import load_from_args
from corpus import PlanqaError
from index.commands import add_index_options
from index.searcher import MODES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="start the chat UI (Gradio) with cited passages")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860, help="port (default: 7860)")
    parser.add_argument("--mode", choices=MODES, default="hybrid", help="default retrieval mode")
    parser.add_argument("--llm", help="generative answerer: an OpenAI-compatible base URL or a local model path")
    add_index_options(parser)
    parser.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise PlanqaError(f"端口无效 / invalid port {args.port}")
    qa = load_from_args(args)
    from ui.app import launch  # gradio takes seconds to import: only `serve` pays for it
    from ui.live import LiveQA

    try:
        launch(LiveQA(qa, reload=lambda: load_from_args(args)), host=args.host, port=args.port)
    except OSError as exc:
        raise PlanqaError(f"无法在 {args.host}:{args.port} 启动 / cannot serve there: {exc}") from exc
    return 0
