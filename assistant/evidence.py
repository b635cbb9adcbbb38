"""Lexical evidence: how much of a question a text covers, and whether it holds the kind of thing asked.

Coverage weighs the question's content words and character bigrams by IDF over the indexed passages
(BM25's statistics), so that a text sharing the question's rare terms covers it and one sharing only
its common words does not. These are features of the support model (assistant.features).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from assistant.query import QuestionType
from corpus.text import CJK, CJK_RANGE, CN_FIGURE, FIGURE, is_year, normalize_text
from index.bm25 import idf

_DATE = re.compile(r"(?:19|20)\d{2}\s*年(?:底|前|末)?|\d{1,2}月")


def figures(text: str, bare: bool = True) -> list[str]:
    """Figures in ``text``, years excluded: 「5000个」「95%」「66.8」.

    ``bare=False`` keeps only figures with a unit: in prose a bare number is usually part of
    a name (30号线, 1+8), while a table cell's unit sits in its row's name.
    """
    found = [m.group() for m in FIGURE.finditer(text) if not is_year(m.group())]
    found = [f for f in found if bare or not re.fullmatch(r"[<>≥≤＞＜]?[\d.,]+", f)]
    return found + [m.group() for m in CN_FIGURE.finditer(text)]  # 「百分之六」「八千亿斤」: they carry their unit


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
CACHE_SIZE = 4096  # texts remembered per question (a question's candidates share sentences and clauses)
ABBREVIATION_GAP = 5  # characters allowed between the characters of an abbreviated word
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
    question about 游客人次 or 吞吐量 is not answered by a passage that merely shares 2025. A
    question word counts as present when the text has one of its ``equivalents`` (assistant.synonyms:
    「上大学」 is covered by 「高等教育」).
    """

    def __init__(
        self, words: list[str], idf: Callable[[list[str]], list[float]], stats: BigramStats,
        tokenize: Callable[[str], list[str]], stopwords: frozenset[str], subject: frozenset[str] = frozenset(),
        synonyms: tuple[str, tuple[str, ...]] = ("", ()),
        equivalents: Sequence[tuple[int, int, tuple[str, ...]]] = (),
        elliptical: Sequence[tuple[str, str]] = (),
    ) -> None:
        """``subject``: words and bigrams of what every document is about (its title and region,
        e.g. 鄂州市): a question naming them says nothing about which passage answers it.
        ``equivalents``: (start, end, terms) of phrases of the text ``words`` cut, with their
        equivalent terms (assistant.synonyms).
        ``elliptical``: (short name, context word) pairs by which a text names the indicator ``synonyms``
        is about (「粮食播种面积1.1亿亩、产量825亿斤」: 产量 after 粮食)."""
        terms, grams = question_terms(words, stopwords)
        self.words = {
            t: (w or OOV_WEIGHT) * (0.5 if len(t) == 1 else 1.0)
            for t, w in zip(terms, idf(terms), strict=True)
            if t not in subject
        }
        # in a fixed order: a float sum over a set's hash order differs between runs in its last bit
        self.grams = {g: stats.idf(g) for g in sorted(grams) if g not in subject}
        self._stats, self._subject = stats, subject
        self._word_total = sum(self.words.values())
        self._gram_total = sum(self.grams.values())
        self._tokenize = tokenize
        self._term, self._synonyms = synonyms
        self._elliptical = tuple(elliptical)
        self._equivalents = _word_equivalents(words, equivalents, self.words)
        self._cache: dict[str, float] = {}

    @property
    def has_content(self) -> bool:
        """Whether the question names anything besides bare numbers and symbols (「1 OR 1=1」 does not)."""
        return any(re.search(r"[^\W\d_]", term) for term in self.words)

    def __call__(self, text: str) -> float:
        if (cached := self._cache.get(text)) is not None:
            return cached
        value = self._cover(text)
        if len(self._cache) < CACHE_SIZE:
            self._cache[text] = value
        return value

    def _cover(self, text: str) -> float:
        lowered = text.lower()
        if self._term and self._term not in lowered and (any(s in lowered for s in self._synonyms) or any(
                context in lowered and short in lowered[lowered.find(context) + len(context):]
                for short, context in self._elliptical)):
            text = f"{text} {self._term}"  # 「地区生产总值」 covers a question's 「GDP」
        shares = []
        present = self._present(text) if self._word_total else set()
        if self._gram_total:
            grams = bigrams(text)
            shares.append(sum(w for g, w in self.grams.items() if g in grams) / self._gram_total)
            if not shares[0] and not any(len(t) >= 2 for t in present):
                return 0.0  # not one two-character term of the question: single characters prove nothing
        if self._word_total:
            shares.append(sum(w for t, w in self.words.items() if t in present) / self._word_total)
        return sum(shares) / len(shares) if shares else 0.0

    def _present(self, text: str) -> set[str]:
        """The question words ``text`` holds: as the tokenizer cuts it, verbatim, or as an equivalent."""
        normal = normalize_text(text)
        tokens = set(self._tokenize(text))
        return {t for t in self.words if t in tokens or (len(t) >= 2 and t in normal)
                or any(e in normal for e in self._equivalents[t])}

    def overlap(self, text: str) -> float:
        """The share of the question's character bigrams that ``text`` holds, unweighted."""
        return len(self.grams.keys() & bigrams(text)) / len(self.grams) if self.grams else 0.0

    def precision(self, text: str) -> float:
        """The IDF-weighted share of ``text``'s Chinese bigrams that the question holds: low when a
        figure's label names something the question does not (「传统优势产业规模」 for a question about
        新型建材产业); 0.5, unknown, when it names nothing besides the documents' subject (「到」)."""
        grams = sorted({g for g in bigrams(text) if not g.isascii() and g not in self._subject})
        total = sum(self._stats.idf(g) for g in grams)
        if not total:
            return 0.5
        return sum(self._stats.idf(g) for g in grams if g in self.grams) / total

    def specific_missing(self, text: str) -> float:
        """The weight of the question's most specific word (the rarest, two characters or more) when
        ``text`` lacks it, as a share of all its words' weight; 0 when present (or none).

        A passage about another indicator shares the question's common words and lacks its rare one
        (「产业用地」 asked, 「达标率」 given)."""
        words = {t: w for t, w in self.words.items() if len(t) >= 2}
        if not words or not self._word_total:
            return 0.0
        top = max(words, key=lambda t: (words[t], t))
        return 0.0 if top in self._present(text) or self._abbreviates(top, text) else words[top] / self._word_total

    def abbreviated(self, text: str) -> float:
        """The share of the question's word weight that ``text`` holds only as a longer form: the
        characters of the word in order, close together (战新 in 战略性新兴, 研发 in 研究与试验发展)."""
        if not self._word_total:
            return 0.0
        present = self._present(text)
        found = sum(w for t, w in self.words.items()
                    if len(t) >= 2 and t not in present and self._abbreviates(t, text))
        return found / self._word_total

    @staticmethod
    def _abbreviates(word: str, text: str) -> bool:
        if not all(_is_cjk(ch) for ch in word):
            return False
        gap = f"[^，。；、]{{0,{ABBREVIATION_GAP}}}"
        pattern = gap.join(re.escape(ch) for ch in word)
        return re.search(pattern, normalize_text(text)) is not None


def _word_equivalents(words: Sequence[str], spans: Sequence[tuple[int, int, tuple[str, ...]]],
                      content: Mapping[str, float]) -> dict[str, tuple[str, ...]]:
    """Each content word's equivalents: those of the phrases it lies in (「上大学」 → 大学: 高等教育, 高校)."""
    out: dict[str, tuple[str, ...]] = {t: () for t in content}
    position = 0
    for word in words:
        start, end = position, position + len(word)
        position = end
        for s, e, terms in spans:
            if s <= start and end <= e:  # the word lies in the phrase (not a phrase inside a longer word)
                for term in content:
                    if term == word or word in term:
                        out[term] = tuple(dict.fromkeys(out[term] + terms))
    return out
