"""A plain RAG baseline in the manner of Langchain-Chatchat's default knowledge-base pipeline.

The plan's text with conversion residue stripped and no structure, split recursively into
250-character chunks overlapping by 50 (separators: paragraph, line, 。, ；, ，, character),
embedded with the same embedder as planqa into a FAISS flat inner-product index, searched
densely (top k). ``eval.bench`` measures planqa against it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from corpus.loaders import load_lines
from index.embedders import Embedder

CHUNK_SIZE = 250
CHUNK_OVERLAP = 50
SEPARATORS: tuple[str, ...] = ("\n\n", "\n", "。", "；", "，", "")
EMBED_BATCH = 32
_RESIDUE = re.compile(r"\[bookmark: [^\]]*\]|\[footnoteRef:\d+\]")
_CHUNKS_FILE = "chunks.json"
_INDEX_FILE = "dense.faiss"


def plain_text(path: str | Path) -> str:
    """The plan file as one string: bookmarks and footnote marks removed, footnote texts kept."""
    lines, _ = load_lines(path)
    return _RESIDUE.sub("", "\n".join(lines))


def _split_keeping_separator(text: str, separator: str) -> list[str]:
    """Split after each separator, which stays at the end of its piece (Chinese punctuation ends a clause)."""
    if not separator:
        return list(text)
    pieces = text.split(separator)
    out = [piece + separator for piece in pieces[:-1]]
    out.append(pieces[-1])
    return [piece for piece in out if piece]


def _merge(splits: list[str], chunk_size: int, overlap: int) -> list[str]:
    """Greedily join pieces up to ``chunk_size``, starting each chunk with ≤ ``overlap`` chars of the last."""
    chunks: list[str] = []
    current: list[str] = []
    total = 0
    for piece in splits:
        if current and total + len(piece) > chunk_size:
            chunk = "".join(current).strip()
            if chunk:
                chunks.append(chunk)
            while current and (total > overlap or total + len(piece) > chunk_size):
                total -= len(current.pop(0))
        current.append(piece)
        total += len(piece)
    chunk = "".join(current).strip()
    if chunk:
        chunks.append(chunk)
    return chunks


def split_text(
    text: str, chunk_size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP, separators: Sequence[str] = SEPARATORS
) -> list[str]:
    """Recursive character splitting (LangChain's algorithm, separators kept at piece ends).

    Use the first separator that occurs in ``text``; pieces still longer than ``chunk_size``
    are split again with the following separators; the pieces are then merged into chunks of
    at most ``chunk_size`` characters overlapping by up to ``overlap``.
    """
    if overlap >= chunk_size:
        raise ValueError(f"overlap {overlap} must be smaller than chunk size {chunk_size}")
    separator, rest = separators[-1], ()
    for i, candidate in enumerate(separators):
        if candidate == "" or candidate in text:
            separator, rest = candidate, tuple(separators[i + 1 :])
            break
    chunks: list[str] = []
    short: list[str] = []
    for piece in _split_keeping_separator(text, separator):
        if len(piece) <= chunk_size:
            short.append(piece)
            continue
        if short:
            chunks.extend(_merge(short, chunk_size, overlap))
            short = []
        chunks.extend(split_text(piece, chunk_size, overlap, rest) if rest else [piece])
    if short:
        chunks.extend(_merge(short, chunk_size, overlap))
    return chunks


class BaselineIndex:
    """Fixed-size chunks of plain text in a FAISS IndexFlatIP; dense search only."""

    def __init__(self, chunks: list[str], index: faiss.Index, embedder: Embedder) -> None:
        self.chunks = chunks
        self.index = index
        self.embedder = embedder

    @classmethod
    def build(cls, text: str, embedder: Embedder) -> BaselineIndex:
        chunks = split_text(text)
        vectors = np.zeros((len(chunks), embedder.dimension), dtype=np.float32)
        for start in range(0, len(chunks), EMBED_BATCH):
            vectors[start : start + EMBED_BATCH] = embedder.embed_passages(chunks[start : start + EMBED_BATCH])
        index = faiss.IndexFlatIP(embedder.dimension)
        index.add(vectors)
        return cls(chunks, index, embedder)

    def search(self, query: str, k: int = 5) -> list[str]:
        """The texts of the ``k`` chunks closest to ``query``."""
        vector = np.asarray(self.embedder.embed_queries([query]), dtype=np.float32).reshape(1, -1)
        _, ids = self.index.search(vector, min(k, len(self.chunks)))
        return [self.chunks[i] for i in ids[0] if i >= 0]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / _CHUNKS_FILE).write_text(json.dumps(self.chunks, ensure_ascii=False), encoding="utf-8")
        faiss.write_index(self.index, str(directory / _INDEX_FILE))

    @classmethod
    def load(cls, directory: Path, embedder: Embedder) -> BaselineIndex:
        chunks = json.loads((directory / _CHUNKS_FILE).read_text(encoding="utf-8"))
        return cls(chunks, faiss.read_index(str(directory / _INDEX_FILE)), embedder)
