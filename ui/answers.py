"""How an answer is shown on the page: the chat bubble, its source cards, its references and the
retrieval details of the 「高级」 fold.

- The bubble leads with what the answer is worth: a confident answer (``level == "answer"``) as a large
  headline, a tentative one under 「可能的答案（请核对原文）」 with its quote, a decline as a notice.
  The quote follows with its key figures marked and [n] markers; a quoted table row is drawn as the
  table row it is (its table's name, header and cells), not as running text.
- Source cards list the passages the answer quotes as 引用 and the rest apart as 「其他相关段落」, each
  passage once, each with its section path.
- Scores, the retrieval mode and timings are retrieval details: :func:`render_details`, shown in the
  page's 「高级」 fold, not under every answer.
- The framing words follow the question's language (:data:`ENGLISH` for an English question).

Every piece of document text or user input is escaped (ui.render.marked / html.escape).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from assistant import Answer, Citation
from assistant.conversation import comparison_rows
from assistant.query import is_english
from ui.render import key_spans_in, marked, render_notice, render_path, render_section_body

MODE_LABELS = {"hybrid": "混合检索", "bm25": "关键词检索", "dense": "语义检索"}
_MARKER = re.compile(r"\[\d+\]")
# a verbatim quote, or a table's row as the answer shows it (表「…」：row——…), and the number of its citation
_QUOTED = re.compile(r"(?:「([^」]*)」|表「[^」\n]*」：[^\[\n]*)\[(\d+)\]")
_FIRST_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_YEAR_LABEL = re.compile(r"(?:19|20)\d{2}年$")
LEAD_SLACK = 24  # a first line at most this much longer than the short answer only restates it
LEVEL_WORDS = {"answer": "确定的答案", "tentative": "可能的答案", "none": "未找到"}


@dataclass(frozen=True)
class Labels:
    """The page's words around an answer, in the question's language."""

    resolved: str
    tentative: str
    source: str
    source_hint: str
    confidence: str
    confidence_levels: tuple[str, str, str]  # high, medium, low
    confidence_hint: str
    cited: str
    others: str
    nearest: str
    asked: str
    table: str
    columns: tuple[str, str, str]  # of a comparison: item, value, source
    not_found: str


CHINESE = Labels(
    resolved="理解为", tentative="可能的答案（请核对原文）", source="来源", source_hint="（点击查看原文与出处）",
    confidence="把握", confidence_levels=("高", "中", "低"), confidence_hint="估计答案正确的可能性约",
    cited="引用", others="其他相关段落", nearest="最接近的段落（仅供参考）", asked="问", table="表",
    columns=("对象", "数值", "出处"), not_found="未找到",
)
ENGLISH = Labels(
    resolved="Read as", tentative="Possible answer (check it against the source)", source="Source",
    source_hint=" (click for the passage and its reference)", confidence="Confidence",
    confidence_levels=("high", "medium", "low"), confidence_hint="estimated chance that the answer is right:",
    cited="Cited", others="Other related passages", nearest="Nearest passages (for reference only)", asked="Q",
    table="Table", columns=("Item", "Value", "Source"), not_found="not found",
)


def labels_for(answer: Answer) -> Labels:
    """The framing words for ``answer``: English for a question asked in English."""
    return ENGLISH if is_english(answer.question) else CHINESE


# --- the chat bubble ---------------------------------------------------------------------------


def render_answer(answer: Answer) -> str:
    """The assistant's chat bubble (see the module docstring for what it leads with)."""
    labels = labels_for(answer)
    parts = []
    if answer.resolved_question:
        parts.append(f'<div class="pq-resolved">{labels.resolved}：{escape(answer.resolved_question)}</div>')
    if answer.notice:
        parts.append(render_notice(answer.notice, "warn"))
    rows = comparison_rows(answer)
    if rows:
        parts += [render_comparison(rows, labels), render_chart(rows), _source_link(answer, labels),
                  render_confidence(answer, labels)]
        return "".join(parts)
    if answer.level == "none":
        parts.append(f'<div class="pq-notice pq-notfound"><span class="pq-icon">⚠</span>'
                     f"{_marked_answer(answer.text, ())}</div>")
        return "".join(parts)
    short = (answer.short_answer or answer.extras.get("tentative", "")).strip()
    quotes = answer.extras.get("quotes") or _without_lead(answer.text, short)
    body = _render_text(quotes, answer, labels)
    headline = marked(short, key_spans_in(short, answer.key_spans) or [(0, len(short), "pq-key")]) if short else ""
    quote_class = "pq-answer pq-quote" if short else "pq-answer"
    if answer.level == "tentative":
        parts.append(
            f'<div class="pq-tentative"><div class="pq-tentative-label">{labels.tentative}</div>'
            + (f'<div class="pq-tentative-answer">{headline}</div>' if short else "")
            + f'<div class="{quote_class}">{body}</div></div>'
        )
    else:
        if short:
            parts.append(f'<div class="pq-short">{headline}</div>')
        parts.append(f'<div class="{quote_class}">{body}</div>')
    parts += [_source_link(answer, labels), render_confidence(answer, labels)]
    return "".join(parts)


