"""Chinese tokenization for BM25: jieba with the plan's own names, numbers kept whole.

One tokenizer serves both indexing and querying; its user dictionary is saved with the index.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

from index.normalize import normalize_text

TOKENIZER_VERSION = "1"

# ASCII runs stay whole: 5G, 2025, 5000, PM2.5, IPv6, 1+8
_ASCII_RUN = re.compile(r"[a-z0-9]+(?:[.+\-][a-z0-9]+)*")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_SPLIT = re.compile(r"([a-z0-9]+(?:[.+\-][a-z0-9]+)*|[\u3400-\u9fff]+)")

STOPWORDS = frozenset(
    """的 了 和 与 及 等 在 是 有 为 对 把 将 要 到 以 其 之 或 也 就 都 而 并 从 被 让 这 那 个 些 啥
    哪些 哪个 哪 什么 多少 怎么 怎样 如何 为何 几 吗 呢 吧 啊 呀 嘛 我 我们 你 你们 他们 它 请问 一下
    请 能 会 可以 是否 还 又 将会 打算 计划 准备 想 the a an of to in on for and or is are what which how
    many much does do will be by at with about""".split()
)


class ZhTokenizer:
    """jieba in search mode over CJK runs, ASCII runs kept whole, stopwords dropped.

    >>> ZhTokenizer(["葛店开发区"]).tokenize("葛店开发区建设5G基站5000个")
    ['葛店', '开发', '开发区', '葛店开发区', '建设', '5g', '基站', '5000']
    """

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.user_words = sorted(set(user_words))
        self._jieba = jieba.Tokenizer()
        self._lock = threading.Lock()  # jieba's lazy initialisation is not thread-safe
        with self._lock:
            self._jieba.initialize()
            for word in self.user_words:
                self._jieba.add_word(word, freq=2000)

    def tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        for run in _SPLIT.findall(normalize_text(text)):
            if _CJK_RUN.fullmatch(run):
                tokens.extend(w for w in self._jieba.cut_for_search(run, HMM=False) if w not in STOPWORDS)
            elif run not in STOPWORDS:
                tokens.append(run)
        return tokens

    __call__ = tokenize
