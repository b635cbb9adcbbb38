"""Refusing a bad request costs one short log line: no traceback, no whole submitted value.

Gradio prints a full (chained) traceback for every error a handler raises, its own input checks
included, and those messages quote the submitted value: one 18.9 MB argument grew the log by
15.7 MB. Here every refusal — a bad /ask argument, an input a component refuses, an unknown
handler index — is a ``gr.Error`` that Gradio does not print, with its message (and any value
quoted in it) cut to a few hundred characters, and one line on the ``planqa.serve`` log. The JSON
API (ui.api) logs its refusals the same way (:func:`logged`).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import gradio as gr
from gradio import route_utils

log = logging.getLogger("planqa.serve")
MESSAGE_CHARS = 300  # a refusal's message, as the caller sees it and as it is logged
VALUE_CHARS = 80  # a submitted value quoted in a message


def shown(value: Any) -> str:
    """``repr(value)``, cut to VALUE_CHARS characters."""
    text = repr(value)
    return text if len(text) <= VALUE_CHARS else f"{text[:VALUE_CHARS]}…（共 {len(text):,} 字符 / chars）"


def cut(text: str, limit: int = MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…"


def logged(message: str, where: str) -> str:
    """``message`` cut, after one log line saying that a request to ``where`` was refused with it."""
    message = cut(message)
    log.warning("rejected %s: %s", where, message.replace("\n", " "))
    return message


def rejected(message: str, where: str) -> gr.Error:
    """The error to raise for a refused request to ``where`` (one log line, no traceback)."""
    return gr.Error(logged(message, where), print_exception=False)


def log_to_stderr() -> None:
    """``planqa: rejected …`` lines on stderr (once per process)."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("planqa: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def refuse_quietly(demo: gr.Blocks) -> None:
    """Make the served page's own refusals quiet: bad input to any handler, unknown handlers.

    Gradio checks each input in its component's ``preprocess`` (a value not among a radio's
    choices, an upload of the wrong type …): whatever that refuses is the caller's mistake. A
    ``queue/join`` naming a handler index the page does not have is answered 400, not 500.
    """
    preprocess = demo.preprocess_data

    async def preprocess_data(block_fn, inputs, state, explicit_call=False):
        try:
            return await preprocess(block_fn, inputs, state, explicit_call)
        except Exception as exc:  # any failure to read a caller's input is a refusal
            message = exc.message if isinstance(exc, gr.Error) else f"{type(exc).__name__}: {exc}"
            raise rejected(f"无效输入 / invalid input: {message}", _name(block_fn)) from None

    demo.preprocess_data = preprocess_data
    queue = demo._queue
    push = queue.push

    async def checked_push(body, *args, **kwargs):
        try:
            if body.fn_index is not None:  # Gradio answers a missing one itself
                route_utils.get_fn(demo, None, body)
        except KeyError:
            message = f"未知的处理函数 / unknown fn_index {shown(body.fn_index)}"
            log.warning("rejected queue/join: %s", message)
            return False, message, "error"
        return await push(body, *args, **kwargs)

    queue.push = checked_push


def _name(block_fn: Any) -> str:
    return str(getattr(block_fn, "api_name", None) or getattr(block_fn, "name", "") or "a handler")
