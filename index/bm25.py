"""BM25 over jieba tokens (bm25s: scipy-sparse scoring)."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from index.hits import Hit
from index.tokenization import ZhTokenizer


class BM25Index:
    """Lexical retrieval: exact names, numbers and terms (5G基站, 三江港, 5000)."""

    def __init__(self, tokenizer: ZhTokenizer, retriever: bm25s.BM25, chunk_ids: list[str]) -> None:
        self.tokenizer = tokenizer
        self._retriever = retriever
        self.chunk_ids = chunk_ids

    @classmethod
    def build(cls, texts: list[str], chunk_ids: list[str], tokenizer: ZhTokenizer) -> BM25Index:
        retriever = bm25s.BM25()
        retriever.index([tokenizer(t) for t in texts], show_progress=False)
        return cls(tokenizer, retriever, chunk_ids)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (0 where no query token occurs)."""
        tokens = self.tokenizer(query)
        if not tokens:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[Hit]:
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        order = np.lexsort((np.arange(len(scores)), -scores))[:k]
        return [Hit(self.chunk_ids[i], float(scores[i])) for i in order if scores[i] > 0]

    def idf(self, tokens: list[str]) -> list[float]:
        """Inverse document frequency of each token (0 for tokens absent from the corpus)."""
        vocab = self._retriever.vocab_dict
        indptr = self._retriever.scores["indptr"]
        n = len(self.chunk_ids)
        out = []
        for token in tokens:
            column = vocab.get(token)
            df = int(indptr[column + 1] - indptr[column]) if column is not None else 0
            out.append(float(np.log(1 + (n - df + 0.5) / (df + 0.5))) if df else 0.0)
        return out

    def save(self, directory: Path) -> None:
        self._retriever.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, tokenizer: ZhTokenizer, chunk_ids: list[str]) -> BM25Index:
        retriever = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        return cls(tokenizer, retriever, chunk_ids)
