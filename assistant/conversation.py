"""A conversation: follow-up questions completed from the previous turns, and its answers exported.

    >>> conv = qa.conversation()                                  # doctest: +SKIP
    >>> conv.ask("武汉到2030年要建多少5G基站？").short_answer         # doctest: +SKIP
    >>> conv.ask("那充电桩呢？").resolved_question                   # doctest: +SKIP
    '武汉到2030年要建多少充电桩'
    >>> conv.export("会议材料.docx")                                # doctest: +SKIP

How a question is read (no language model; the question understanding of assistant.query):

- a *follow-up* starts with 那/那么/还有/另外…, ends with 呢, names no topic of its own (「湖北的呢」
  「2019年的呢」) or is a bare phrase of a few characters; its missing parts — region, time, topic —
  come from the previous turn's resolved question, and the parts it names replace the old ones:
  「武汉到2030年要建多少5G基站」 + 「湖北的呢」 → 「湖北到2030年要建多少5G基站」;
- a question that names its own topic and its own region or time, or carries no follow-up cue, starts
  afresh: nothing of the old turns is added to it.

The resolved text is answered with :meth:`PlanQA.ask` and shown as 「理解为：…」, so a wrong reading is
visible at once. Exports (Markdown, .docx) hold every turn's question, short answer, verbatim quotes
and quotable references, comparison rows as a table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.query import INDICATORS, Query
from assistant.records import Answer, Citation
from corpus.errors import PlanqaError
from corpus.regions import GAZETTEER

if TYPE_CHECKING:
    from assistant.planqa import PlanQA
    from index.searcher import Filter, Mode

MAX_TURNS = 50  # turns a conversation keeps (older ones are dropped; exports hold what is kept)
SHORT_QUESTION = 4  # a question of at most this many characters is a bare phrase: 「充电桩？」「GDP」
EXPORT_SUFFIXES = (".md", ".docx")
DEFAULT_TITLE = "问答记录"

_CUE_START = re.compile(r"^(?:那么|那|还有|另外|再问一下|再问|再看看|再看|换成|换到|如果是|要是|改成|同样)[，,、\s]*")
_CUE_END = re.compile(r"(?:呢|的呢|怎么样|又如何|如何|情况)\s*$")
_PUNCTUATION = re.compile(r"[\s?？!！。.,，~～]+$")
# time expressions, with the word that leads into them kept out of the span (「到2030年」: 到 stays)
_TIME = re.compile(
    r"(?:(?:19|20)\d{2}|(?<!\d)[1-4]\d)\s*年?\s*(?:到|至|-|—|～|~)\s*(?:19|20)\d{2}\s*年"
    r"|(?:19|20)\d{2}\s*年(?:度)?|(?<![\d.])[1-4]\d年(?![内来间后前度代])|(?:19|20)\d{2}(?=\D|$)"
    r"|前年|去年|上年|今年|本年|明年|来年"
    r"|“?[一二三四五六七八九十]+五”?(?:规划|计划|时期|期间|末|期)?|五年(?:以)?后|规划(?:期)?末"
)
_QUESTION_WORD = re.compile(r"多少|几|哪|什么|啥|怎么|怎样|如何|是否|有没有|吗|为何|为什么")
# what a question says around its topic: dropped to find the topic itself
_FRAME = re.compile(
    r"政府工作报告|工作报告|报告|两会|要建设|要建成|要建|建设|建成|打算|计划|准备|预期|目标|提出的?|安排|达到|提高到|"
    r"是多少|有多少|多少|有哪些|哪些|是什么|什么|怎么样|怎么|如何|分别|情况|方面|指标|"
    r"要|将|拟|定|按|有|是|的|在|中|里|了|又|也|呢|吗|呀|啊|个|到|和|与|及|、"
)
_GROWTH_AFTER = re.compile(r"^(?:的)?(?:预期)?(?:" + "|".join(w for w in INDICATORS.growth_words if not w.isascii())
                           + r")")
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
        base = _CUE_START.sub("", self.turns[-1].resolved) or self.turns[-1].resolved
        return resolve_follow_up(base, self.qa.analyze(base), text, new)

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


def is_follow_up(text: str, query: Query) -> bool:
    """Whether a question leans on the turn before: a cue (那…, …呢), no topic of its own, or a bare phrase."""
    own = _own_parts(text)
    complete = bool(own.topic and _QUESTION_WORD.search(own.body) and (query.regions or query.asks_time
                                                                       or query.report_year))
    if complete:
        return False  # 「另外，2024年政府工作报告提出开辟哪些未来产业新赛道？」 stands alone
    cue = bool(_CUE_START.match(text) or _CUE_END.search(text))
    return cue or not own.topic or len(query.text) <= SHORT_QUESTION


@dataclass(frozen=True)
class _Parts:
    body: str  # the question without its follow-up cues
    regions: tuple[str, ...]  # region names as written
    times: tuple[str, ...]  # time expressions as written
    topic: str  # what is left once regions, times and question words are gone


def _own_parts(text: str) -> _Parts:
    body = _CUE_START.sub("", text)
    body = re.sub(r"(?:的)?呢$", "", body).strip() or body
    spans = _region_spans(body)
    regions = tuple(body[s:e] for s, e in spans)
    times = tuple(m.group() for m in _TIME.finditer(body))
    rest = _cut(body, [*spans, *((m.start(), m.end()) for m in _TIME.finditer(body))])
    topic = _FRAME.sub(" ", rest)
    topic = re.sub(r"\s+", " ", re.sub(r"[，,。？?！!：:；;（）()“”\"']", " ", topic)).strip()
    # the longest piece is the topic (「充电桩」), stray characters between frame words are not
    pieces = [p for p in topic.split(" ") if len(p) >= 2 or (p.isascii() and p.isalnum())]
    return _Parts(body, regions, times, max(pieces, key=len) if pieces else "")


def _region_spans(text: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e, _ in GAZETTEER.spans(text)]


def _cut(text: str, spans: Sequence[tuple[int, int]], by: str = " ") -> str:
    out, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            out.append(text[at:start])
            at = end
    out.append(text[at:])
    return by.join(out)


def resolve_follow_up(base: str, previous: Query, text: str, query: Query) -> str:
    """``text`` completed from ``base`` (the previous turn's resolved question) when it is a follow-up."""
    if not is_follow_up(text, query):
        return text
    own = _own_parts(text)
    if own.topic and _QUESTION_WORD.search(own.body):
        # 「那充电桩要建多少个」: its own wording, with the place and time it leaves out
        regions = "" if own.regions else "和".join(_base_regions(base))
        times = "" if own.times else _base_time(base)
        return f"{regions}{times}{own.body}"
    resolved = base
    if own.regions:
        resolved = _replace_regions(resolved, own.regions)
    if own.times:
        resolved = _replace_times(resolved, own.times)
    if own.topic:
        resolved = _replace_topic(resolved, previous, own.topic)
    return resolved


def _base_regions(base: str) -> list[str]:
    return list(dict.fromkeys(base[s:e] for s, e in _region_spans(base)))


def _base_time(base: str) -> str:
    match = _TIME.search(base)
    if not match:
        return ""
    lead = "到" if base[: match.start()].endswith("到") else ""
    return lead + match.group()


def _replace_regions(base: str, regions: Sequence[str]) -> str:
    new = "和".join(regions)
    spans = _region_spans(base)
    if not spans:
        return new + base
    start, end = spans[0]
    for s, e in spans[1:]:  # 「武汉和湖北」: the whole list goes
        if re.fullmatch(r"[和与及、,，\s]*", base[end:s]):
            end = e
    return base[:start] + new + base[end:]


def _replace_times(base: str, times: Sequence[str]) -> str:
    new = "到".join(times) if len(times) == 2 and all(re.match(r"\d{4}", t) for t in times) else times[0]
    matches = list(_TIME.finditer(base))
    if not matches:
        spans = _region_spans(base)
        at = spans[-1][1] if spans else 0
        return base[:at] + new + base[at:]
    first = matches[0]
    rest = _cut(base[first.end():], [(m.start() - first.end(), m.end() - first.end()) for m in matches[1:]], "")
    return base[: first.start()] + new + rest


def _replace_topic(base: str, previous: Query, topic: str) -> str:
    term = previous.indicator_term
    at = base.lower().find(term.lower()) if term else -1
    if at >= 0:
        after = base[at + len(term):]
        new_indicator, _ = INDICATORS.find(topic.lower())
        if new_indicator is not None and not any(w in topic for w in INDICATORS.growth_words):
            after = _GROWTH_AFTER.sub("", after)  # 「GDP增长目标」 → 「城镇新增就业目标」, not 「…就业增长目标」
        return base[:at] + topic + after
    spans = [*_region_spans(base), *((m.start(), m.end()) for m in _TIME.finditer(base))]
    masked = list(base)
    for s, e in spans:
        masked[s:e] = " " * (e - s)
    masked_text = "".join(masked)
    frame = [(m.start(), m.end()) for m in _FRAME.finditer(masked_text)]
    pieces = [(m.start(), m.end()) for m in re.finditer(r"\S{2,}", _cut_keep(masked_text, frame))]
    if not pieces:
        return base + topic
    start, end = pieces[-1]  # the head of a Chinese question comes last: 「开发区的重点产业」
    return base[:start] + topic + base[end:]


def _cut_keep(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the spans blanked (same length, so positions still index the original)."""
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


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
