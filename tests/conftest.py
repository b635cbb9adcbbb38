"""Shared, expensive fixtures: the shipped plan is parsed once and its real index is built
once per test session (about two minutes on 2 cores), then shared by every test.

Set PLANQA_TEST_INDEX to a directory to keep that index between runs while developing.
PLANQA_HOME points at a fresh directory, so a developer's own library and indexes are never
read or changed by the tests.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from corpus import PlanDocument, chunk_document, load_shipped_plan

os.environ["PLANQA_HOME"] = tempfile.mkdtemp(prefix="planqa-test-home-")
atexit.register(shutil.rmtree, os.environ["PLANQA_HOME"], ignore_errors=True)


@pytest.fixture(scope="session")
def plan() -> PlanDocument:
    return load_shipped_plan()


@pytest.fixture(scope="session")
def chunks(plan):
    return chunk_document(plan)


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """Directory of the real index of the shipped plan (embedded default model)."""
    configured = os.environ.get("PLANQA_TEST_INDEX")
    return Path(configured) if configured else tmp_path_factory.mktemp("planqa-index")


@pytest.fixture(scope="session")
def qa(index_dir):
    """PlanQA on the shipped plan, built (or refreshed) once per session."""
    from assistant import PlanQA

    return PlanQA.load(index_dir=index_dir, progress=False)


@pytest.fixture
def fake_model(monkeypatch) -> str:
    """A model name that load_embedder resolves to a fresh HashEmbedder (tests/index/conftest.py)."""
    from index import embedders
    from tests.index.conftest import HashEmbedder

    name = "fake-hash-model"
    monkeypatch.setitem(embedders._cache, name, HashEmbedder())
    return name
