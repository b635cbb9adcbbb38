"""A benchmark module run as ``python -m eval.…``: its arguments, its run, PlanqaError as a message."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from corpus import PlanqaError


def run_module(
    prog: str, description: str, add_arguments: Callable[[argparse.ArgumentParser], None],
    run: Callable[[argparse.Namespace], int], argv: Sequence[str] | None = None,
) -> int:
    """Parse ``argv`` with the module's own arguments and run it; exit code 2 and a message for a PlanqaError."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    add_arguments(parser)
    try:
        return run(parser.parse_args(argv))
    except PlanqaError as exc:
        print(f"planqa: {exc}", file=sys.stderr)
        return 2
