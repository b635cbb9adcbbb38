"""Question understanding in one pass: a user's question becomes a :class:`Query`.

Everything downstream (scoping, retrieval, verification, the answer's wording) reads this value
and never re-analyses the question. What it holds:

- ``text``: the question in canonical form (NFC, half-width letters and digits, Simplified
  Chinese, 二〇二五 → 2025, trailing particles dropped);
- ``answer_type``: number, date, list, definition or fact; ``english``: asked in English;
- ``regions``: the regions the question is *about* (canonical names, 湖北 → 湖北省), and
  ``mentioned`` every region it names (「鄂州到武汉…」 is about 鄂州, mentions 武汉 too);
- time: ``years`` named (2019年, 19年), ``relative`` (去年 −1, 今年 0, 明年 +1), ``period_end``
  (五年后, 规划末: the end of a plan's own period), ``five_year`` (十四五 → 2021–2025), and whether a
  ``target`` or an ``actual`` figure is wanted;
- ``indicator``: the indicator asked for (GDP = 地区生产总值 = 生产总值 …, from a data table),
  with ``growth`` when a rate of change is asked;
- ``comparison``: two regions or years to answer side by side.

Region names and indicator synonyms are data (corpus/data/regions.json,
assistant/data/indicators.json); nothing here knows one plan.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from assistant.kinds import asked_kind
from corpus.errors import PlanqaError
from corpus.metadata import five_year_period
from corpus.numerals import years_to_digits
from corpus.regions import GAZETTEER, NATIONAL
from corpus.text import UNITS, normalize_text

QuestionType = Literal["number", "list", "definition", "date", "fact"]
MAX_QUESTION_CHARS = 2000
DATA_DIR = Path(__file__).resolve().parent / "data"


class QueryError(PlanqaError):
    """The question cannot be answered as given (empty, no words, unknown filter)."""


@dataclass(frozen=True)
class Indicator:
    """An indicator of the synonym table: its name and every name it goes by (normalized)."""

    name: str
    names: tuple[str, ...]
    covers: tuple[str, ...] = ()  # a generic indicator (失业率) is answered by the ones it covers
    units: tuple[str, ...] = ()  # the units its figures come in (empty: any)
    elliptical: tuple[tuple[str, str], ...] = ()  # (short name, the word that must come before it)

    def answered_by(self, other: Indicator) -> bool:
        """Whether a figure of ``other`` answers a question for this indicator."""
        return other.name == self.name or other.name in self.covers


@dataclass(frozen=True)
class Query:
    """One analysed question. Built by :func:`analyze`; immutable; passed down, never rebuilt."""

    raw: str
    text: str
    answer_type: QuestionType
    english: bool
    regions: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    report_year: int | None = None  # 「2019年的政府工作报告」: the year that names a report
    relative: int | None = None
    period_end: bool = False
    five_year: tuple[int, int] | None = None
    target: bool = False
    actual: bool = False
    indicator: Indicator | None = None
    indicator_term: str = ""  # the question's own words for the indicator: 「gdp」
    growth: bool = False
    level: bool = False  # an amount is asked (GDP总量, 多少亿元), not a rate
    item_count: int | None = None  # 「哪十个方面」: how many items a list question expects
    comparison: bool = False
    series: bool = False  # 「2019年到2025年…怎么变化」: every year in the range, not only the two named
    truncated: bool = False
    expansions: tuple[str, ...] = field(default=())
    answer_kind: str = ""  # the kind of quantity asked: money, area, count, rate… (assistant.kinds)
    doc_kind: str = ""  # the kind of document the question names: plan (规划/纲要), report, proposal (建议)
    # regions named inside the document the question names (「十五五建议里澳门…」): its topic, when they
    # have no document of their own
    in_document: tuple[str, ...] = ()

    @property
    def topic(self) -> str:
        """The question without its time expressions (五年后, 2019年, 今年, 十四五…): what it is about.
        Time is checked against each passage's own time, not matched as words."""
        text = _PERIOD_END.sub(" ", _FIVE_YEAR.sub(" ", self.text))
        text = re.sub(r"(?:19|20)\d{2}\s*年?|(?<!\d)[1-4]\d年|前年|去年|上年|今年|本年|当年|明年|来年", " ", text)
        text = _ITEM_COUNT.sub(" ", text)  # 「哪十个方面」: the count is checked against the list, not matched
        text = _LEVEL_FRAME.sub(" 多少", text)  # 「稳定在什么水平」 asks a figure in other words
        # 「实际增长多少」: 实际 asks for a result (Query.actual), it is no word the passage must share
        text = _ACTUAL_SENSE.sub(" ", text)
        return re.sub(r"\s+", " ", text).strip()

    @property
    def spelled_terms(self) -> tuple[str, ...]:
        """The terms the question asks to spell out: quoted (「“五张清单”指哪五张」) or a code of figures
        (「323攻坚行动是哪些内容」「“5+4+2”现代海洋产业」); empty when it asks no such thing."""
        if not _SPELL_ASKED.search(self.text):
            return ()
        return tuple(dict.fromkeys(a or b for a, b in _TERM.findall(self.text)))

    @property
    def asked_unit(self) -> str:
        """The unit the question asks in: 「多少亿元」 → 亿元, 「几家」 → 家, else "".

        「几年」「多少年」 ask a duration or a count of years as often as a figure in 年: no unit is implied.
        """
        match = _ASKED_UNIT.search(self.text)
        return match.group(1) if match and match.group(1) != "年" else ""

    @property
    def asks_rate(self) -> bool:
        """Whether a rate or share is asked (增速, 占比, 百分之几): an amount (3万元) does not answer it."""
        return bool(_RATE_ASKED.search(self.text))

    @property
    def asks_time(self) -> bool:
        """Whether the question names a time of its own (a year, 今年, 五年后, 十四五)."""
        return bool(self.years or self.relative is not None or self.period_end or self.five_year)

    @property
    def search_text(self) -> str:
        """What retrieval sees: the question plus the Chinese terms of its English words and indicator names."""
        return " ".join((self.text, *self.expansions)).strip()


