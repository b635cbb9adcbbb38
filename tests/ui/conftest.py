"""The real `planqa serve` in a subprocess (ui.process.serve), shared by the browser and API tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ui.process import serve


@pytest.fixture(scope="session")
def server_url(qa, index_dir) -> Iterator[str]:
    """URL of a running server on a free loopback port (``qa`` first makes sure the index is built)."""
    with serve(index_dir) as url:
        yield url
