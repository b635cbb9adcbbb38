"""Fixtures of the index tests: a fast fake embedder, a small synthetic plan, a tiny real model."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np
import pytest

from corpus import PlanDocument, load_document

MINI_PLAN = """\
第一篇 加快建设航空城
第一章 打造国际物流枢纽
第一节 建设花湖机场
加快建设花湖机场。到2025年，花湖机场货邮吞吐量达到245万吨，建成专业性货运枢纽机场。
完善三江港功能。推进三江港铁路物流基地建设，实现铁水联运。
第二篇 加快建设科学城
第二章 建设数字鄂州
第一节 布局数字基础设施
加快推进5G网络建设。到2025年，全市建设5G基站5000个，实现全域连续覆盖。
推进IPv6规模部署，PM2.5浓度持续下降。
第二节 保护梁子湖
统筹保护梁子湖、红莲湖生态环境，建设葛店开发区绿色园区。
"""


class HashEmbedder:
    """A deterministic stand-in for a model: hashed character bigrams, normalized.

    Texts sharing bigrams get similar vectors, so dense search is meaningful; every text
    passed to ``embed_passages`` is recorded, and ``delay`` seconds are slept per call.
    """

    def __init__(self, model_id: str = "fake/hash-bigrams", dimension: int = 64, delay: float = 0.0) -> None:
        self.model_id = model_id
        self.dimension = dimension
        self.delay = delay
        self.embedded: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for gram in (text[i : i + 2] for i in range(max(len(text) - 1, 1))):
            bucket = int.from_bytes(hashlib.md5(gram.encode()).digest()[:4], "little")
            vector[bucket % self.dimension] += 1.0
        return vector / max(float(np.linalg.norm(vector)), 1e-12)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        time.sleep(self.delay)
        self.embedded.extend(texts)
        return np.stack([self._vector(t) for t in texts])


def write_plan(directory: Path, text: str = MINI_PLAN, name: str = "mini-plan.txt") -> Path:
    """Write a plan file (the synthetic plan by default) and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def mini_plan_path(tmp_path) -> Path:
    return write_plan(tmp_path / "plans")


@pytest.fixture
def mini_plan(mini_plan_path) -> PlanDocument:
    return load_document(mini_plan_path)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A tiny sentence-transformers model on disk (built once per session, a few seconds)."""
    from tests.index.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny-bert"))
