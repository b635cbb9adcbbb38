"""What an answer quotes and how it names the answer in a few words.

Quotes are verbatim document text: a sentence, or a run of its whole clauses (never ending inside
an enumeration), a box entry, a footnote. A table row is shown as the row it is: its column and
value first, the other columns after. List answers name their items (the enumeration's terms, the
headings or numbered paragraphs a sentence announces).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from assistant.evidence import type_fit
from assistant.query import QuestionType
from corpus import Chunk
from corpus.chunker import split_sentences
from corpus.text import QUALIFIER, UNITS
from index.tokenization import ZhTokenizer

MAX_QUOTE_CHARS = 160
# a list's items stand as written up to this many characters (about two lines of the headline); a longer
# list drops what all its items share
HEADLINE_CHARS = 80
MAX_LIST_ITEMS = 12  # a list's short answer names at most this many items (fit_items keeps it short)
# a quote may end after a clause (，；：) or a sentence, never inside an enumeration (、)
_CLAUSE = re.compile(r"(?<=[，；：,;:])")
# what leads an enumeration (「优先发展」「重点建设」「包括」) and what closes it (「等高端产业」「等」)
_LEADING_VERB = re.compile(
    r"^.*?(?:(?:优先|重点|大力|加快|积极|着力|主要|全面)?(?:发展|建设|打造|培育|推进|推动|布局|包括|包含|涵盖|形成|构建|构筑|实施|壮大|聚焦|引进|以)"
    r"(?:了|以)?)(?=[^、]{2,})"
)
_TRAILING_ETC = re.compile(r"等[^、]{0,12}$")
# a closing count and kind (「光电子四大产业园」「…三个中心」) names the list, not its last item
_TRAILING_COUNT = re.compile(r"(?<=[^、]{2})(?:[一二三四五六七八九十两]|\d+)(?:大|个|类|项|种|条|座|家)[^、]{1,8}$")
# 「以葛店、三江港为依托」: the frame 以…为… closes on its noun
_FRAME_CLOSE = re.compile(r"(?<=[^、]{2})为[^、]{1,3}$")
# a sentence that announces a list: 「重点抓好以下十个方面工作：」「主要做了以下7方面工作」
_INTRODUCES = re.compile(r"以下|如下|[:：]\s*$|(?:几|[一二三四五六七八九十两\d]+)个?(?:方面|项|条|件)")
_PUNCTUATION = re.compile(r"([^\w]+)")
# quotation marks and brackets: an item, or a cut of one, never leaves one of a pair without the other
_PAIRS = {"“": "”", "「": "」", "『": "』", "《": "》", "（": "）", "(": ")", "‘": "’"}
_CLOSING = frozenset(_PAIRS.values())
_VALUE_COLUMN = re.compile(r"(?:19|20)\d{2}|增速|增长|目标|年均|累计|期末")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of ``text`` (split at 。！？；), short lead-ins kept with what
    they introduce (「葛店开发区。」 opens the sentence after it)."""
    spans, start = [], 0
    for sentence in split_sentences(text):
        spans.append((start, start + len(sentence)))
        start += len(sentence)
    return _merge_lead_ins(spans)


def _merge_lead_ins(spans: list[tuple[int, int]], max_lead: int = 16) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and out[-1][1] - out[-1][0] <= max_lead and len(out) == 1:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def quote_span(chunk: Chunk, sentence: tuple[int, int], relevance: Callable[[str], float],
               question_type: QuestionType, must: tuple[int, int] | None = None,
               limit: int = MAX_QUOTE_CHARS) -> tuple[int, int]:
    """The span of ``chunk`` to quote: a whole entry or ``sentence`` when short, else its most
    ``relevance``-ant run of whole clauses that contains ``must`` (the answering figure), at most
    ``limit`` characters where whole clauses allow."""
    if chunk.kind in ("table_row", "box_entry") and len(chunk.text) <= limit:
        return 0, len(chunk.text)
    start0, end0 = sentence
    if end0 - start0 <= limit:
        return start0, end0
    text = chunk.text[start0:end0]
    bounds = [0] + [m.start() for m in _CLAUSE.finditer(text) if 0 < m.start() < len(text)] + [len(text)]
    chosen: tuple[float, int, int] | None = None
    for i in range(len(bounds) - 1):
        for j in range(i + 1, len(bounds)):
            if bounds[j] - bounds[i] > limit and j > i + 1:
                break
            start, end = start0 + bounds[i], start0 + bounds[j]
            if must is not None and not (start <= must[0] and must[1] <= end):
                continue
            piece = text[bounds[i] : bounds[j]]
            value = relevance(piece) + 0.2 * type_fit(piece, question_type)
            if chosen is None or value > chosen[0] + 1e-9:
                chosen = (value, start, end)
    return (chosen[1], chosen[2]) if chosen else (start0, end0)


