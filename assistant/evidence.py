"""Scoring sentences and clauses of retrieved chunks against a question.

A *unit* is a sentence of a chunk (split at 。！？；); its score combines how much of the
question's weighted vocabulary it covers (IDF weights from the BM25 index) with whether it
holds the kind of thing the question asks for (a figure with a unit, an enumeration, a date).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from assistant.query import QuestionType
from assistant.scoring import Weights
from corpus import Chunk
from corpus.chunker import split_sentences
from corpus.text import CJK, CJK_RANGE, CN_FIGURE, FIGURE, UNITS, is_year, normalize_text
from index.bm25 import idf

_DATE = re.compile(r"(?:19|20)\d{2}\s*年(?:底|前|末)?|\d{1,2}月")


@dataclass(frozen=True)
class Unit:
    """A sentence of a chunk, by its character span in the chunk text."""

    chunk_id: str
    start: int
    end: int
    text: str
    coverage: float
    score: float


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for sentence in split_sentences(text):
        spans.append((start, start + len(sentence)))
        start += len(sentence)
    return spans


def figures(text: str, bare: bool = True) -> list[str]:
    """Figures in ``text``, years excluded: 「5000个」「95%」「66.8」.

    ``bare=False`` keeps only figures with a unit: in prose a bare number is usually part of
    a name (30号线, 1+8), while a table cell's unit sits in its row's name.
    """
    found = [m.group() for m in FIGURE.finditer(text) if not is_year(m.group())]
    found = [f for f in found if bare or not re.fullmatch(r"[<>≥≤＞＜]?[\d.,]+", f)]
    return found + [m.group() for m in CN_FIGURE.finditer(text)]  # 「百分之六」「八千亿斤」: they carry their unit


_ASKED_UNIT = re.compile(rf"(?:多少|几)({UNITS})")


def asked_unit(question: str) -> str:
    """The unit a question asks in: 「多少亿元」 → 亿元, 「几家」 → 家, else "".

    「几年」「多少年」 ask a duration or a count of years as often as a figure in 年: no unit is implied.
    """
    match = _ASKED_UNIT.search(question)
    return match.group(1) if match and match.group(1) != "年" else ""


def type_fit(text: str, question_type: QuestionType) -> float:
    """How well a span holds the kind of answer asked for, in [-1, 1]."""
    if question_type == "number":
        return 1.0 if figures(text, bare=False) else (0.3 if figures(text) else -1.0)
    if question_type == "date":
        return 1.0 if _DATE.search(text) else -0.5
    if question_type == "list":
        items = text.count("、") + text.count("；")
        return min(1.0, items / 3) if items else -0.3
    return 0.0


OOV_WEIGHT = 3.0  # a question term the plan never uses: about a median IDF
# Characters that carry no topic; they split a question into the runs its bigrams come from.
_STOP_CHARS = frozenset(
    "的了和与及等在是有为对把将要到以其之或也就都而并从被让这那些啥吗呢吧啊呀嘛么我你他它请会可还又想搞弄干做哪谁几多少怎样何"
)
_RUNS = re.compile(rf"[a-z0-9][a-z0-9.+%-]*|[{CJK_RANGE}]+")


@functools.lru_cache(maxsize=100_000)
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the Chinese runs of ``text`` (stop characters split runs), plus ASCII terms;
    in the canonical form the tokenizer also uses (Simplified: 蘇聯 is 苏联)."""
    out: set[str] = set()
    for run in _RUNS.findall(normalize_text(text)):
        if run[0].isascii():
            out.add(run)
            continue
        for piece in re.split(f"[{''.join(_STOP_CHARS)}]", run):
            out.update(piece[i : i + 2] for i in range(len(piece) - 1))
    return frozenset(out)


class BigramStats:
    """Document frequencies of bigrams over the indexed chunks (for IDF weights)."""

    def __init__(self, texts: list[str]) -> None:
        self.df: Counter[str] = Counter()
        for text in texts:
            self.df.update(bigrams.__wrapped__(text))  # uncached: every chunk would fill bigrams' cache
        self.n = len(texts)

    def idf(self, gram: str) -> float:
        df = self.df.get(gram, 0)
        return idf(df, self.n) if df else OOV_WEIGHT