# --- question type ------------------------------------------------------------------------------

_TYPE_PATTERNS: tuple[tuple[QuestionType, re.Pattern[str]], ...] = (
    ("list", re.compile(r"(?:说|列|举|讲|谈)(?:出|一下)?几(?:条|个|项|点|件)")),  # 「…说几条主要的」: name a few
    ("date", re.compile(
        r"(什么时候|啥时候?|什么时间|啥时间|何时|几时|哪一?年|哪一?天|哪个月|几月|几号|哪个时间|时间节点|"
        r"\bwhen\b|\bwhat year\b|\bby when\b|\bwhich year\b)"
    )),
    ("number", re.compile(
        r"(多少|(?<!哪)几个|(?<!哪)几家|(?<!哪)几条|几所|几座|几万|几成|比例|比重|占比|百分之|增速|增长率|增幅|涨幅|"
        r"率.{0,4}(目标|达到|要到|提高到)|目标值|达到.{0,6}(多少|几)|规模多大|多大|多长|多高|多少钱|定了|定在|"
        r"\bhow (many|much|long|large|big|high)\b|\bin (tonnes|tons|yuan|percent|kilometres|kilometers|km)\b|"
        r"\bpercent|\brate\b|\bratio\b|\bshare\b|\bnumber of\b|\bhow far\b|\bgrowth target\b)"
    )),
    ("definition", re.compile(
        r"(是什么意思|什么意思|啥意思|指什么|指啥|指的是|是指|含义|定义|具体指|具体是|是哪(三|四|五|六|几)|分别是|包括什么|"
        r"^what (is|are|does) .{1,40}( mean| stand for| refer to)|\bmeaning of\b|\bdefin)"
    )),
    ("list", re.compile(
        r"(哪些|哪几|哪[一二三四五六七八九十两\d]+(?:个|项|条|件|大|类|种|座|方面)|有什么|有啥|包括|包含|主要(做|搞|发展|建设|有)|重点(发展|建设|培育|打造|推进|实施)|布局|"
        r"列举|都有|分别|什么产业|什么项目|什么工程|\bwhich\b|\bwhat (industries|projects|sectors|areas|measures)\b|"
        r"\blist\b|\bmain\b|\bkey\b)"
    )),
    ("definition", re.compile(r"(是什么|是啥|\bwhat is\b|\bwhat are\b)")),
)
# an indicator question that asks no "what/how/why" still wants the figure: 「山东GDP增长目标」「全国今年的赤字率」
_OPEN_QUESTION = re.compile(r"什么|哪|怎么|怎样|如何|为什么|为何|还是|是否|why|how|what|which|whether")
_LEVEL = re.compile(r"总量|规模|总额|多少亿|多少万亿|几万亿|万亿|亿元|有多大|多大|\btotal\b|\bsize\b|\bhow big\b")
_ACTUAL_SENSE = re.compile(r"实际(?=增长|增速|增幅|新增|完成|达到|多少|是多少)")
# a term the question quotes (not a five-year period: 「“十四五”」), or a code of figures that names a
# programme (not a year, an amount or a share)
_TERM = re.compile(r"[“\"「‘](?![一二三四五六七八九十]{1,2}五[”\"」’])([^”\"」’]{1,14})[”\"」’]"
                   r"|(?<![\d.+])((?!(?:19|20)\d\d(?!\d))\d{3,6}|\d{1,2}(?:\+(?:\d{1,2}|n))+)(?![\d.%万亿年个+])")