def list_items(quote: str, relevance: Callable[[str], float] = lambda _: 0.0) -> list[str]:
    """The items of the enumeration in ``quote`` most ``relevance``-ant to the question:
    「优先发展光电子信息、智能制造、生物医药等高端产业」 → 光电子信息, 智能制造, 生物医药.

    >>> list_items("培育新兴产业，优先发展光电子信息、智能制造、生物医药等高端产业，建设产业基地。")
    ['光电子信息', '智能制造', '生物医药']
    >>> list_items("构建智能制造、航空物流、医疗健康、光电子四大产业园。")
    ['智能制造', '航空物流', '医疗健康', '光电子']
    >>> list_items("以临空经济区为中心，以葛店、三江港为依托，建设产地仓。")
    ['葛店', '三江港']
    """
    items = split_enumeration(enumeration(quote, relevance))
    if len(items) < 2:
        return []
    framed = items[0].lstrip().startswith("以")
    items[0] = _LEADING_VERB.sub("", items[0])
    items[-1] = _TRAILING_COUNT.sub("", _TRAILING_ETC.sub("", items[-1]))
    if framed:
        items[-1] = _FRAME_CLOSE.sub("", items[-1])
    return [item for item in map(unquoted, items) if 1 < len(item) <= 30]


def split_enumeration(clause: str) -> list[str]:
    """``clause`` split at the 「、」 outside quotation marks and brackets: 「增强“四个意识”、坚定“四个
    自信”」 is two items. A clause whose only 「、」 are quoted is the quoted enumeration: 「原油进口“定企业、
    定品种、定数量”管理措施」 lists 定企业, 定品种, 定数量.

    >>> split_enumeration("增强“四个意识”、坚定“四个自信”、做到“两个维护”")
    ['增强“四个意识”', '坚定“四个自信”', '做到“两个维护”']
    >>> split_enumeration("原油进口“定企业、定品种、定数量”管理措施落地见效")
    ['定企业', '定品种', '定数量']
    """
    items, start, open_marks, quoted = [], 0, [], []
    for at, ch in enumerate(clause):
        if ch in _PAIRS:
            open_marks.append(_PAIRS[ch])
            if len(open_marks) == 1:
                opened = at + 1
        elif open_marks and ch == open_marks[-1]:
            open_marks.pop()
            if not open_marks:
                quoted.append(clause[opened:at])
        elif ch == "、" and not open_marks:
            items.append(clause[start:at])
            start = at + 1
    if items:
        return [*items, clause[start:]]
    inner = max((split_enumeration(q) for q in quoted), key=len, default=[])
    return inner if len(inner) >= 2 else [clause] if clause else []


def unquoted(item: str) -> str:
    """``item`` without the quotation marks around it, and without a mark whose partner is not in it
    (cut off by the clause): 「“三大枢纽”」 → 三大枢纽, 「海口“国际演艺之都”」 stays whole.

    >>> unquoted("“三大枢纽”"), unquoted("海口“国际演艺之都”"), unquoted("十五五”发展谋划之年")
    ('三大枢纽', '海口“国际演艺之都”', '十五五发展谋划之年')
    """
    item = item.strip()
    while len(item) >= 2 and _PAIRS.get(item[0]) == item[-1] and _balanced(item[1:-1]):
        item = item[1:-1].strip()
    if item and item[0] in _PAIRS and _PAIRS[item[0]] not in item[1:]:
        item = item[1:]
    if item and item[-1] in _PAIRS.values() and not _balanced(item):
        item = item[:-1]
    return item if _balanced(item) else _without_marks(item)


