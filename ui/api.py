"""The plain JSON API of `planqa serve`: one POST, one answer.

    curl -X POST http://127.0.0.1:7860/api/ask -H 'Content-Type: application/json' \\
         -d '{"question": "鄂州打算建多少5G基站？"}'

The body is a JSON object: ``question`` (required, at most 2,000 characters) and optionally ``history``
(the earlier questions of the conversation, oldest first: a follow-up such as 「那充电桩呢？」 is read
against them), ``k`` (1–10 sources), ``mode`` (hybrid, bm25, dense), ``doc``, ``region`` and ``part``
(filters, as on the page). The answer is :func:`answer_json`. Errors are JSON too: 400 with a message
for a bad body or question, 401 when the server has a login and the request carries none (HTTP Basic,
``curl -u USER:PASSWORD``, or the page's login cookie), 413 for a body over the request limit (ui.limits);
each costs one short log line, values cut (ui.rejections).
It answers what the page answers, read-only, with the same limits; Gradio's two-step API (``/ask``,
used by gradio_client) stays as it was.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Callable
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from assistant import DEFAULT_K, Answer, Citation, Filter
from assistant.conversation import comparison_rows, quotes
from corpus import PlanqaError
from ui.arguments import ArgumentError, check_arguments, check_history, check_question
from ui.live import LiveQA
from ui.rejections import logged, shown

PATH = "/api/ask"
CURL = ("curl -X POST http://127.0.0.1:7860/api/ask -H 'Content-Type: application/json' "
        "-d '{\"question\": \"鄂州打算建多少5G基站？\"}'")
FIELDS = {"question", "history", "k", "mode", "doc", "region", "part"}


def answer_json(answer: Answer) -> dict[str, Any]:
    """The answer as the JSON API returns it.

    ``short_answer`` (the figure or list in a few words), ``text`` (the answer with its verbatim quotes
    and [n] markers), ``found``, ``level`` (answer / tentative / none), ``confidence`` (null when no model
    judged it), ``resolved_question`` (how a follow-up was read), ``rows`` (a comparison's rows) and the
    ``citations``: number, ``used`` (the answer quotes it; the others are related passages), document,
    path, ``quote`` (what the answer quotes from it), the whole ``passage``, its quotable ``reference``,
    and a table row's cells.
    """
    quoted: dict[int, list[str]] = {}
    for quote, citation in quotes(answer):
        if citation is not None:
            quoted.setdefault(citation.number, []).append(quote)
    return {
        "question": answer.question,
        "resolved_question": answer.resolved_question,
        "found": answer.found,
        "level": answer.level,
        "confidence": answer.confidence,
        "short_answer": answer.short_answer,
        "text": answer.text,
        "notice": answer.notice,
        "rows": [{k: r[k] for k in ("label", "found", "value", "number", "reason")} for r in comparison_rows(answer)],
        "citations": [citation_json(c, quoted.get(c.number, [])) for c in answer.citations],
        "latency_ms": answer.latency_ms,
    }


def citation_json(citation: Citation, quoted: list[str]) -> dict[str, Any]:
    """One citation of :func:`answer_json`."""
    return {
        "number": citation.number,
        "used": citation.used,
        "document": citation.doc_title,
        "doc_id": citation.doc_id,
        "path": list(citation.path),
        "reference": citation.reference(),
        "quote": "……".join(quoted),
        "passage": citation.text,
        "kind": citation.kind,
        "cells": [{"column": column, "value": value} for column, value in citation.fields],
        "section_id": citation.section_id,
    }


def routes(live: LiveQA, auth: tuple[str, str] | None, concurrency: int) -> list[Route]:
    """The API's route, for the served app (``FastAPI(routes=…)``); ``auth``: the page's login, if any;
    ``concurrency``: questions it answers at once (others wait)."""
    limiter: list[anyio.CapacityLimiter] = []  # made in the server's event loop, on the first question

    async def ask(request: Request) -> JSONResponse:
        if request.method != "POST":
            return _error(405, f"请用 POST / use POST with a JSON body, e.g. {CURL}", {"Allow": "POST"})
        if auth is not None and not _logged_in(request, auth):
            return _error(401, "需要登录 / log in first: HTTP Basic (curl -u USER:PASSWORD) or the page's login",
                          {"WWW-Authenticate": 'Basic realm="planqa"'})
        try:
            body = _read(await request.body())
        except ArgumentError as exc:
            return _error(400, str(exc))
        if not limiter:
            limiter.append(anyio.CapacityLimiter(concurrency))
        try:
            answer = await anyio.to_thread.run_sync(_answerer(live, body), limiter=limiter[0])
        except PlanqaError as exc:  # a bad filter, an unreadable question: the caller's to fix
            return _error(400, str(exc))
        return JSONResponse(answer_json(answer))

    return [Route(PATH, ask, methods=["GET", "POST"])]


def _read(raw: bytes) -> dict[str, Any]:
    """The request body as a checked dict, or ArgumentError."""
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else None
    # ValueError: bad JSON, or a number of over 4,300 digits; RecursionError: arrays nested thousands deep
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ArgumentError(f"请求不是有效的 JSON / the body is not valid JSON ({exc}); send e.g. "
                            "{\"question\": \"鄂州打算建多少5G基站？\"}") from exc
    if not isinstance(body, dict):
        raise ArgumentError("请求应为 JSON 对象 / the body must be a JSON object: {\"question\": \"…\"}")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        names = ", ".join(shown(name) for name in unknown[:5])
        raise ArgumentError(f"未知字段 / unknown field(s) {names}: use {', '.join(sorted(FIELDS))}")
    question = check_question(body.get("question"))
    _, mode, k, part, doc, region = check_arguments(question, body.get("mode", "hybrid"), body.get("k", DEFAULT_K),
                                                    body.get("part"), body.get("doc"), body.get("region"))
    return {"question": question, "mode": mode, "k": k, "where": Filter.of([part], [doc], [region]),
            "history": check_history(body.get("history"))}


def _answerer(live: LiveQA, body: dict[str, Any]) -> Callable[[], Answer]:
    def run() -> Answer:
        qa = live.qa
        ask = qa.conversation(body["history"]).ask if body["history"] else qa.ask
        return ask(body["question"], k=body["k"], mode=body["mode"], where=body["where"])
    return run


def _logged_in(request: Request, auth: tuple[str, str]) -> bool:
    """HTTP Basic credentials matching the login, or the cookie of a page that logged in."""
    header = request.headers.get("authorization", "")
    if header[:6].lower() == "basic ":
        try:
            user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        same_user = hmac.compare_digest(user.strip().encode(), auth[0].encode())
        return hmac.compare_digest(password.encode(), auth[1].encode()) and same_user
    app = request.app
    tokens = getattr(app, "tokens", {})
    cookie_id = getattr(app, "cookie_id", None)
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
        f"access-token-unsecure-{cookie_id}")
    return token is not None and tokens.get(token) is not None


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """A refusal: its message (cut) as JSON, and one log line."""
    return JSONResponse({"error": logged(message, f"{PATH} ({status})")}, status_code=status, headers=headers)
