"""A second client that talks to a served page the way its browser does: Gradio's queue protocol
over plain HTTP (``queue/join``, then the ``queue/data`` event stream).

The page's own handlers are private (gradio_client's named API does not reach them), so this is
how the tests call the export and upload handlers of a real server, as any visitor could.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx


class PageError(Exception):
    """A handler answered with an error (its message)."""


class Page:
    """The handlers of the page at ``url``, read once from its ``/config``."""

    def __init__(self, url: str, http: httpx.Client | None = None) -> None:
        self.url = url
        self.http = http or httpx.Client(timeout=120)
        config = self.http.get(url + "config").json()
        ids = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
        self.handlers = {(ids.get(component), event): dependency["id"]
                         for dependency in config["dependencies"] for component, event in dependency["targets"]}
        self.elements = {elem: component for component, elem in ids.items() if elem}

    def session(self) -> PageSession:
        """A new visitor: a session of its own (so its own gr.State)."""
        return PageSession(self)


class PageSession:
    """One page session of a :class:`Page`."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.hash = uuid.uuid4().hex[:11]

    def call(self, elem_id: str, event: str, data: list[Any]) -> list[Any]:
        """Run the handler of ``event`` on the element ``elem_id`` with ``data``; its outputs."""
        page = self.page
        joined = page.http.post(page.url + "gradio_api/queue/join", json={
            "data": data, "event_data": None, "fn_index": page.handlers[(elem_id, event)],
            "trigger_id": page.elements[elem_id], "session_hash": self.hash,
        })
        joined.raise_for_status()
        event_id = joined.json()["event_id"]
        with page.http.stream("GET", page.url + "gradio_api/queue/data", params={"session_hash": self.hash}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") == event_id and message.get("msg") == "process_completed":
                    if not message.get("success"):
                        raise PageError((message.get("output") or {}).get("error") or "error")
                    return message["output"]["data"]
        raise PageError("the event stream ended without a result")

    def ask(self, question: str) -> list[Any]:
        """A chat turn (BM25, 3 sources): the chat handler's outputs."""
        return self.call("pq-send", "click", [question, [], None, "bm25", 3, "", "", ""])

    def upload(self, name: str, content: bytes) -> dict[str, Any]:
        """Upload one file the way the page's file picker does; the FileData to pass to a handler."""
        answer = self.page.http.post(self.page.url + "gradio_api/upload", files={"files": (name, content)})
        answer.raise_for_status()
        [path] = answer.json()
        return {"path": path, "orig_name": name, "size": len(content), "meta": {"_type": "gradio.FileData"}}