def _without_lead(text: str, short: str) -> str:
    """``text`` without the line that only restates the short answer shown above it (「5000个。」,
    「Answer: 5000个」): the quote is what is left."""
    if not short:
        return text
    if text.startswith(short):
        return text[len(short):].lstrip(" ：:，,。.\n")
    first, newline, rest = text.partition("\n")
    if newline and short in first and len(first) <= len(short) + LEAD_SLACK:
        return rest
    return text


def _render_text(text: str, answer: Answer, labels: Labels) -> str:
    """The answer's text with key figures and [n] markers marked; a quoted table row becomes its table."""
    by_number = {c.number: c for c in answer.citations}
    out, at = [], 0
    for match in _QUOTED.finditer(text):
        citation = by_number.get(int(match.group(2)))
        if citation is None or citation.kind != "table_row" or not citation.fields:
            continue
        out.append(_marked_answer(text[at:match.start()], answer.key_spans))
        out.append(render_table_row(citation, labels, marker=True))
        at = match.end()
    out.append(_marked_answer(text[at:], answer.key_spans))
    return "".join(out)


def _marked_answer(text: str, key_spans: Iterable[str]) -> str:
    markers = [(m.start(), m.end(), "pq-ref") for m in _MARKER.finditer(text)]
    keys = [k for k in key_spans_in(text, key_spans) if not any(k[0] < e and s < k[1] for s, e, _ in markers)]
    return marked(text, keys + markers)


def render_table_row(citation: Citation, labels: Labels = CHINESE, marker: bool = False) -> str:
    """A table row as the row it is: the table's name (the last element of its path), then the
    table's header and the row's cells; ``marker``: the citation's [n] after the name."""
    name = citation.path[-1] if citation.path else ""
    head = "".join(f"<th>{escape(column)}</th>" for column, _ in citation.fields)
    cells = "".join(f"<td>{escape(value)}</td>" for _, value in citation.fields)
    number = f'<sup class="pq-ref">[{citation.number}]</sup>' if marker else ""
    caption = f'<div class="pq-row-name">{labels.table}：{escape(name)}{number}</div>' if name or marker else ""
    return (f'<div class="pq-row">{caption}<div class="pq-row-scroll"><table class="pq-row-table">'
            f"<thead><tr>{head}</tr></thead><tbody><tr>{cells}</tr></tbody></table></div></div>")


def render_confidence(answer: Answer, labels: Labels = CHINESE) -> str:
    """A small 「把握：高」 label when a model judged the answer (nothing otherwise)."""
    if answer.confidence is None or answer.level == "none":
        return ""
    high, medium, _ = labels.confidence_levels
    word = high if answer.level == "answer" else medium  # confident enough to answer, or only to offer
    return (f'<div class="pq-confidence" title="{labels.confidence_hint} {answer.confidence:.0%}">'
            f"{labels.confidence}：{word}</div>")


