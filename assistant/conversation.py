"""A conversation: follow-up questions completed from the previous turns, and its answers exported.

    >>> conv = qa.conversation()                                  # doctest: +SKIP
    >>> conv.ask("武汉到2030年要建多少5G基站？").short_answer         # doctest: +SKIP
    >>> conv.ask("那充电桩呢？").resolved_question                   # doctest: +SKIP
    '武汉到2030年要建多少充电桩'
    >>> conv.export("会议材料.docx")                                # doctest: +SKIP

How a question is read (no language model; the question understanding of assistant.query and the index's
own word segmentation):

- a question is cut into slots: *where* (a region of the gazetteer, or a named place: one of the documents'
  own place names such as 葛店开发区, or a word ending in a zone or district suffix such as 梁子湖区), *when*
  (2025年, 今年, “十五五”规划纲要), and *what* (an indicator with the words around it, 「地区生产总值增长」, or
  else the head noun phrase, 「产业」 in 「葛店开发区重点发展哪些产业」);
- a *follow-up* starts with 那/那么/还有/另外/what about…, ends with 呢, names no topic of its own, is a bare
  phrase, or speaks of 今年/去年/its without naming a place; what it names replaces the slot of the same kind
  in the previous turn's resolved question and the rest is carried over: 「葛店开发区重点发展哪些产业」 +
  「那临空经济区呢」 → 「临空经济区重点发展哪些产业」 (a place for the place), 「武汉到2030年要建多少5G基站」 +
  「湖北的呢」 → 「湖北到2030年要建多少5G基站」, 「…GDP增长目标是多少」 + 「城镇新增就业呢」 → 「…城镇新增就业目标
  是多少」 (the whole phrase of the old subject goes);
- a figure asked after a question that asked none (「森林覆盖率呢」 after 「葛店开发区重点发展哪些产业」) asks for
  that figure of the region the place lies in (「鄂州市森林覆盖率是多少」: the region of the documents that
  name the place); a follow-up that only measures (「去年实际增长多少」) takes the old subject; 今年/去年 in a
  follow-up become the years they are in the library (its newest annual report is 今年); an earlier year than
  a target's asks that year's figure, not a target;
- a question that names its own topic and its own place, document or year starts afresh: nothing of the old
  turns is added to it.

The resolved text is answered with :meth:`PlanQA.ask` and shown as 「理解为：…」, so a wrong reading is
visible at once. Exports (Markdown, .docx) hold every turn's question, short answer, verbatim quotes
and quotable references, comparison rows as a table.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.query import INDICATORS, Indicator, Query, is_english
from assistant.records import Answer, Citation
from assistant.scope import Catalog
from corpus.errors import PlanqaError
from corpus.regions import GAZETTEER, NATIONAL, core_name

if TYPE_CHECKING:
    from assistant.planqa import PlanQA
    from index.searcher import Filter, Mode

MAX_TURNS = 50  # turns a conversation keeps (older ones are dropped; exports hold what is kept)
SHORT_QUESTION = 4  # a question of at most this many characters is a bare phrase: 「充电桩？」「GDP」
EXPORT_SUFFIXES = (".md", ".docx")
DEFAULT_TITLE = "问答记录"

_CUE_START = re.compile(r"^(?:那么|那|还有|另外|再问一下|再问|再看看|再看|换成|换到|如果是|要是|改成|同样)[，,、\s]*")
_CUE_END = re.compile(r"(?:呢|的呢|怎么样|又如何|如何|情况)\s*$")
_EN_CUE = re.compile(r"^\s*(?:(?:and\s+)?(?:what|how)\s+about|and|what\s+of|(?:and\s+)?(?:the\s+)?same\s+for)\b[\s,]*",
                     re.IGNORECASE)
_PRONOUN_ZH = re.compile(r"^(?:它们|它|其|这个|那个)的?")
_PRONOUN = re.compile(r"\b(?:its|their|there)\b", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[\s?？!！。.,，~～]+$")
# time expressions, with the word that leads into them kept out of the span (「到2030年」: 到 stays); a plan
# named by its period is one expression (「“十五五”规划纲要」)
_TIME = re.compile(
    r"(?:(?:19|20)\d{2}|(?<!\d)[1-4]\d)\s*年?\s*(?:到|至|-|—|～|~)\s*(?:19|20)\d{2}\s*年"
    r"|(?:19|20)\d{2}\s*年(?:度)?|(?<![\d.])[1-4]\d年(?![内来间后前度代])|(?:19|20)\d{2}(?=\D|$)"
    r"|前年|去年|上年|今年|本年|明年|来年"
    r"|“?[一二三四五六七八九十]+五”?(?:规划纲要|规划|计划|时期|期间|末|期)?|五年(?:以)?后|规划(?:期)?末"
)
_QUESTION_WORD = re.compile(r"多少|几|哪|什么|啥|怎么|怎样|如何|是否|有没有|吗|为何|为什么"
                            r"|\b(?:what|how|which|when|why)\b", re.IGNORECASE)
# words that say how a figure moved or was reached, not what it is of: 「去年实际增长多少」 has no topic
_MEASURE_WORDS = (r"实际|实现了?|完成了?|新增了?|增长了?|增速|增幅|涨幅|下降了?|降低了?|提高了?|达到了?|控制在?"
                  r"|安排了?|增加了?|减少了?")
_MEASURE_ONLY = re.compile(f"(?:{_MEASURE_WORDS}|的)+")
# what a question says around its topic: dropped to find the topic itself (words of two or more characters
# wherever they occur; single characters only as whole words, so 中心 and 数量 keep theirs)
_FRAME = re.compile(
    r"政府工作报告|工作报告|报告|两会|要建设|要建成|要建|建设|建成|打算|计划|准备|预期|目标|提出的?|安排|达到|提高到|"
    r"是多少|有多少|多少|有哪些|哪些|是什么|什么|怎么样|怎么|如何|分别|情况|方面|指标|为什么|定位为"
)
_FRAME_CHARS = frozenset("要将拟定按有是的在中里了又也呢吗呀啊个到和与及、为")
_EN_FRAME = frozenset("what about how many much and is are was were be the a an of for in by to its their it there "
                      "this last next year years target targets plan plans goal set sets does do did s".split())
# a document named in a question: it stands alone (「2015年政府工作报告提出…」)
_DOCUMENT = re.compile(r"政府工作报告|工作报告|规划纲要|纲要|建议|government work report", re.IGNORECASE)
# a named place: a document's own name with a place suffix, or any word ending in a zone or district suffix
_PLACE_NAME = re.compile(r"(?:开发区|经济区|新区|度假区|示范区|园区|产业园|机场|港区|港|湖|小镇)$")
_RELATIVE_YEARS = {"前年": -2, "去年": -1, "上年": -1, "今年": 0, "本年": 0, "明年": 1, "来年": 1}
_RELATIVE = re.compile("|".join(_RELATIVE_YEARS))
_NAMED_REPORT = re.compile(r"(?:19|20)\d{2}\s*年?的?(?:国务院|全国)?(?:政府)?(?:工作)?报告")
_QUANTITY = re.compile(r"(?:率|比重|占比|比例|指数|总量|总额|规模|数量|人数|面积|产量|产值|收入|寿命)$")
_PLACE_WORD = re.compile(r"(?:开发区|经济区|新区|示范区|园区|产业园|机场|港|区|县|镇|乡|街道)$")
# an indicator that is a change or a share itself: 「新增就业」 is not asked as a growth
_NO_GROWTH = re.compile(r"新增|率|比重|比例|占比")
_QUOTE = re.compile(r"「(.+?)」\[(\d+)\]", re.S)


class ConversationError(PlanqaError):
    """A conversation cannot do what was asked (e.g. export to an unsupported file type)."""


@dataclass(frozen=True)
class Turn:
    """One question of a conversation: as asked, as resolved (the text answered) and its answer."""

    question: str
    resolved: str
    answer: Answer | None = None

    @property
    def followed_up(self) -> bool:
        """Whether the question was completed from earlier turns."""
        return self.resolved != display_text(self.question)


def display_text(question: str) -> str:
    """A question as it is shown and carried: full-width letters and digits made half-width, surrounding
    space and the closing punctuation dropped."""
    text = unicodedata.normalize("NFKC", question).strip()
    return _PUNCTUATION.sub("", text) or text


class Conversation:
    """Turns asked one after another; each follow-up is resolved against the turns before it."""

    def __init__(self, qa: PlanQA, history: Iterable[str] = ()) -> None:
        """``history``: questions asked before (e.g. by an HTTP client), resolved but not answered again."""
        self.qa = qa
        self.turns: list[Turn] = []
        self._read: tuple[PlanQA, Reader] | None = None
        for question in history:
            if isinstance(question, str) and question.strip():
                self._keep(Turn(question, self.resolve(question)))

    @classmethod
    def resume(cls, qa: PlanQA, turns: Iterable[Turn]) -> Conversation:
        """A conversation that goes on from ``turns`` (e.g. those a web page session keeps)."""
        conversation = cls(qa)
        conversation.turns = list(turns)[-MAX_TURNS:]
        return conversation

    # --- follow-ups --------------------------------------------------------------------------

    def resolve(self, question: str) -> str:
        """The question completed from the previous turn (the question itself when it stands alone)."""
        new = self.qa.analyze(question)  # raises QueryError for an empty question, as ask does
        text = display_text(question)
        if not self.turns:
            return text
        last = self.turns[-1].resolved
        base = _EN_CUE.sub("", _CUE_START.sub("", last)) or last
        return resolve_follow_up(base, self.qa.analyze(base), text, new, self._reader())

    def _reader(self) -> Reader:
        if self._read is None or self._read[0] is not self.qa:
            self._read = (self.qa, Reader.of(self.qa))
        return self._read[1]

    def ask(self, question: str, k: int | None = None, mode: Mode | None = None, where: Filter | None = None) -> Answer:
        """Answer ``question`` in the context of the earlier turns; ``Answer.resolved_question`` is set
        when it was completed from them."""
        from assistant.planqa import DEFAULT_K
        from index.searcher import ANYWHERE

        resolved = self.resolve(question)
        answer = self.qa.ask(resolved, k=k or DEFAULT_K, mode=mode, where=where or ANYWHERE)
        followed = resolved != display_text(question)
        answer = replace(answer, question=question, resolved_question=resolved if followed else "")
        self._keep(Turn(question, resolved, answer))
        return answer

    def _keep(self, turn: Turn) -> None:
        self.turns.append(turn)
        del self.turns[:-MAX_TURNS]

    def clear(self) -> None:
        self.turns.clear()

    @property
    def answers(self) -> list[Answer]:
        return [t.answer for t in self.turns if t.answer is not None]

    # --- export --------------------------------------------------------------------------------

    def to_markdown(self, title: str = DEFAULT_TITLE) -> str:
        return to_markdown(self.answers, title)

    def export(self, path: str | Path, title: str | None = None) -> Path:
        """Write the answered turns to ``path``: Markdown (.md) or Word (.docx), chosen by the suffix."""
        return export(self.answers, path, title)


# --- resolution ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """What resolving a follow-up needs from the library: its word segmentation (the index's), the
    documents' own place names (葛店开发区, 临空经济区) and the region a named place lies in."""

    words: Callable[[str], Sequence[str]]
    places: frozenset[str] = frozenset()
    region_of: Callable[[str], str] = lambda name: ""
    now: int | None = None  # the year of the library's newest annual report: what 今年 means in a follow-up

    @classmethod
    def of(cls, qa: PlanQA) -> Reader:
        """The reader of ``qa``'s library."""
        regions = {m.doc_id: m.region for m in qa.catalog().documents}
        chunks = qa.searcher.chunks

        def region_of(name: str) -> str:
            """The region of the documents that name ``name`` most (「葛店开发区」 → 鄂州市)."""
            counts = Counter(regions.get(c.doc_id, "") for c in chunks if name in c.text)
            counts.pop("", None)
            return counts.most_common(1)[0][0] if counts else ""

        annual = [d.years[0] for d in Catalog(qa.catalog().documents).docs if d.annual and d.years]
        return cls(qa.searcher.words, frozenset(n for n in qa.searcher.names() if _PLACE_NAME.search(n)),
                   region_of, max(annual) if annual else None)


@dataclass(frozen=True)
class _Parts:
    """A question cut into the slots a follow-up can fill: where, when, what (an indicator or a topic)."""

    body: str  # the question without its follow-up cues
    regions: tuple[tuple[int, int, str], ...]  # (start, end, canonical name) in body
    places: tuple[tuple[int, int], ...]  # named places that are not regions: 葛店开发区, 梁子湖区
    times: tuple[tuple[int, int], ...]  # time expressions
    topic: tuple[int, int] | None  # what it asks about: an indicator with its words, or the head noun phrase
    indicator: Indicator | None
    asks: bool  # it has a question word of its own (多少, 哪些, what…)
    english: bool

    def text(self, span: tuple[int, int] | None) -> str:
        return self.body[span[0]:span[1]] if span else ""

    @property
    def topic_text(self) -> str:
        return self.text(self.topic)

    @property
    def measured(self) -> bool:
        """Whether its topic is a measure: a known indicator, or a quantity's name (农业科技贡献率, 人口规模)."""
        return self.indicator is not None or bool(_QUANTITY.search(self.topic_text))

    @property
    def where(self) -> list[tuple[int, int]]:
        return sorted([(s, e) for s, e, _ in self.regions] + list(self.places))


def _parts(text: str, reader: Reader, subject: str = "") -> _Parts:
    """``text`` cut into its slots. ``subject``: the indicator words a previous turn used, whose phrase is
    the topic (「地区生产总值增长」 around 「地区生产总值」); otherwise the indicator named, else the last
    noun phrase (the head of a Chinese question: 「葛店开发区重点发展哪些产业」 → 产业)."""
    body = _EN_CUE.sub("", _CUE_START.sub("", text))
    body = re.sub(r"(?:的)?呢$", "", body).strip() or body
    english = is_english(body)
    tokens = _tokens(body, reader)
    regions = tuple(GAZETTEER.spans(body))
    taken = [(s, e) for s, e, _ in regions]
    places = tuple(_place_spans(body, tokens, reader, taken))
    times = tuple(_time_spans(body, [*taken, *places]))
    indicator, term = INDICATORS.find(body.lower())
    pieces = _pieces(body, tokens, [*taken, *places, *times])
    topic = None
    wanted = (subject or term).lower()
    at = body.lower().find(wanted) if wanted else -1
    if at >= 0:
        topic = next(((s, e) for s, e in pieces if s <= at < e), (at, at + len(wanted)))
    elif pieces:
        topic = pieces[-1] if not english else max(pieces, key=lambda p: p[1] - p[0])
    asks = bool(_QUESTION_WORD.search(body))
    return _Parts(body, regions, places, times, topic, indicator, asks, english)


def _tokens(text: str, reader: Reader) -> list[tuple[int, int, str]]:
    """The words of ``text`` with their spans (the segmenter lower-cases and may merge punctuation)."""
    lower, out, at = text.lower(), [], 0
    for word in reader.words(text):
        if not word.strip():
            continue
        start = lower.find(word, at)
        if start < 0:
            continue
        out.append((start, start + len(word), word))
        at = start + len(word)
    return out


def _place_spans(text: str, tokens: Sequence[tuple[int, int, str]], reader: Reader,
                 taken: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Named places that are not regions: the documents' own place names, and words ending in an
    administrative or zone suffix (梁子湖区, 三江港新区)."""
    spans: list[tuple[int, int]] = []
    for name in sorted(reader.places, key=len, reverse=True):
        for match in re.finditer(re.escape(name), text):
            spans.append(match.span())
    spans += [(s, e) for s, e, word in tokens if len(word) >= 3 and _PLACE_WORD.search(word)]
    out: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda se: (se[0], -se[1])):
        if not any(s < span[1] and span[0] < e for s, e in [*out, *taken]):
            out.append(span)
    return sorted(out)


def _time_spans(text: str, taken: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    return [m.span() for m in _TIME.finditer(text) if not any(s < m.end() and m.start() < e for s, e in taken)]


def _pieces(text: str, tokens: Sequence[tuple[int, int, str]], taken: Sequence[tuple[int, int]]
            ) -> list[tuple[int, int]]:
    """The noun phrases of ``text``: what is left once places, times, the question's frame words and
    punctuation are blanked (an indicator's own name is never cut: 人均预期寿命 keeps its 预期)."""
    keep = [True] * len(text)
    protected = [(s, e) for s, e, _ in INDICATORS.mentions(text.lower())]

    def blank(start: int, end: int) -> None:
        if not any(s <= start and end <= e for s, e in protected):
            keep[start:end] = [False] * (end - start)

    for s, e in taken:
        keep[s:e] = [False] * (e - s)
    for match in _FRAME.finditer(text):
        blank(*match.span())
    for s, e, word in tokens:
        if word in _FRAME_CHARS or word in _EN_FRAME:
            blank(s, e)
    for match in re.finditer(r"'s\b|[^\w\s]", text):
        blank(*match.span())
    pieces, start = [], None
    for i, kept in enumerate([*keep, False]):
        if kept and start is None:
            start = i
        elif not kept and start is not None:
            pieces.append((start, i))
            start = None
    out = []
    for s, e in pieces:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        piece = text[s:e]
        if (len(piece) >= 2 or (piece.isascii() and piece.isalnum())) and not _MEASURE_ONLY.fullmatch(piece):
            out.append((s, e))
    return out


def is_follow_up(text: str, query: Query, reader: Reader) -> bool:
    """Whether a question leans on the turn before: a cue (那…, …呢, what about…), a relative time or a
    pronoun with no place of its own (「去年增长了多少」, 「its total GDP」), no topic of its own, or a bare phrase.
    A question with its own topic and question word that names a place, a document or a year stands alone."""
    own = _parts(text, reader)
    names_its_context = bool(own.regions or own.places or query.regions or query.report_year
                             or _DOCUMENT.search(own.body) or (query.asks_time and query.relative is None))
    if own.topic and own.asks and names_its_context:
        return False  # 「另外，2024年政府工作报告提出开辟哪些未来产业新赛道？」 stands alone
    cue = bool(_CUE_START.match(text) or _CUE_END.search(text) or _EN_CUE.match(text))
    deictic = query.relative is not None or bool(_PRONOUN.search(text))
    return cue or deictic or not own.topic or len(query.text) <= SHORT_QUESTION


def resolve_follow_up(base: str, previous: Query, text: str, query: Query, reader: Reader) -> str:
    """``text`` completed from ``base`` (the previous turn's resolved question) when it is a follow-up: what it
    names replaces the slot of the same kind in ``base`` — a place the place, a time the time, an indicator or
    topic the topic — and what it leaves out comes from ``base``."""
    if not is_follow_up(text, query, reader):
        return text
    own = _parts(_absolute_years(text, reader.now), reader)
    old = _parts(base, reader, previous.indicator_term)
    if own.asks and own.topic:  # 「那充电桩要建多少个」: its own wording, with the place and time it leaves out
        return _own_wording(own, old, reader)
    measures = not own.topic and not own.english and re.search(_MEASURE_WORDS, own.body)
    if (own.asks or measures) and not own.english:
        # 「去年实际增长多少」「它的增速呢」: the old subject, measured as the follow-up asks
        where = own.text(own.where[0]) if own.where else _where(old, reader, bool(previous.indicator))
        when = own.text(own.times[0]) if own.times else _when(old)
        subject = old.text(_indicator_span(old, previous) or old.topic)
        rest = _PRONOUN_ZH.sub("", _cut(own.body, [*own.where, *own.times], "")).strip("的 ")
        # a measure word the subject already says goes: 「城镇新增就业」 + 「实际新增了多少」 → 「…实际多少」
        rest = re.sub(_MEASURE_WORDS, lambda m: "" if m.group().rstrip("了在") in subject else m.group(), rest)
        return f"{where}{when}{subject}{rest}" + ("" if own.asks else "是多少")
    resolved = base
    if own.where:
        resolved = _replace_place(resolved, own, reader)
    if own.times:
        resolved = _replace_times(resolved, [own.text(t) for t in own.times], own)
    if own.topic:
        resolved = _replace_topic(resolved, previous, own, reader)
    return resolved


def _absolute_years(text: str, now: int | None) -> str:
    """A follow-up's own 今年, 去年, 明年 as the years they are in the library (「去年实际增长多少」 → 2025年 when
    its newest report is 2026's): the conversation has moved on from the turn whose 今年 it would otherwise
    take. A 今年 carried over from the previous turn keeps its meaning (the new region's newest report), and
    so does one read against a named report (「2019年报告里说去年」)."""
    if now is None or _NAMED_REPORT.search(text):
        return text
    return _RELATIVE.sub(lambda m: f"{now + _RELATIVE_YEARS[m.group()]}年", text)


def _own_wording(own: _Parts, old: _Parts, reader: Reader) -> str:
    """The follow-up as asked, with the place (and, in Chinese, the time) of the previous question."""
    if own.where:
        return own.body
    if own.english:
        name = _display(old, english=True)
        if not name:
            return own.body
        if _PRONOUN.search(own.body):
            return _PRONOUN.sub(lambda m: f"{name}'s" if m.group().lower() in ("its", "their") else name,
                                own.body, count=1)
        return f"{own.body.rstrip('?？ ')} in {name}"
    when = "" if own.times else _when(old)
    return f"{_where(old, reader, own.measured)}{when}{own.body}"


def _where(old: _Parts, reader: Reader, measured: bool) -> str:
    """The place of a previous question as written: its regions, else its named place (for an indicator, the
    region that place lies in: a city's 森林覆盖率, not a development zone's)."""
    if old.regions:
        return "和".join(dict.fromkeys(old.text((s, e)) for s, e, _ in old.regions))
    if old.places:
        place = old.text(old.places[0])
        return (reader.region_of(place) or place) if measured else place
    return NATIONAL if _DOCUMENT.search(old.body) else ""  # 「2026年政府工作报告…」 names the country's


def _when(old: _Parts) -> str:
    """The time of a previous question as written (with the 到 that leads into it)."""
    if not old.times:
        return ""
    start, end = old.times[0]
    return ("到" if old.body[:start].endswith("到") else "") + old.body[start:end]


def _display(parts: _Parts, english: bool) -> str:
    """The region of ``parts`` named in the language asked (an English name for an English question)."""
    if not parts.regions:
        return ""
    start, end, name = parts.regions[0]
    written = parts.body[start:end]
    if english == written.isascii():
        return written
    region = GAZETTEER.lookup(name)
    if english:
        return region.english[0].title() if region and region.english else written
    return core_name(name)


def _indicator_span(parts: _Parts, previous: Query) -> tuple[int, int] | None:
    term = previous.indicator_term
    at = parts.body.lower().find(term.lower()) if term else -1
    return (at, at + len(term)) if at >= 0 else None


def _replace_place(base: str, own: _Parts, reader: Reader) -> str:
    """The follow-up's place in the previous question's place slot (its regions, else its named place)."""
    old = _parts(base, reader)
    new = "和".join(_written_place(own, (s, e), old.english) for s, e in own.where)
    named = bool(own.places) and not own.regions  # a development zone replaces a zone, a region a region
    for kind in ("places", "regions") if named else ("regions", "places"):
        if kind == "regions" and old.regions:
            start, end = old.regions[0][:2]
            for s, e, _ in old.regions[1:]:  # 「武汉和湖北」: the whole list goes
                if re.fullmatch(r"[和与及、,，\s]*|\s*and\s*", base[end:s]):
                    end = e
            return base[:start] + new + base[end:]
        if kind == "places" and old.places:
            start, end = old.places[0]
            return base[:start] + new + base[end:]
    return new + base


def _written_place(own: _Parts, span: tuple[int, int], english_base: bool) -> str:
    """A place of the follow-up as it goes into the previous question: as written, or in that question's
    language (「What about Hangzhou?」 after a Chinese question → 杭州)."""
    written = own.body[span[0]:span[1]]
    region = next((name for s, e, name in own.regions if (s, e) == span), None)
    if region is None:
        return written
    found = GAZETTEER.lookup(region)
    if english_base:  # its English name: 「the whole country」 → China
        return found.english[0].title() if found and found.english else written
    return written if not written.isascii() else core_name(region)


def _replace_times(base: str, times: Sequence[str], own: _Parts) -> str:
    new = "到".join(times) if len(times) == 2 and all(re.match(r"\d{4}", t) for t in times) else times[0]
    lead = own.body[: own.times[0][0]].endswith("到") and not base.endswith("到")
    matches = [m for m in _TIME.finditer(base)]
    if not matches:
        spans = GAZETTEER.spans(base)
        at = spans[-1][1] if spans else 0
        return base[:at] + new + base[at:]
    first = matches[0]
    before = base[: first.start()]
    if lead and not before.endswith("到"):
        new = "到" + new
    rest = _cut(base[first.end():], [(m.start() - first.end(), m.end() - first.end()) for m in matches[1:]], "")
    resolved = before + new + rest
    year, old_year = re.match(r"(?:19|20)\d{2}", new.removeprefix("到")), re.match(r"(?:19|20)\d{2}", first.group())
    if year and old_year and int(year.group()) < int(old_year.group()) and not _DOCUMENT.search(resolved):
        resolved = re.sub(r"(?:预期)?目标", "", resolved, count=1)  # a year before the target's: its actual figure
    return resolved


def _replace_topic(base: str, previous: Query, own: _Parts, reader: Reader) -> str:
    """The follow-up's topic in the previous question's topic slot: the phrase around its indicator (「GDP增长」
    → 「城镇新增就业」), else its head noun phrase. An indicator asked after a question that had none asks for
    that indicator's figure, for the region the previous question was about."""
    old = _parts(base, reader, previous.indicator_term)
    new = own.topic_text
    if own.indicator is not None and own.english and not old.english:
        new = own.indicator.name  # 「forest coverage」 in a Chinese question: 森林覆盖率
    if _indicator_span(old, previous) is not None and old.topic is not None:
        start, end = old.topic
        return base[:start] + new + _growth_kept(old, previous, own) + base[end:]
    if own.measured and not old.english and previous.answer_type != "number":
        # 「葛店开发区重点发展哪些产业」 → 「森林覆盖率呢」: a figure now, of the region that zone lies in
        frame = "目标是多少" if previous.target else "是多少"
        return f"{_where(old, reader, True)}{_when(old)}{new}{frame}"
    if old.topic is None:
        return base + new
    start, end = old.topic
    return base[:start] + new + base[end:]


def _growth_kept(old: _Parts, previous: Query, own: _Parts) -> str:
    """The growth word of the previous topic when the follow-up names another indicator alone: after
    「地区生产总值增长目标是多少」, 「社会消费品零售总额呢」 asks that indicator's growth too."""
    if not previous.growth or own.indicator is None or own.english or _NO_GROWTH.search(own.indicator.name):
        return ""
    new = own.topic_text
    if any(w in new for w in INDICATORS.growth_words):
        return ""
    phrase = old.topic_text
    after = phrase[phrase.find(previous.indicator_term) + len(previous.indicator_term):] \
        if previous.indicator_term in phrase else ""
    return next((w for w in INDICATORS.growth_words if after.startswith(w)), "")


def _cut(text: str, spans: Sequence[tuple[int, int]], by: str = " ") -> str:
    out, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            out.append(text[at:start])
            at = end
    out.append(text[at:])
    return by.join(out)


# --- export ---------------------------------------------------------------------------------


def quotes(answer: Answer) -> list[tuple[str, Citation | None]]:
    """The verbatim quotes of an answer, each with the citation it comes from."""
    by_number = {c.number: c for c in answer.citations}
    return [(quote, by_number.get(int(n))) for quote, n in _QUOTE.findall(answer.text)]


def comparison_rows(answer: Answer) -> list[dict]:
    """The rows of a comparison answer (label, value or 未找到, the reference of its citation)."""
    by_number = {c.number: c for c in answer.citations}
    rows = []
    for row in answer.extras.get("rows", []) if answer.extras.get("comparison") else []:
        citation = by_number.get(row.get("citation")) if row.get("found") else None
        rows.append({"label": row["label"], "found": bool(row.get("found") and citation),
                     "value": row.get("value") or "" if citation else "未找到",
                     "quote": citation.text if citation else "", "reference": citation.reference() if citation else "",
                     "number": citation.number if citation else None, "reason": row.get("reason") or ""})
    return rows


def _summary(answer: Answer) -> str:
    if not answer.found:
        return answer.text.split("以下是最接近的段落", 1)[0].strip()
    return answer.short_answer or answer.text.split("\n", 1)[0]


def to_markdown(answers: Sequence[Answer], title: str = DEFAULT_TITLE) -> str:
    """Every answer as Markdown: question, 理解为, short answer, quotes with their references, rows as a table."""
    lines = [f"# {title}", ""]
    for number, answer in enumerate(answers, start=1):
        lines += [f"## {number}. {display_text(answer.question)}", ""]
        if answer.resolved_question:
            lines += [f"理解为：{answer.resolved_question}", ""]
        rows = comparison_rows(answer)
        if rows:
            lines += ["| 对象 | 数值 | 出处 |", "| --- | --- | --- |"]
            lines += [f"| {_cell(r['label'])} | {_cell(r['value'])} | {_cell(r['reference'] or r['reason'])} |"
                      for r in rows]
            lines.append("")
            for row in rows:
                if row["found"]:
                    lines += [f"> {row['label']}：「{_one_line(row['quote'])}」", ">", f"> ——{row['reference']}", ""]
            continue
        lines += [f"**答：** {_one_line(_summary(answer))}", ""]
        for quote, citation in quotes(answer) if answer.found else []:
            lines += [f"> 「{_one_line(quote)}」", ">", f"> ——{citation.reference() if citation else ''}", ""]
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text).strip()


def to_docx(answers: Sequence[Answer], path: str | Path, title: str = DEFAULT_TITLE) -> Path:
    """Every answer as a Word document (same content as :func:`to_markdown`)."""
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    for number, answer in enumerate(answers, start=1):
        document.add_heading(f"{number}. {display_text(answer.question)}", level=2)
        if answer.resolved_question:
            document.add_paragraph(f"理解为：{answer.resolved_question}")
        rows = comparison_rows(answer)
        if rows:
            table = document.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, head in zip(table.rows[0].cells, ("对象", "数值", "出处"), strict=True):
                cell.text = head
            for row in rows:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = row["label"], row["value"]
                cells[2].text = row["reference"] or row["reason"]
            for row in rows:
                if row["found"]:
                    document.add_paragraph(f"{row['label']}：「{_one_line(row['quote'])}」", style="Quote")
                    document.add_paragraph(f"——{row['reference']}")
            continue
        paragraph = document.add_paragraph()
        paragraph.add_run("答：").bold = True
        paragraph.add_run(_one_line(_summary(answer)))
        for quote, citation in quotes(answer) if answer.found else []:
            document.add_paragraph(f"「{_one_line(quote)}」", style="Quote")
            document.add_paragraph(f"——{citation.reference() if citation else ''}")
    path = Path(path)
    try:
        document.save(str(path))
    except OSError as exc:
        raise ConversationError(f"无法写入 / cannot write {path}: {exc.strerror or exc}") from exc
    return path


def export(answers: Sequence[Answer], path: str | Path, title: str | None = None) -> Path:
    """Write ``answers`` to ``path`` as Markdown (.md) or Word (.docx); the title defaults to the file's name."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ConversationError(f"不支持的导出格式 / cannot export to {path.name!r}: use a .md or .docx file name")
    title = title or path.stem or DEFAULT_TITLE
    if suffix == ".docx":
        return to_docx(answers, path, title)
    try:
        path.write_text(to_markdown(answers, title), encoding="utf-8")
    except OSError as exc:
        raise ConversationError(f"无法写入 / cannot write {path}: {exc.strerror or exc}") from exc
    return path
