"""BM25 over jieba tokens (bm25s: scipy-sparse scoring)."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import bm25s
import numpy as np

from index.hits import Hit
from index.tokenization import ZhTokenizer

DF_FILE = "document_frequency.json"


class BM25Index:
    """Lexical retrieval: exact names, numbers and terms (5G基站, 三江港, 5000)."""

    def __init__(self, tokenizer: ZhTokenizer, retriever: bm25s.BM25, chunk_ids: list[str],
                 document_frequency: dict[str, int]) -> None:
        self.tokenizer = tokenizer
        self._retriever = retriever
        self.chunk_ids = chunk_ids
        self._df = document_frequency

    @classmethod
    def build(cls, texts: list[str], chunk_ids: list[str], tokenizer: ZhTokenizer) -> BM25Index:
        tokenized = [tokenizer(t) for t in texts]
        retriever = bm25s.BM25()
        retriever.index(tokenized, show_progress=False)
        df = Counter(token for tokens in tokenized for token in set(tokens))
        return cls(tokenizer, retriever, chunk_ids, dict(df))

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
        n = len(self.chunk_ids)
        return [idf(self._df.get(token, 0), n) for token in tokens]

    def save(self, directory: Path) -> None:
        self._retriever.save(str(directory), show_progress=False)
        (directory / DF_FILE).write_text(json.dumps(self._df, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, tokenizer: ZhTokenizer, chunk_ids: list[str]) -> BM25Index:
        retriever = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        df = json.loads((directory / DF_FILE).read_text(encoding="utf-8"))
        return cls(tokenizer, retriever, chunk_ids, df)


def idf(df: int, n: int) -> float:
    """BM25's inverse document frequency of a term found in ``df`` of ``n`` passages (0 when absent)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else 0.0
