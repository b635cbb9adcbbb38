"""An ASGI middleware that refuses HTTP request bodies over a size limit, without buffering them.

A request that declares a larger ``Content-Length`` is answered 413 at once; one that sends more
bytes than the limit without declaring them (chunked) is cut off at the limit and answered 413.
The limit is ``settings().max_request_bytes`` ($PLANQA_MAX_REQUEST_MB).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.middleware import Middleware

from config import Settings

Scope = dict[str, Any]
Message = dict[str, Any]
log = logging.getLogger("planqa.serve")  # one line per refusal (ui.rejections)


class BodyLimit:
    """Wraps an ASGI app; ``limit`` in bytes."""

    def __init__(self, app: Any, limit: int, uploads: bool = True) -> None:
        self.app = app
        self.limit = limit
        self.uploads = uploads

    @classmethod
    def middleware(cls, limits: Settings, uploads: bool = True) -> Middleware:
        """For FastAPI(middleware=[…]) (Gradio's ``launch(app_kwargs=…)``); ``uploads=False`` refuses
        Gradio's file-upload route (a read-only page has nothing to upload to)."""
        return Middleware(cls, limit=limits.max_request_bytes, uploads=uploads)

    def message(self) -> bytes:
        mb = self.limit / 2**20
        return json.dumps({"error": f"请求过大 / request body over the limit of {mb:g} MB ($PLANQA_MAX_REQUEST_MB)"},
                          ensure_ascii=False).encode()

    async def refuse(self, send: Any, scope: Scope) -> None:
        log.warning("rejected %s: request body over %g MB", scope["path"][:200], self.limit / 2**20)
        body = self.message()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.uploads and scope["method"] == "POST" and scope["path"].rstrip("/").endswith("/upload"):
            log.warning("rejected %s: uploads are off on a read-only page", scope["path"][:200])
            body = json.dumps({"error": "此页面为只读 / this page is read-only: uploads are off "
                                        "(planqa serve --allow-edit)"}, ensure_ascii=False).encode()
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"application/json; charset=utf-8")]})
            await send({"type": "http.response.body", "body": body})
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = True
            if too_big:
                await self.refuse(send, scope)
                return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the 413 below answers instead
            started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self.refuse(send, scope)