def render_comparison(rows: Sequence[Mapping], labels: Labels = CHINESE) -> str:
    """A comparison as a table: one row per region or year, its value with its own [n], or 未找到 and why."""
    body = []
    for row in rows:
        if row["found"]:
            value = f'<mark class="pq-key">{escape(row["value"])}</mark><sup class="pq-ref">[{row["number"]}]</sup>'
            where = escape(row["reference"])
        else:
            value, where = f'<span class="pq-missing">{labels.not_found}</span>', escape(row["reason"])
        body.append(f'<tr><td class="pq-label">{escape(row["label"])}</td><td>{value}</td>'
                    f'<td class="pq-where">{where}</td></tr>')
    head = "".join(f"<th>{column}</th>" for column in labels.columns)
    return f'<table class="pq-compare"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def render_chart(rows: Sequence[Mapping]) -> str:
    """A small bar chart for a series of years (each bar the first figure of its value); empty otherwise."""
    points = []
    for row in rows:
        if not _YEAR_LABEL.search(row["label"]):
            return ""
        number = _FIRST_NUMBER.search(row["value"]) if row["found"] else None
        points.append((row["label"], float(number.group()) if number else None, row["value"]))
    if len(points) < 2 or all(v is None for _, v, _ in points):
        return ""
    top = max(v for _, v, _ in points if v is not None) or 1.0
    bars = "".join(
        f'<div class="pq-bar-row"><span class="pq-bar-label">{escape(label)}</span>'
        + (f'<span class="pq-bar" style="width:{max(2, round(160 * v / top))}px"></span>'
           f'<span class="pq-bar-value">{escape(text)}</span>' if v is not None
           else '<span class="pq-missing">未找到</span>')
        + "</div>"
        for label, v, text in points
    )
    return f'<div class="pq-chart">{bars}</div>'


def source_key(citation: Citation) -> str:
    """The id of a citation's source card: ``pq-src-1:DOC:SECTION`` (percent-encoded parts).

    The chat's 来源 link points at it (Gradio keeps ``href`` in chat messages, not ``data-*``),
    so the link names the exact section even after newer answers have replaced the cards.
    """
    return f"pq-src-{citation.number}:{quote(citation.doc_id, safe='')}:{quote(citation.section_id, safe='')}"


def _place(citation: Citation, labels: Labels) -> str:
    """Where a passage is, in a few words: its box, table or section."""
    where = citation.path[-1] if citation.path else citation.doc_title
    return f"{labels.table}：{where}" if citation.kind == "table_row" and citation.path else where


def _source_link(answer: Answer, labels: Labels) -> str:
    """「来源 [1] 专栏4-6 …」: one click scrolls to that source card (ui.app's click handler)."""
    cited = [int(m.group()[1:-1]) for m in _MARKER.finditer(answer.text)]
    citation = next((c for c in answer.citations if c.number in cited), None) or next(iter(answer.citations), None)
    if citation is None:
        return ""
    return (
        f'<div class="pq-source-line">{labels.source} <a class="pq-src-link" href="#{source_key(citation)}" '
        f'title="{escape(citation.reference())}">[{citation.number}] {escape(_place(citation, labels))}</a>'
        f'<span class="pq-src-hint">{labels.source_hint}</span></div>'
    )


# --- sources and references --------------------------------------------------------------------


def cited_and_others(answer: Answer) -> tuple[list[list[Citation]], list[list[Citation]]]:
    """The answer's passages, each once (citations of the same passage grouped), split into those the
    answer quotes and the others. A found answer that marks none as quoted cites them all."""
    groups: dict[str, list[Citation]] = {}
    for citation in answer.citations:
        groups.setdefault(citation.chunk_id, []).append(citation)
    passages = list(groups.values())
    if not answer.found:
        return [], passages
    cited = [g for g in passages if any(c.used for c in g)] or passages
    return cited, [g for g in passages if g not in cited]


def render_sources(
    answer: Answer, sections: Mapping[tuple[str, str], str | None], show_documents: bool = False
) -> str:
    """Source cards for ``answer``: 引用 (what it quotes), then 「其他相关段落」 folded; or, when nothing
    was found, the nearest passages. ``sections`` maps (doc id, section id) to the section's text;
    ``show_documents``: name each card's document (when more than one is indexed)."""
    if not answer.citations:
        return render_notice("没有可显示的来源。")
    labels = labels_for(answer)
    cited, others = cited_and_others(answer)

    def cards(groups: list[list[Citation]]) -> str:
        return "".join(render_card(g, sections.get((g[0].doc_id, g[0].section_id)), show_documents, labels)
                       for g in groups)

    asked = f'<span class="pq-for">{labels.asked}：{escape(_shorten(answer.question, 60))}</span>'
    if not cited:
        return (f'<div class="pq-sources pq-nearest"><div class="pq-sources-head">{labels.nearest}{asked}</div>'
                f"{cards(others)}</div>")
    folded = (f'<details class="pq-others"><summary>{labels.others}（{len(others)}）</summary>'
              f'<div class="pq-nearest">{cards(others)}</div></details>' if others else "")
    return (f'<div class="pq-sources"><div class="pq-sources-head">{labels.cited}{asked}</div>'
            f"{cards(cited)}{folded}</div>")


