"""Passage vectors shipped with the package: an embedding cache for the shipped plan.

Building the shipped plan's index embeds about 440 passages (over a minute on 2 cores). Their vectors
ship as ``index/data/vectors-<model>.npz``, keyed like every cached vector by a hash of the model id
and the passage's exact embedded text (:func:`index.store.dense_key`). A build takes a passage's
vector from here when its key matches and embeds the rest, so the manifest check and the
rebuild-when-stale logic are unchanged, and a changed chunker only re-embeds the passages it changed.

``planqa index ship-vectors`` (``make vectors``) rewrites the file after the shipped plan's passages
changed (a new chunker, parser or model version); tests/index/test_shipped.py fails until it is run.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
REGENERATE = "planqa index ship-vectors (or: make vectors)"


def vectors_path(model_id: str, folder: Path | None = None) -> Path:
    """The shipped vectors of ``model_id``: one file per model, named after it (in ``folder``, default DATA_DIR)."""
    slug = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in model_id)
    return (folder or DATA_DIR) / f"vectors-{slug}.npz"


def shipped_vectors(model_id: str, dimension: int, folder: Path | None = None) -> dict[str, np.ndarray]:
    """key → vector of the shipped passages for ``model_id`` (empty when none ship or the file is unusable)."""
    path = vectors_path(model_id, folder)
    if not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model_id"]) != model_id:
                return {}
            keys = [k.decode("ascii") for k in data["keys"]]
            vectors = data["vectors"].astype(np.float32, copy=False)
    except (OSError, KeyError, ValueError, UnicodeDecodeError, zipfile.BadZipFile):
        return {}  # a damaged cache is no cache: the passages are embedded
    if vectors.ndim != 2 or vectors.shape != (len(keys), dimension):
        return {}
    return dict(zip(keys, vectors, strict=True))


def write_vectors(model_id: str, keys: Sequence[str], vectors: np.ndarray, folder: Path | None = None) -> Path:
    """Write the shipped vectors of ``model_id`` (keys in passage order, one row each)."""
    path = vectors_path(model_id, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez_compressed(partial, model_id=np.array(model_id), keys=np.array(list(keys), dtype="S"),
                        vectors=np.asarray(vectors, dtype=np.float32))
    partial.replace(path)
    return path


def regenerate(embedder, progress: bool = True, folder: Path | None = None) -> tuple[Path, int, int]:
    """Rewrite the shipped vectors of ``embedder``'s model for the shipped plan's passages as they are now;
    passages whose vectors already ship are kept, the others embedded. Returns (file, embedded, passages)."""
    from corpus import chunk_document, load_shipped_plan
    from index.store import embed_chunks

    chunks = chunk_document(load_shipped_plan())
    cached = shipped_vectors(embedder.model_id, embedder.dimension, folder)
    vectors, keys, embedded = embed_chunks(chunks, embedder, cached, progress)
    return write_vectors(embedder.model_id, keys, vectors, folder), embedded, len(keys)