_SPELL_ASKED = re.compile(r"指什么|是指|指的是|指哪|是哪|哪几|哪些|具体|分别|包括|代表|什么内容|是什么|啥|which|what")
_LEVEL_FRAME = re.compile(r"(?:稳定|保持|维持|控制)?在?(?:什么|啥|哪个|多高的?)水平")
_RATE_NAME = re.compile(r"率|比重|比例|指数|价格|浓度")  # an indicator that is itself a rate or an index
_MEASURE_ASKED = re.compile(r"(?:量|率|规模|数量|面积|产值|总额|投资|人数|个数)\S{0,6}(?:目标|指标)$")
_FIGURE_WORD = re.compile(r"多少|增速|增长率|几(?![种类])|\btarget|\brate\b|\bhow (?:much|many|fast)\b|\bgoal\b")
# an English question typed as a fact or a definition that asks a quantity wants a number (「What life
# expectancy does … aim for」), unless it asks what a word means or kinds of a thing (「what kinds of
# investment」: a list); a name's capitalised words (「Xiong'an New Area」) say nothing of the quantity
_MEANING_EN = re.compile(
    r"\b(?:mean|means|meaning|stand for|stands for|refer to|refers to|defin\w*|(?:kinds?|types?|forms?|sorts?) of)\b")