def _balanced(text: str) -> bool:
    """Whether every quotation mark or bracket of ``text`` has its partner, in order."""
    open_marks: list[str] = []
    for ch in text:
        if ch in _PAIRS:
            open_marks.append(_PAIRS[ch])
        elif ch in _CLOSING and (not open_marks or open_marks.pop() != ch):
            return False
    return not open_marks


def _without_marks(text: str) -> str:
    return "".join(ch for ch in text if ch not in _PAIRS and ch not in _CLOSING)


def enumeration(text: str, relevance: Callable[[str], float] = lambda _: 0.0) -> str:
    """The clause of ``text`` that enumerates (「、」-separated items) and best fits the question."""
    counted = [(c, len(split_enumeration(c)) - 1) for c in re.split(r"[，。；！？：,;:]", text)]
    return max(((c, n) for c, n in counted if n), key=lambda cn: (round(relevance(cn[0]), 2), cn[1], -len(cn[0])),
               default=("", 0))[0]


def heading_items(sentence: str, headings: list[str]) -> list[str]:
    """The items a sentence introduces when they are the headings below it: 「重点做好以下八个方面工作：」
    followed by 「（一）…」「（二）…」."""
    if len(headings) < 2 or not _INTRODUCES.search(sentence):
        return []
    return [h.strip("。 ") for h in headings]


def fit_items(items: list[str], budget: int = 160, verbatim: int = HEADLINE_CHARS) -> list[str]:
    """Items short enough for a short answer: as they stand up to ``verbatim`` characters (「高效农业、生态
    农业」, 「增加211.9公里、达634.5公里」: what they share is part of each name, or its unit); longer, without
    the words every item shares (「更大力度推动…」 ten times, 「在…上下功夫、求实效」) within ``budget``; and
    then each item's first clause, which names it.

    >>> fit_items(["坚持人民至上", "坚持高质量发展"])
    ['坚持人民至上', '坚持高质量发展']
    >>> fit_items(["在扩大内需上下功夫、求实效", "在发展新质生产力上下功夫、求实效"], verbatim=20)
    ['在扩大内需', '在发展新质生产力']
    """
    for fitted, limit in ((items, verbatim), (_without_shared_affixes(items), budget)):
        if sum(len(i) + 1 for i in fitted) <= limit:
            return fitted
    return [re.split(r"[，,；;]", item)[0] for item in fitted]


def join_items(items: list[str]) -> str:
    """A list's short answer: its items joined by 「、」, or by 「；」 when an item has a 「、」 of its own.

    >>> join_items(["高效农业", "生态农业"])
    '高效农业、生态农业'
    >>> join_items(["在扩大内需上下功夫、求实效", "在发展新质生产力上下功夫、求实效"])
    '在扩大内需上下功夫、求实效；在发展新质生产力上下功夫、求实效'
    """
    return ("；" if any("、" in item for item in items) else "、").join(items)


def _shared_start(texts: list[str]) -> str:
    shortest = min(texts, key=len)
    n = next((k for k, ch in enumerate(shortest) if any(t[k] != ch for t in texts)), len(shortest))
    return shortest[:n]


def _without_shared_affixes(items: list[str]) -> list[str]:
    """Items without the start and end they all share, where that is cut between words and outside
    quotation marks: 「30家省级创新平台」 and 「50家市级创新平台」 share 「级创新平台」, but 「省级」 is one word,
    so nothing is dropped; 「海口“国际演艺之都”」 keeps its 「之都”」."""
    if len(items) < 2:
        return items
    prefix = _shared_start(items)
    suffix = _shared_start([i[::-1] for i in items])[::-1]
    if (len(prefix) < 2 or any(len(i) - len(prefix) < 2 for i in items)
            or not all(_between_words(i, len(prefix)) and _balanced(i[len(prefix):]) for i in items)):
        prefix = ""
    if (len(suffix) < 2 or any(len(i) - len(prefix) - len(suffix) < 2 for i in items)
            or not all(_between_words(i, len(i) - len(suffix)) and _balanced(i[len(prefix) : len(i) - len(suffix)])
                       for i in items)):
        suffix = ""
    return [i[len(prefix) : len(i) - len(suffix)] for i in items]


