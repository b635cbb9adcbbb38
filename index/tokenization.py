"""Chinese tokenization for BM25: jieba with the plan's own names, numbers kept whole.

One tokenizer serves both indexing and querying; its user dictionary is saved with the index.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable

from corpus.text import normalize_text

TOKENIZER_VERSION = "2"

# ASCII runs stay whole: 5G, 2025, 5000, PM2.5, IPv6, 1+8
_ASCII_RUN = re.compile(r"[a-z0-9]+(?:[.+\-][a-z0-9]+)*")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_SPLIT = re.compile(r"([a-z0-9]+(?:[.+\-][a-z0-9]+)*|[\u3400-\u9fff]+)")

# Function words, question words and colloquial fillers: they say how a question is asked,
# not what it is about.
STOPWORDS = frozenset(
    """的 了 和 与 及 等 在 是 有 为 对 把 将 要 到 以 其 之 或 也 就 都 而 并 从 被 让 这 那 个 些 啥
    哪些 哪个 哪 什么 多少 怎么 怎样 怎么样 如何 为何 为什么 几 吗 呢 吧 啊 呀 嘛 么 我 我们 你 你们 他们 它
    请问 一下 请 能 会 可以 是否 还 又 将会 打算 计划 准备 想 搞 弄 干 做 那边 这边 这块 那块 这个 那个
    啥样 咋 咋样 有没有 是不是 能不能 会不会 要不要 到底 具体 大概 一共 总共 多久 多长 多大 多高 多远
    哪一年 哪年 哪里 哪儿 谁 么样 样 呗 哈 嗯 吧 方面 相关 情况 内容 问题 说 讲 提到 提出 规划 里 中 上 下
    the a an of to in on for and or is are was what which who how many much does do did will would be by
    at with about plan s""".split()
)


_CACHE_SIZE = 50_000


@functools.lru_cache(maxsize=1)
def _base_dictionary() -> tuple[dict[str, int], int]:
    """jieba's main dictionary, parsed once per process."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    base = jieba.Tokenizer()
    base.initialize()
    return base.FREQ, base.total


class ZhTokenizer:
    """jieba in search mode over CJK runs, ASCII runs kept whole, stopwords dropped.

    >>> ZhTokenizer(["葛店开发区"]).tokenize("葛店开发区建设5G基站5000个")
    ['葛店', '开发', '开发区', '葛店开发区', '建设', '5g', '基站', '5000']
    """

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        import jieba

        self.user_words = sorted(set(user_words))
        self._jieba = jieba.Tokenizer()
        freq, total = _base_dictionary()
        # share the parsed main dictionary instead of re-reading it (1.5 s) for every tokenizer
        self._jieba.FREQ, self._jieba.total, self._jieba.initialized = dict(freq), total, True
        for word in self.user_words:
            self._jieba.add_word(word, freq=2000)
        self._cache: dict[str, tuple[str, ...]] = {}

    def tokenize(self, text: str) -> list[str]:
        tokens = self._cache.get(text)
        if tokens is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            tokens = self._cache[text] = tuple(self._tokenize(text))
        return list(tokens)

    def _tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        for run in _SPLIT.findall(normalize_text(text)):
            if _CJK_RUN.fullmatch(run):
                tokens.extend(w for w in self._jieba.cut_for_search(run, HMM=False) if w not in STOPWORDS)
            elif run not in STOPWORDS:
                tokens.append(run)
        return tokens

    def words(self, text: str) -> list[str]:
        """Precise-mode segmentation, stopwords kept (as a question's word sequence)."""
        out: list[str] = []
        for run in _SPLIT.split(normalize_text(text)):
            if _CJK_RUN.fullmatch(run):
                out.extend(self._jieba.cut(run, HMM=False))
            elif _ASCII_RUN.fullmatch(run):
                out.append(run)
            elif run:
                out.append(" ")  # punctuation or spaces: a boundary
        return out

    def is_word(self, text: str) -> bool:
        """Whether ``text`` is a word of the dictionary (jieba's, with the user words)."""
        return self._jieba.FREQ.get(text, 0) > 0

    __call__ = tokenize
