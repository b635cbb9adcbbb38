"""Shared, expensive fixtures: the shipped plan is parsed once per test session."""

from __future__ import annotations

import pytest

from corpus import PlanDocument, chunk_document, load_shipped_plan


@pytest.fixture(scope="session")
def plan() -> PlanDocument:
    return load_shipped_plan()


@pytest.fixture(scope="session")
def chunks(plan):
    return chunk_document(plan)