_PROPER_NAME_EN = re.compile(r"\b[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*")
_TARGET_FOR_EN = re.compile(r"\btarget (?:for|of)\b|\btargets? (?:does|do|did|is|are)\b")
_COMPARISON_CUE = re.compile(r"分别|对比|比较|相比|哪个(?:高|多|大|低|少)|差多少|各是|各自|\bvs\.?\b|\bcompare")

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_SEARCHABLE = re.compile(r"[0-9a-z\u3400-\u9fff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_TRAILING = re.compile(r"[\s?？!！。.,，~～]*(?:[吗嘛呢吧啊呀哈]+[\s?？!！。.,，~～]*)*$")
_LEADING = re.compile(r"^(?:请问|那么|那|问一下|想问一下|我想知道|你好|您好)[，,\s]*")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")  # a terminal's colour codes pasted with the question
# what asks for more words, not for something else: 「请详细说明」「谢谢」
_FILLER = re.compile(
    r"[，,。.！!]?\s*(?:请|麻烦)?(?:详细|具体|简要|简单)?(?:说明|介绍|解释|回答)(?:一下)?|[，,。.！!]?\s*谢谢|多谢"
)
_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*")


def is_english(text: str) -> bool:
    """Mostly Latin letters and no more than a few Chinese characters (names may be quoted)."""
    latin, cjk = len(_LATIN.findall(text)), len(_CJK.findall(text))
    return latin > 3 * max(cjk, 1)


def canonical_text(text: str) -> str:
    """The canonical form of a question (see the module docstring)."""
    text = _CONTROL.sub("", _ANSI.sub("", unicodedata.normalize("NFC", text)))
    text = re.sub(r"\s+", " ", years_to_digits(normalize_text(text))).strip()
    # a sentence said again adds nothing (「…请详细说明。请详细说明。…」): each once, fillers dropped
    sentences = list(dict.fromkeys(s.strip() for s in _SENTENCE.findall(text) if s.strip()))
    kept = [s for s in sentences if _FILLER.sub("", s).strip(" 。.！!？?，,")] or sentences
    text = "".join(kept) if kept else text
    text = _LEADING.sub("", text)
    return _TRAILING.sub("", text).strip() or text


def answer_type(text: str) -> QuestionType:
    """The kind of answer a (canonical) question wants.

    >>> answer_type("鄂州打算建多少5g基站"), answer_type("葛店开发区重点发展哪些产业"), answer_type("三区三线是什么")
    ('number', 'list', 'definition')
    """
    for kind, pattern in _TYPE_PATTERNS:
        if pattern.search(text):
            return kind
    return "fact"


# --- time ---------------------------------------------------------------------------------------

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_SHORT_YEAR = re.compile(r"(?<![\d.])([1-4]\d)年(?![内来间后前度代])")  # 19年两会, 25年: 2019, 2025
_RELATIVE = {"前年": -2, "去年": -1, "上年": -1, "上一年": -1, "今年": 0, "本年": 0, "当年": 0, "明年": 1, "来年": 1}
_RELATIVE_EN = {"last year": -1, "this year": 0, "next year": 1}
_PERIOD_END = re.compile(
    r"五年(?:以)?后|五年之后|到时候|届时|规划(?:期)?末|期末|末期|五”?末|(?:计划|规划)结束时?|by the end of the plan"
)
_FIVE_YEAR = re.compile(
    r"“?([一二三四五六七八九十]+)五(?=”?(?:规划|计划|时期|期间|末|期末|期|以来|那五年|这五年|的五年))"
    r"|“?(十[一二三四五六七八九])五(?!”?[年个万千百亿十])"  # 「十五五GDP年均增长」: an ordinal of ten or more alone
    r"|(\d{1,2})(?:th|st|nd|rd) five-year plan"
)
_TARGET = re.compile(
    r"目标|预期|计划|力争|(?<![主重需只])要|打算|定了|定的|定在|定为|提出|安排|拟|target|aim|plan|goal|expect"
)
_ASKED_UNIT = re.compile(rf"(?:多少|几)({UNITS})")
# the kind of document a question names (「十五五规划」「纲要」, 「政府工作报告」「两会」, 「建议」)
_DOC_KINDS = (
    ("proposal", re.compile(r"建议")),
    ("plan", re.compile(r"规划|纲要|[一二三四五六七八九十]+五计划|five-year plan|\bfyp\b|\boutline\b")),
    ("report", re.compile(r"工作报告|报告|两会|work report")),
)
_RATE_ASKED = re.compile(r"增速|增长率|增幅|涨幅|降幅|比重|占比|百分之几|百分比|多少个百分点|growth rate|share of")
_ACTUAL = re.compile(r"实际|完成了?|实现了|[增涨降收减]了|达到了|是多少来着|上年|去年|回顾|过去一年|现在|目前|已经"
                     r"|actual|achieved|grew|was|last year|currently")


def _years(text: str) -> tuple[int, ...]:
    years = [int(y) for y in _YEAR.findall(text)]
    years += [2000 + int(y) for y in _SHORT_YEAR.findall(text)]
    return tuple(dict.fromkeys(y for y in years if 1949 <= y <= 2100))


_REPORT_YEAR = re.compile(
    r"(?<!\d)((?:19|20)\d{2}|\d{2})\s*年?\s*[）)]?\s*(?:的|那年的|那年)?\s*(?:国务院|全国|中央)?(?:政府)?(?:工作)?(?:报告|两会)"
    r"|(?:19|20)\d{2}\s*(?:government work report|report)"
)


def _report_year(text: str) -> int | None:
    match = _REPORT_YEAR.search(text)
    if not match:
        return None
    digits = re.match(r"\d+", match.group(1) or match.group(0)).group()
    # 「19年」 is 2019, 「91年」 1991: a two-digit year is the nearest one, reading 50–99 as the 1900s
    year = int(digits) if len(digits) == 4 else (1900 if int(digits) >= 50 else 2000) + int(digits)
    return year if 1949 <= year <= 2100 else None


def _item_count(text: str) -> int | None:
    """「哪十个方面」 → 10, 「哪3项」 → 3, 「十项工作任务有哪些」 → 10; 「哪几个」 and none → None."""
    match = _ITEM_COUNT.search(text) or _COUNTED_LIST.search(text)
    if not match or not match.group(1):
        return None
    from corpus.numerals import cn_to_int

    return cn_to_int(match.group(1))


def _relative(text: str) -> int | None:
    for word, offset in (*_RELATIVE.items(), *_RELATIVE_EN.items()):
        if word in text:
            return offset
    return None


def _five_year(text: str) -> tuple[int, int] | None:
    match = _FIVE_YEAR.search(text)
    if not match:
        return None
    from corpus.numerals import cn_to_int

    ordinal = cn_to_int(match.group(1) or match.group(2)) if match.group(1) or match.group(2) else int(match.group(3))
    return five_year_period(ordinal) if 1 <= ordinal <= 30 else None


# --- indicators ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorTable:
    """The synonym table of assistant/data/indicators.json."""

    indicators: tuple[Indicator, ...]
    growth_words: tuple[str, ...]
    compound_prefixes: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path = DATA_DIR / "indicators.json") -> IndicatorTable:
        data = json.loads(path.read_text(encoding="utf-8"))
        indicators = tuple(
            Indicator(i["name"], tuple(dict.fromkeys(normalize_text(n) for n in i["names"])),
                      tuple(i.get("covers", ())), tuple(i.get("units", ())),
                      tuple(i.get("elliptical", {}).items()))
            for i in data["indicators"]
        )
        return cls(indicators, tuple(data["growth_words"]), tuple(data.get("compound_prefixes", ())))

    def _inside_compound(self, text: str, span: tuple[int, int]) -> bool:
        """「海洋生产总值」「县域经济增速」: the name is the tail of another measure."""
        return any(text[: span[0]].endswith(prefix) for prefix in self.compound_prefixes)

    def mentions(self, text: str, compounds: bool = False) -> list[tuple[int, int, Indicator]]:
        """Non-overlapping indicator names in (normalized) ``text``, longest first: (start, end, indicator).

        ``compounds``: skip a short name that is the tail of a longer compound (「海洋生产总值」), as in a
        document's figure labels; a question's words are taken as they are.
        """
        found: list[tuple[int, int, Indicator]] = []
        taken: list[tuple[int, int]] = []
        for name, indicator in self._names():
            for match in re.finditer(re.escape(name), text):
                span = match.span()
                if _latin_inside_word(text, span, name) or (compounds and self._inside_compound(text, span)):
                    continue
                if not any(s < span[1] and span[0] < e for s, e in taken):
                    taken.append(span)
                    found.append((*span, indicator))
        return sorted(found, key=lambda f: f[0])

    @lru_cache(maxsize=1)  # noqa: B019 - one table per process, immutable
    def _names(self) -> list[tuple[str, Indicator]]:
        return sorted(((n, i) for i in self.indicators for n in i.names), key=lambda ni: -len(ni[0]))

    def find(self, text: str) -> tuple[Indicator | None, str]:
        """The indicator a question asks about (the first one it names) and the words it used for it."""
        mentions = self.mentions(text)
        return (mentions[0][2], text[mentions[0][0] : mentions[0][1]]) if mentions else (None, "")


