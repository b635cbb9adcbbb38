"""A REST call leaves no Gradio session behind once its answer has been read (ui.calls): the page
served in process by ui.app.launch, so its bookkeeping can be looked at."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from gradio_client import Client

from ui.app import MONITORED_EVENTS, launch
from ui.calls import RESULT_PATH
from ui.process import free_port

QUESTION = "鄂州打算建多少5G基站？"


@pytest.fixture(scope="module")
def page(qa) -> Iterator:
    demo = launch(qa, port=free_port(), block=False)
    try:
        yield demo
    finally:
        demo.close()


def one_shot_sessions(demo) -> int:
    """REST sessions (named after their event id) Gradio still keeps in any of the three places."""
    queue = demo._queue
    kept = {*queue.pending_event_ids_session, *queue.pending_messages_per_session, *demo.state_holder.session_data}
    return sum(1 for session in kept if len(session) == 32 and session.isalnum())


def settled(check, seconds: float = 10) -> bool:
    """Whether ``check()`` holds within ``seconds`` (the server forgets a call just after the
    client has read the stream's end)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_rest_calls_leave_no_session_behind(page):
    http = httpx.Client(timeout=120)
    for _ in range(5):
        event = http.post(page.local_url + "gradio_api/call/ask", json={"data": [QUESTION]}).json()["event_id"]
        stream = http.get(page.local_url + f"gradio_api/call/ask/{event}").text
        assert stream.startswith("event: complete") and "5000" in stream
    assert settled(lambda: one_shot_sessions(page) == 0)
    queue = page._queue
    assert settled(lambda: not queue.event_ids_to_events)
    assert queue.event_analytics and queue.ANALYTICS_MAX_EVENTS == MONITORED_EVENTS  # /monitoring keeps its records


def test_a_client_with_its_own_session_keeps_it(page):
    client = Client(page.local_url, verbose=False)
    assert "5000" in client.predict(QUESTION, api_name="/ask")["text"]
    assert client.session_hash in page.state_holder
    assert client.session_hash in page._queue.pending_messages_per_session


def test_only_result_routes_are_watched():
    assert RESULT_PATH.search("/gradio_api/call/ask/" + "a" * 32)["event"] == "a" * 32
    assert RESULT_PATH.search("/gradio_api/call/v2/ask/" + "0f" * 16 + "/")
    assert not RESULT_PATH.search("/gradio_api/call/ask")
    assert not RESULT_PATH.search("/gradio_api/queue/data")
