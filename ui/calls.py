"""Forget a REST call's Gradio bookkeeping once its result has been read.

A plain REST call (``POST /gradio_api/call/ask``, then ``GET /gradio_api/call/ask/{event_id}``)
that sends no session of its own is a Gradio session named after its event id, used once. Gradio
(6.31) keeps three things per such session after the result stream has ended:

- ``Queue.pending_event_ids_session[session]``: an empty set, never removed (only a page's
  disconnect removes it). Unbounded: one entry (~0.3 KB) per call, and the result route scans
  the whole dict when the event has finished before the GET arrives.
- ``Queue.pending_messages_per_session[session]``: the session's message queue (~2 KB), kept until
  2,000 newer sessions push it out.
- ``StateHolder.session_data[session]``: a copy of the page's component configs (~0.1 MB), kept until
  ``SESSION_CAPACITY`` newer sessions push it out.

:class:`OneShotCalls` drops all three when the result stream of such a call ends with its event
delivered. Page sessions, gradio_client sessions (they send a session of their own) and calls
still running are left alone. Measured: README, "Sustained load, server memory".
"""

from __future__ import annotations

import re
from typing import Any

from starlette.middleware import Middleware

Scope = dict[str, Any]

# Gradio's result route: /call/{api_name}/{event_id} (and /call/v2/…), under its API prefix
RESULT_PATH = re.compile(r"/call/(?:v2/)?[^/]+/(?P<event>[0-9a-f]{32})/?$")


class OneShotCalls:
    """ASGI middleware; ``blocks``: the served gr.Blocks."""

    def __init__(self, app: Any, blocks: Any) -> None:
        self.app = app
        self.blocks = blocks

    @classmethod
    def middleware(cls, blocks: Any) -> Middleware:
        """For FastAPI(middleware=[…]) (Gradio's ``launch(app_kwargs=…)``)."""
        return Middleware(cls, blocks=blocks)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        match = RESULT_PATH.search(scope["path"]) if scope["type"] == "http" and scope["method"] == "GET" else None
        if match is None:
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            forget(self.blocks, match["event"])


def forget(blocks: Any, event_id: str) -> bool:
    """Drop the one-shot session of ``event_id`` if its result has been delivered; whether it did.

    The result stream removes the event id from the session's pending set when it sends the
    completion, so an empty set means nothing of this session is left to send.
    """
    queue = blocks._queue
    pending = queue.pending_event_ids_session.get(event_id)
    if pending:  # not delivered (the client left early, or another stream still reads it)
        return False
    event = queue.event_ids_to_events.get(event_id)
    if event is not None and event.session_hash != event_id:
        return False  # the caller named a session of its own: not one-shot
    if pending is None and event_id not in queue.pending_messages_per_session:
        return False
    queue.pending_event_ids_session.pop(event_id, None)
    queue.pending_messages_per_session.pop(event_id, None)
    holder = blocks.state_holder
    if event_id in holder:
        holder.delete_state(event_id)  # runs the delete callbacks of any gr.State it held
        with holder.lock:
            holder.session_data.pop(event_id, None)
            holder.time_last_used.pop(event_id, None)
    return True