def _after(text: str, term: str, width: int) -> str:
    """The ``width`` characters after the first ``term`` in ``text``, within its clause."""
    at = text.find(term)
    return re.split(r"[，。？！；,?!;]", text[at + len(term) : at + len(term) + width])[0] if at >= 0 else ""


def _asks_growth(text: str, term: str) -> bool:
    """A rate of change is asked when the indicator's own words say so (经济增速) or a growth word follows
    them closely (「GDP增长目标」「gdp growth」); 「赤字…赤字率提高到多少」 asks 赤字 as an amount."""
    after = _after(text, term, 6)
    return any(w in term or w in after for w in INDICATORS.growth_words)


def _latin_inside_word(text: str, span: tuple[int, int], name: str) -> bool:
    """「income」 inside 「incomes」 is fine, 「gdp」 inside 「gdpr」 is not a mention."""
    if not name[:1].isascii() or not name[:1].isalpha():
        return False
    before = text[span[0] - 1 : span[0]]
    after = text[span[1] : span[1] + 1]
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha() and after != "s")


INDICATORS = IndicatorTable.load()

# --- regions ------------------------------------------------------------------------------------

# after a region, these make it the subject the question is about (「上海的GDP」「河南今年」「广东2025年」,
# 「光明区在深圳十五五纲要里」: the region whose document is named),
# as do an indicator name right after it and the start of the question
# a region named right after the document the question names: 「十五五建议里澳门」「纲要中对香港」
_IN_DOCUMENT = re.compile(r"(?:建议|纲要|规划|报告)(?:里|中|上|内)?(?:对于?|关于|提到了?|提出|说|讲)?的?$")
_SUBJECT_AFTER = re.compile(
    r"^(?:的|省|市|今年|明年|去年|前年|\d{2,4}年|全年|在|要|将|计划|打算|准备|定|提出|政府|工作报告|报告|'s|s\b"
    r"|“?[一二三四五六七八九十]{1,3}五”?|规划|纲要|建议)"  # 「深圳十五五纲要里」「北京规划」: its document
)
# a region is only a place named in passing when a route or a named thing follows or precedes it
_PASSING_AFTER = re.compile(r"^(?:至|到|-|—|～)(?!\s*(?:\d|今年|明年|年底|年末|本世纪))")
_PASSING_BEFORE = re.compile(r"(?:到|至|往|去|对接|连接|融入|承接|靠近|毗邻|邻近)$")
_COMPARISON = re.compile(
    r"分别|对比|比较|相比|哪个(?:高|多|大|低|少)|差多少|各是|各自|和|与|及|以及|、|\bvs\.?\b|\bcompare|\band\b"
)
_ITEM_COUNT = re.compile(r"(?<=哪)(?:([一二三四五六七八九十两]+|\d{1,2})|几)(?:个|项|条|件|大|类|种|块|位)?")
_COUNTED_LIST = re.compile(
    r"(?<![\d一二三四五六七八九十两])([一二三四五六七八九十两]+|\d{1,2})(?:个|项|条|件|大|类|方面)"
    r"(?=[^，。？?]{0,12}(?:有哪些|是哪些|包括哪些|包括什么|分别是|是什么|指什么))"
)
_YEARS_APART = re.compile(r"\d{2,4}年?(?:和|与|及|、|，|以及|还有)\d{2,4}年")
_SERIES = re.compile(
    r"(\d{4})\s*(?:年)?\s*(?:到|至|-|—|～|~|to)\s*(\d{4})\s*年?(?:.{0,12})(?:变化|走势|趋势|逐年|每年|各年|分别)"
)


