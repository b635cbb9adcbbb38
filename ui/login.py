"""The login page tells nothing about the API before the login.

Gradio (6.31) renders its login page from the same template as the app and fills in
``window.gradio_api_info`` — the description of every API endpoint, ``/ask`` with its parameters
— whether or not the visitor has logged in (``/config`` and ``/info`` do answer 401). This ASGI
middleware empties that script on the page Gradio serves to a visitor who has not logged in
(the one whose ``gradio_config`` says ``auth_required``); the front end then asks ``/info`` for
it after the login, as it does whenever the page carries none.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.middleware import Middleware

Message = dict[str, Any]

LOGIN_PAGE = re.compile(rb'window\.gradio_config = \{"auth_required":true')
# Gradio writes the JSON with <, > and & escaped, so the script ends at the first ';</script>'
API_INFO = re.compile(rb"(<script>window\.gradio_api_info = ).*?(;</script>)", re.DOTALL)


class LoginPage:
    """Wraps an ASGI app; ``enabled``: the page has a login (otherwise nothing is changed)."""

    def __init__(self, app: Any, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled

    @classmethod
    def middleware(cls, enabled: bool) -> Middleware:
        """For FastAPI(middleware=[…]) (Gradio's ``launch(app_kwargs=…)``)."""
        return Middleware(cls, enabled=enabled)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if not self.enabled or scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def buffered_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    await send(message)  # not a page: passed on as it comes
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            if not message.get("more_body"):
                await _send_page(send, start, without_api_info(b"".join(body)))

        await self.app(scope, receive, buffered_send)


def without_api_info(page: bytes) -> bytes:
    """``page`` with an empty API description when it is the login page; otherwise unchanged."""
    if not LOGIN_PAGE.search(page):
        return page
    return API_INFO.sub(rb"\1null\2", page, count=1)


async def _send_page(send: Any, start: Message, page: bytes) -> None:
    headers = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(page)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": page})