def question_terms(words: list[str], stopwords: frozenset[str]) -> tuple[list[str], set[str]]:
    """Content words and content bigrams of a question from its word sequence.

    Runs of single characters (a word jieba did not know, such as 碳达峰 → 碳/达/峰) become one
    term; a lone character joins the word before it in a bigram (鄂州市/长 → 市长).

    >>> terms, grams = question_terms(["鄂州市", "长", "是", "谁"], frozenset({"是", "谁"}))
    >>> terms, sorted(grams)
    (['鄂州市', '长'], ['州市', '市长', '鄂州'])
    """
    groups: list[list[str]] = [[]]  # content words between stopwords or punctuation
    for word in words:
        if word in stopwords or not word.strip():
            groups.append([])
        else:
            groups[-1].append(word)
    terms: list[str] = []
    grams: set[str] = set()
    for group in groups:
        merged: list[str] = []
        singles = False  # the last merged term is a run of single characters
        for word in group:
            single = len(word) == 1 and _is_cjk(word)
            if merged and single and singles:
                merged[-1] += word
            else:
                merged.append(word)
            singles = single
        for k, word in enumerate(merged):
            terms.append(word)
            grams.update(bigrams(word))
            if len(word) == 1 and _is_cjk(word) and k > 0 and _is_cjk(merged[k - 1][-1]):
                grams.add(merged[k - 1][-1] + word)  # a suffix character: 市/长 → 市长
    return terms, grams


def _is_cjk(char: str) -> bool:
    return CJK.match(char) is not None


class Coverage:
    """How much of a question a text covers, in [0, 1]: the mean of two IDF-weighted shares,

    - of the question's content words (see question_terms), and
    - of its character bigrams, which survive segmentation differences (高新企业/高新技术企业).

    Terms the indexed plans never use still count in the denominator (``OOV_WEIGHT``): a
    question about 游客人次 or 吞吐量 is not answered by a passage that merely shares 2025.
    """

    def __init__(
        self, words: list[str], idf: Callable[[list[str]], list[float]], stats: BigramStats,
        tokenize: Callable[[str], list[str]], stopwords: frozenset[str], subject: frozenset[str] = frozenset(),
        synonyms: tuple[str, tuple[str, ...]] = ("", ()),
    ) -> None:
        """``subject``: words and bigrams of what every document is about (its title and region,
        e.g. 鄂州市): a question naming them says nothing about which passage answers it."""
        terms, grams = question_terms(words, stopwords)
        self.words = {
            t: (w or OOV_WEIGHT) * (0.5 if len(t) == 1 else 1.0)
            for t, w in zip(terms, idf(terms), strict=True)
            if t not in subject
        }
        self.grams = {g: stats.idf(g) for g in grams if g not in subject}
        self._word_total = sum(self.words.values())
        self._gram_total = sum(self.grams.values())
        self._tokenize = tokenize
        self._term, self._synonyms = synonyms

    @property
    def has_content(self) -> bool:
        """Whether the question names anything besides bare numbers and symbols (「1 OR 1=1」 does not)."""
        return any(re.search(r"[^\W\d_]", term) for term in self.words)

    def __call__(self, text: str) -> float:
        if self._term and self._term not in text.lower() and any(s in text.lower() for s in self._synonyms):
            text = f"{text} {self._term}"  # 「地区生产总值」 covers a question's 「GDP」
        shares = []
        if self._gram_total:
            grams = bigrams(text)
            shares.append(sum(w for g, w in self.grams.items() if g in grams) / self._gram_total)
            if not shares[0]:
                return 0.0  # not one two-character term of the question: single characters prove nothing
        if self._word_total:
            present = set(self._tokenize(text))
            shares.append(sum(w for t, w in self.words.items() if t in present) / self._word_total)
        return sum(shares) / len(shares) if shares else 0.0



def _merge_lead_ins(spans: list[tuple[int, int]], max_lead: int = 16) -> list[tuple[int, int]]:
    """「葛店开发区。」 opens the sentence after it: keep a short lead-in with what it introduces."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and out[-1][1] - out[-1][0] <= max_lead and len(out) == 1:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def score_units(chunk: Chunk, coverage: Coverage, question_type: QuestionType, weights: Weights) -> list[Unit]:
    """Every sentence of ``chunk`` (a table row is one) with its coverage in context and score."""
    context = coverage(chunk.search_text())
    units = []
    spans = [(0, len(chunk.text))] if chunk.kind == "table_row" else _merge_lead_ins(sentence_spans(chunk.text))
    for start, end in spans:
        text = chunk.text[start:end]
        own = coverage(text)
        blended = weights.own * own + (1 - weights.own) * context
        score = blended + weights.type_weight(question_type) * type_fit(text, question_type)
        units.append(Unit(chunk.chunk_id, start, end, text, blended, score))
    return units