def _regions(text: str, words: Sequence[str] | None) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(regions the question is about, every region it names, those named inside a document it names)."""
    spans = _region_spans(text, words)
    mentioned = tuple(dict.fromkeys(name for _, _, name in spans))
    about: list[str] = []
    inside = tuple(dict.fromkeys(name for start, _, name in spans
                                 if _IN_DOCUMENT.search(re.sub(r"\s", "", text[:start]))))
    for k, (start, end, name) in enumerate(spans):
        after, before = text[end:], text[:start]
        at_start = not _CJK.search(_strip_time(before))
        # 「鄂州到武汉的轨道交通」 is about 鄂州; 武汉 is where the route goes
        if (_PASSING_AFTER.match(after) and not at_start) or _PASSING_BEFORE.search(before):
            continue
        subject = at_start or _SUBJECT_AFTER.match(after) or (INDICATORS.mentions(after[:12])[:1] and (
            INDICATORS.mentions(after[:12])[0][0] == 0))
        if name == NATIONAL and not (at_start or re.match(r"^(?:的|今年|明年|去年|\d{4}年|政府工作报告)", after)):
            continue  # 「在全国国家级开发区里排第几」 names the country in passing
        if subject or (k > 0 and name not in about and about and _COMPARISON.search(text[spans[k - 1][1] : start])):
            about.append(name)
    return tuple(dict.fromkeys(about)), mentioned, inside


# 「国家十五五纲要」「国家纲要」「国家的“十四五”规划」: 国家 naming the country's own plan (not 国家级, 国家实验室,
# nor 「国家规划的重大项目」, projects the state plans)
_NATIONAL_DOC = re.compile(r"国家(?=的?(?:“?十[一二三四五六七八九]?五|(?:规划)?纲要))")


def _strip_time(text: str) -> str:
    return re.sub(r"\d{2,4}年|今年|明年|去年|前年|“?十[一二三四五六七八九]?五”?(?:期间|时期|末|规划)?|到|在|那"
                  r"|请问|我想知道|问一下|关于|按照|根据|\s", "", text)


def _region_spans(text: str, words: Sequence[str] | None) -> list[tuple[int, int, str]]:
    """Regions named in ``text`` with their spans; a short name must stand on word boundaries of ``words``."""
    spans = GAZETTEER.spans(text) + [(m.start(), m.end(), NATIONAL) for m in _NATIONAL_DOC.finditer(text)]
    spans.sort()
    if words is None:
        return spans
    bounds, position = {0}, 0
    for word in words:
        position += len(word)
        bounds.add(position)
    return [(s, e, name) for s, e, name in spans if GAZETTEER.is_full_name(text[s:e]) or (s in bounds and e in bounds)]


# --- the analysis -------------------------------------------------------------------------------


def analyze(
    question: str,
    words: Callable[[str], Sequence[str]] | None = None,
    glossary: Callable[[str], list[str]] | None = None,
) -> Query:
    """Analyse a question once.

    ``words`` segments text into words (the index's tokenizer): a region's short name counts only
    on word boundaries (出海口 does not name 海口). ``glossary`` maps an English question to
    Chinese search terms. Raises QueryError for an empty question or one with nothing to search.

    >>> q = analyze("2019年的政府工作报告提出GDP增长目标是多少？")
    >>> q.years, q.indicator.name, q.growth, q.target, q.answer_type
    ((2019,), '地区生产总值', True, True, 'number')
    """
    if not isinstance(question, str) or not question.strip():
        raise QueryError("问题为空 / the question is empty: type a question about the documents")
    if _SURROGATES.search(question):
        raise QueryError("问题含有无效字符 / the question contains an invalid character (a lone UTF-16 surrogate); "
                         "type or paste it again")
    truncated = len(question) > MAX_QUESTION_CHARS
    raw = question[:MAX_QUESTION_CHARS]
    text = canonical_text(raw)
    if not _SEARCHABLE.search(text):
        raise QueryError("问题为空 / the question is empty: it has no words or numbers to search for")
    english = is_english(raw)
    kind = answer_type(text)
    indicator, indicator_term = INDICATORS.find(text)
    growth = indicator is not None and _asks_growth(text, indicator_term)
    level = indicator is not None and not growth and (
        bool(_LEVEL.search(indicator_term + _after(text, indicator_term, 10)))
        or (english and bool(_LEVEL.search(text)))  # 「China's total GDP」: the word before the indicator
        # 「去年地区生产总值是多少」: an amount's indicator asked for a figure, with no growth or target word
        or (not _RATE_NAME.search(indicator.name) and not _TARGET.search(text) and bool(_FIGURE_WORD.search(text))))
    series = _SERIES.search(text)
    if indicator is not None and kind in ("fact", "definition") and (
            series or level or not _OPEN_QUESTION.search(text) or _FIGURE_WORD.search(text)):
        kind = "number"
    elif kind == "fact" and not _OPEN_QUESTION.search(text) and _MEASURE_ASKED.search(text):
        kind = "number"  # 「花湖机场货邮吞吐量2025年目标」: a measure and its target, no question word
    elif english and kind in ("fact", "definition") and not _MEANING_EN.search(text) and (
            asked_kind(_PROPER_NAME_EN.sub(" ", raw)) not in ("", "date") or _TARGET_FOR_EN.search(text)):
        kind = "number"  # 「What life expectancy does … aim for」「What is …'s 2030 target for …」: a quantity
    about, mentioned, inside = _regions(text, words(text) if words else None)
    years = _years(text)
    between = "之间" in text or "间的" in text  # 「鄂州和武汉之间的轨道交通」 relates two places, compares nothing
    # two regions, or two years, side by side: 「四川和广东的…」「2019年和2023年的…分别是多少」
    side_by_side = not between and bool(_COMPARISON_CUE.search(text) or indicator)
    comparison = (len(about) >= 2 or (len(years) >= 2 and _YEARS_APART.search(text) is not None)) and side_by_side
    comparison = comparison or bool(series)
    expansions: list[str] = []
    if english and glossary is not None:
        expansions += glossary(text)
    if indicator is not None:
        expansions.append(indicator.name)
    return Query(
        raw=raw, text=text, answer_type=kind, english=english, regions=about, mentioned=mentioned,
        years=years, report_year=_report_year(text), relative=_relative(text),
        period_end=bool(_PERIOD_END.search(text)),
        five_year=_five_year(text), target=bool(_TARGET.search(text)), actual=bool(_ACTUAL.search(text)),
        indicator=indicator, indicator_term=indicator_term, growth=growth, level=level, comparison=comparison,
        series=bool(series), item_count=_item_count(text),
        truncated=truncated,
        expansions=tuple(dict.fromkeys(expansions)),
        answer_kind=asked_kind(text, indicator.units if indicator and not growth else ()),
        doc_kind=next((kind for kind, pattern in _DOC_KINDS if pattern.search(text)), ""), in_document=inside,
    )
