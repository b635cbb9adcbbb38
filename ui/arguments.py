"""The arguments of a question asked over HTTP (Gradio's /ask and the JSON /api/ask), checked once.

Each check returns the value to use or raises :class:`ArgumentError` saying what is wrong, in
Chinese and English, quoting a submitted value cut short (ui.rejections.shown); the endpoints turn it
into their own kind of error (a Gradio error, a 400) and log it in one line (ui.rejections).
"""

from __future__ import annotations

from typing import Any

from assistant.query import MAX_QUESTION_CHARS
from corpus import PlanqaError
from index.searcher import MODES
from ui.rejections import shown

MAX_K = 10
MAX_HISTORY = 20  # earlier questions a follow-up is read against


class ArgumentError(PlanqaError):
    """An argument of an HTTP question is missing or malformed."""


def check_arguments(question: Any, mode: Any, k: Any, part: Any, doc: Any, region: Any):
    """(question, mode, k, part, doc, region) checked and converted; blank filters become ""."""
    if not isinstance(question, str):
        raise ArgumentError("问题应为文字 / question must be a string, e.g. \"鄂州打算建多少5G基站？\"")
    if mode not in MODES:
        raise ArgumentError(f"未知的检索模式 / unknown mode {shown(mode)}: use one of {', '.join(MODES)}")
    if isinstance(k, str) and k.strip().isdigit() and len(k.strip()) <= len(str(MAX_K)):  # no int() of a huge string
        k = int(k)
    if isinstance(k, float) and k.is_integer():
        k = int(k)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ArgumentError(f"k 应为 1 到 {MAX_K} 之间的整数 / k must be a whole number between 1 and {MAX_K}, "
                            f"not {shown(k)}")
    for name, value in {"part": part, "doc": doc, "region": region}.items():
        if value is not None and not isinstance(value, str):
            raise ArgumentError(f"{name} 应为文字 / {name} must be a string, not {shown(value)}")
    return question, mode, k, part or "", doc or "", region or ""


def check_question(question: Any) -> str:
    """A question the JSON API answers: text, not blank, at most ``MAX_QUESTION_CHARS`` characters
    (the page cuts a longer one and says so; a program is told instead)."""
    if not isinstance(question, str):
        raise ArgumentError("缺少问题 / give the question as a string: {\"question\": \"鄂州打算建多少5G基站？\"}")
    if not question.strip():
        raise ArgumentError("问题为空 / the question is empty: type a question about the documents")
    if len(question) > MAX_QUESTION_CHARS:
        raise ArgumentError(f"问题过长 / the question has {len(question):,} characters; at most {MAX_QUESTION_CHARS}")
    return question


def check_history(history: Any) -> list[str]:
    """The earlier questions of a conversation (oldest first, the last ``MAX_HISTORY`` kept)."""
    if history is None or history == "":
        return []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise ArgumentError("history 应为问题文字的列表 / history must be a list of the earlier questions (strings)")
    return [h for h in history if h.strip()][-MAX_HISTORY:]
