"""The `planqa` command: composes the subcommands each layer registers.

This module is the composition root, the one place that sees every layer, so the
packages themselves keep their one-way imports (corpus ← index ← assistant ← ui; eval).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from corpus import PlanqaError

COMMAND_MODULES = ("corpus.commands", "index.commands", "assistant.commands", "eval.commands", "ui.commands")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planqa",
        description="Question answering over Chinese government plans, with cited passages.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except PlanqaError as exc:
        print(f"planqa: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("planqa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