def _between_words(item: str, at: int) -> bool:
    """Whether position ``at`` of ``item`` falls between two words: between two words of jieba's precise
    cut, or between the two words a compound is made of (食品|安全, not 省|级)."""
    ends, start = {0}, 0
    for piece in _PUNCTUATION.split(item):  # punctuation is a boundary on both sides
        if piece and not _PUNCTUATION.fullmatch(piece):
            words = _segmenter().words(piece)
            if "".join(words) != piece:  # normalization changed the text: its offsets are not the item's
                return False
            for word in words:
                ends.update(start + k for k in range(2, len(word) - 1) if _is_compound_cut(word, k))
                start += len(word)
                ends.add(start)
        else:
            start += len(piece)
            ends.add(start)
    return at in ends


def _is_compound_cut(word: str, k: int) -> bool:
    return _segmenter().is_word(word[:k]) and _segmenter().is_word(word[k:])


@functools.cache
def _segmenter() -> ZhTokenizer:
    return ZhTokenizer()


# --- table rows ---------------------------------------------------------------------------------


def row_name(fields: tuple[tuple[str, str], ...]) -> str:
    """The indicator a row is about: its 名称/指标 cell (else its first non-number cell)."""
    for header, value in fields:
        if ("名称" in header or header.strip() in ("指标", "项目")) and value.strip():
            return value.strip()
    return next((v for _, v in fields if v.strip() and not re.fullmatch(r"[\d.]+", v.strip())), "")


def value_columns(fields: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """A row's filled value cells (columns of a year, a target, a growth rate), in column order."""
    return [(h, v) for h, v in fields
            if v.strip("-－—– ") and _VALUE_COLUMN.search(h) and "名称" not in h and "序号" not in h]


def row_unit(fields: tuple[tuple[str, str], ...]) -> str:
    """The unit in brackets at the end of a row's name: 「常住人口城镇化率（%）」 → %."""
    match = re.search(r"[（(]([^（）()]{1,8})[）)]\s*$", row_name(fields))
    return match.group(1) if match and re.fullmatch(rf"(?:{UNITS}|[^\d\s]{{1,8}})", match.group(1)) else ""


# a cell's figure or range, up to a marker, a qualifier or the rider after it (「4.5-5,努力争取更好结果」)
_CELL_FIGURE = re.compile(rf"^([<>≥≤＞＜]?\d+(?:\.\d+)?)(?:([-－—–~～至])(\d+(?:\.\d+)?))?(?=$|[∗*,，;；]|{QUALIFIER})")


def with_unit(value: str, unit: str) -> str:
    """「70」 → 70%, 「7左右」 → 7%左右, 「4.5-5,努力争取更好结果」 → 4.5%-5%,努力争取更好结果; a value with a
    unit of its own or no figure (「达标」) is left as is.

    >>> with_unit("7左右", "%"), with_unit("≤2300", "万人"), with_unit("达到国家要求", "%"), with_unit("4.5-5", "%")
    ('7%左右', '≤2300万人', '达到国家要求', '4.5%-5%')
    """
    if not unit:
        return value.strip()

    def unit_after(match: re.Match[str]) -> str:
        low, dash, high = match.groups()
        return f"{low}{unit}" + (f"{dash}{high}{unit}" if high else "")

    return _CELL_FIGURE.sub(unit_after, value.strip(), count=1)


def table_row_sentence(fields: tuple[tuple[str, str], ...], column: str = "") -> str:
    """A row as a sentence: 「2025年：70%（2020年预计：66.8%），预期性」 — ``column`` (else the last value
    column) first, the other value columns in brackets, then the row's remaining short values. Empty
    cells are left out; the unit the row's name gives follows each figure."""
    values = value_columns(fields)
    name = row_name(fields)
    others = [v for h, v in fields if (h, v) not in values and v.strip("-－—– ") and v != name
              and len(v) <= 8 and "序号" not in h and not re.fullmatch(r"\d+", v)]
    if not values:
        return "；".join(f"{h}：{v}" for h, v in fields if v.strip("-－—– ") and v != name)
    main = next(((h, v) for h, v in values if h == column), values[-1])
    unit = row_unit(fields)
    rest = [f"{h}：{with_unit(v, unit)}" for h, v in values if (h, v) != main]
    text = f"{main[0]}：{with_unit(main[1], unit)}" + (f"（{'；'.join(rest)}）" if rest else "")
    return text + (f"，{others[-1]}" if others else "")