def render_card(citations: Citation | Sequence[Citation], section_text: str | None, show_document: bool = False,
                labels: Labels = CHINESE) -> str:
    """One passage's card: its number(s), (document,) section path, the passage with the answering span
    (a table row as its table), the whole section on demand, 在目录中查看 and 复制引用."""
    group = [citations] if isinstance(citations, Citation) else list(citations)
    citation = group[0]
    if citation.kind == "table_row" and citation.fields:
        passage = render_table_row(citation, labels)
    else:
        spans = [] if citation.highlight is None else [(*citation.highlight, "pq-hl")]
        passage = marked(citation.text, spans)
    footnotes = "".join(f'<div class="pq-footnote">注：{escape(f)}</div>' for f in citation.footnotes)
    section = (
        f'<details class="pq-section"><summary>展开全节原文</summary>{render_section_body(section_text)}</details>'
        if section_text else ""
    )
    document = f'<span class="pq-doc-title">《{escape(citation.doc_title)}》</span>' if show_document else ""
    numbers = "".join(f'<span class="pq-num">{c.number}</span>' for c in group)
    anchors = "".join(f'<span class="pq-anchor" id="{escape(source_key(c))}"></span>' for c in group[1:])
    return (
        f'<div class="pq-card" id="{escape(source_key(citation))}">{anchors}'
        f'<div class="pq-card-head">{numbers}'
        f'<span class="pq-path">{document}{render_path(citation.path)}</span></div>'
        f'<div class="pq-passage">{passage}</div>{footnotes}{section}'
        f'<div class="pq-actions">'
        f'<button type="button" class="pq-link" data-doc="{escape(citation.doc_id)}" '
        f'data-section="{escape(citation.section_id)}">在目录中查看</button>'
        f'<button type="button" class="pq-copy" data-ref="{escape(citation.reference())}" '
        f'title="{escape(citation.reference())}">复制引用</button></div></div>'
    )


def references(answer: Answer) -> str:
    """Quotable references of the passages the answer quotes: each document's title once, then one
    line per section (the numbers of its citations, e.g. ``[1][2] 第一篇第二章第四节 表：…``)."""
    cited = [c for group in cited_and_others(answer)[0] for c in group]
    lines: list[str] = []
    for title in dict.fromkeys(c.doc_title for c in cited):
        prefix = f"《{title}》"
        lines.append(prefix)
        numbers: dict[str, list[int]] = {}
        for c in cited:
            if c.doc_title == title:
                numbers.setdefault(c.reference().removeprefix(prefix).strip(), []).append(c.number)
        lines += ["".join(f"[{n}]" for n in ns) + (f" {where}" if where else "") for where, ns in numbers.items()]
    return "\n".join(lines)


# --- the 「高级」 fold -------------------------------------------------------------------------


def render_details(answer: Answer | None) -> str:
    """What retrieval did for the last answer: mode, time, passages, the model's confidence, each
    passage's score and whether the answer quotes it."""
    if answer is None:
        return '<p class="pq-details-empty">提问后，这里显示检索方式、用时和每段原文的相关度得分。</p>'
    sources = f"{len(answer.citations)}段原文" if answer.found else f"{len(answer.citations)}段相近原文"
    answerer = "" if answer.answerer == "extractive" else f" · {escape(answer.answerer)}"
    meta = f"{MODE_LABELS.get(answer.mode, escape(answer.mode))} · 用时 {answer.latency_ms:.0f} ms · 依据{sources}"
    confidence = "未评估" if answer.confidence is None else f"{answer.confidence:.2f}"
    level = LEVEL_WORDS.get(answer.level, escape(answer.level))
    rows = "".join(
        f"<tr><td>[{c.number}]</td><td>{c.score:.3f}</td><td>{'是' if c.used and answer.found else ''}</td>"
        f"<td>{escape(_place(c, CHINESE))}</td></tr>"
        for c in answer.citations
    )
    return (
        f'<div class="pq-details"><div class="pq-meta">{meta}{answerer}</div>'
        f'<div class="pq-meta">回答：{level} · 把握（模型估计）：{confidence}</div>'
        '<table class="pq-scores"><thead><tr><th>来源</th><th>得分</th><th>答案引用</th><th>位置</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "……"
