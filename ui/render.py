"""HTML for the page: the banner, notices, sections, the table of contents, the library and the styles
(answers and their sources: ui.answers).

Every piece of plan text or user input goes through :func:`html.escape` before any
markup is added, so a question such as ``<img src=x onerror=alert(1)>`` is shown as
text, never run. Links that open a section carry ``data-doc``/``data-section``
attributes; the page's click handler (ui.app) turns them into a Gradio event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from itertools import pairwise

from assistant import TocEntry
from corpus import PATH_SEP, DocumentMeta

QUESTION_PREVIEW_CHARS = 300
COLLAPSE_CHARS = 2500  # a section view longer than this shows its sub-headings collapsed
_YEAR = re.compile(r"(?<!\d)20\d\d(?!\d)")
WELCOME_TITLES = 5
HEADER_TITLES = 3  # documents the banner names before 「等 N 份文件」
LONG_TITLE = 20  # a title longer than this is set smaller
# what one can ask, in the order of ui.app.EXAMPLES
ASK_KINDS = ("目标数字", "产业布局", "指标", "名词解释", "英文提问")
_SUB_SECTION = re.compile(r"第[一二三四五六七八九十百零〇\d]+节")
_TAGS = {"pq-ref": "sup"}

Span = tuple[int, int, str]  # (start, end, CSS class) over the raw text


def app_title(documents: Sequence[DocumentMeta]) -> str:
    """The page's title, naming the library: its document's own title when it holds one, else
    「规划与报告问答 · N份文件」."""
    if len(documents) == 1:
        return documents[0].title
    return f"规划与报告问答 · {len(documents)}份文件"


def marked(text: str, spans: Iterable[Span]) -> str:
    """``text`` escaped, each span wrapped in ``<mark class=…>`` (``<sup>`` for [n] markers); overlaps nest."""
    spans = [(max(0, s), min(len(text), e), cls) for s, e, cls in spans if e > s]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[str] = []
    for start, end in pairwise(cuts):
        piece = escape(text[start:end])
        for cls in sorted({cls for s, e, cls in spans if s <= start and end <= e}):
            tag = _TAGS.get(cls, "mark")
            piece = f'<{tag} class="{cls}">{piece}</{tag}>'
        out.append(piece)
    return "".join(out)


def key_spans_in(text: str, keys: Iterable[str]) -> list[Span]:
    """Every occurrence of each key figure in ``text``, as ``pq-key`` spans."""
    return [
        (m.start(), m.end(), "pq-key") for key in keys if key for m in re.finditer(re.escape(key), text)
    ]


def render_question(question: str) -> str:
    """The user's chat bubble: the question as text (long ones shortened for display)."""
    shown = question if len(question) <= QUESTION_PREVIEW_CHARS else (
        f"{question[:QUESTION_PREVIEW_CHARS]}……（共{len(question)}字）"
    )
    return f'<div class="pq-question">{escape(shown)}</div>'


def render_notice(message: str, kind: str = "info") -> str:
    """A styled message (``info``, ``warn`` or ``error``), e.g. for an empty question."""
    icon = {"info": "ℹ", "warn": "⚠", "error": "✖"}.get(kind, "ℹ")
    return f'<div class="pq-notice pq-{kind}"><span class="pq-icon">{icon}</span>{escape(message)}</div>'


def render_path(path: Sequence[str]) -> str:
    """The breadcrumb 篇 › 章 › 节 › 专栏, each level escaped."""
    return '<span class="pq-sep">›</span>'.join(f"<span>{escape(p)}</span>" for p in path)


def render_section_body(text: str | None) -> str:
    """A section's plain text (see corpus.navigation.render_section) as paragraphs and headings.

    The first line is the section's path; a line after a blank line is a sub-heading.
    Long sections (a whole 篇 or 章, over ``COLLAPSE_CHARS``) show each sub-heading as a collapsed
    ``<details>``, so opening a 篇 lists its chapters instead of drawing one very long page.
    """
    if not text:
        return render_notice("未找到该章节。", "warn")
    lines = text.split("\n")
    path = lines[0].split(PATH_SEP)
    head = f'<div class="pq-section-path">{render_path(path[:-1])}</div><h3>{escape(path[-1])}</h3>'
    blocks: list[tuple[str | None, list[str]]] = [(None, [])]  # (sub-heading, its paragraphs)
    after_blank = False
    for line in lines[1:]:
        if not line.strip():
            after_blank = True
            continue
        if after_blank:
            blocks.append((line, []))
        else:
            blocks[-1][1].append(line)
        after_blank = False
    collapse = len(text) > COLLAPSE_CHARS and len(blocks) > 2
    out = [head, f'<p class="pq-collapse-hint">本节较长（共 {len(text):,} 字），点击标题展开。</p>' if collapse else ""]
    for heading, paragraphs in blocks:
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        if heading is None:
            out.append(body)
        elif collapse:
            nested = " pq-sub-nested" if heading.startswith("专栏") or _SUB_SECTION.match(heading) else ""
            out.append(f'<details class="pq-sub{nested}"><summary>{escape(heading)}</summary>{body}</details>')
        else:
            out.append(f"<h4>{escape(heading)}</h4>{body}")
    return f'<div class="pq-section-body{" pq-collapsed" if collapse else ""}">{"".join(out)}</div>'


def render_toc(
    entries: Sequence[TocEntry], selected: str | None = None, titles: Mapping[str, str] | None = None
) -> str:
    """The table of contents as clickable entries, indented by depth; ``selected`` is a toc key.

    ``titles`` (doc id → title), when given for several documents, heads each document's entries.
    """
    items = []
    previous_doc = None
    for entry in entries:
        if titles and len(titles) > 1 and entry.doc_id != previous_doc:
            items.append(f'<div class="pq-toc-doc">《{escape(titles.get(entry.doc_id, entry.doc_id))}》</div>')
        previous_doc = entry.doc_id
        key = toc_key(entry.doc_id, entry.section_id)
        current = " pq-current" if key == selected else ""
        items.append(
            f'<button type="button" class="pq-toc-item pq-depth-{entry.depth}{current}" '
            f'data-doc="{escape(entry.doc_id)}" data-section="{escape(entry.section_id)}">'
            f"{escape(entry.label)}</button>"
        )
    return f'<nav class="pq-toc">{"".join(items)}</nav>'


def toc_key(doc_id: str, section_id: str) -> str:
    """The value identifying a section in the browse tab's selector."""
    return f"{doc_id}::{section_id}"


def split_toc_key(key: str) -> tuple[str, str]:
    """(doc id, section id) from :func:`toc_key`."""
    doc_id, section_id = key.split("::", 1)
    return doc_id, section_id


def render_library(rows: Sequence[Mapping[str, str]]) -> str:
    """The document library as a table: id, title, region, period, passages, source, origin."""
    columns = {"doc_id": "编号", "title": "标题", "region": "地区", "period": "期限", "passages": "段落数",
               "source": "文件", "origin": "来源"}
    head = "".join(f"<th>{label}</th>" for label in columns.values())
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(row.get(key, '')))}</td>" for key in columns) + "</tr>" for row in rows
    )
    return f'<table class="pq-library"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render_welcome(documents: Sequence[DocumentMeta], examples: Sequence[str]) -> str:
    """The chat's first-run state: what is in the library and what one can ask.

    ``documents``: the indexed documents' metadata (title, region, period).
    """
    regions = list(dict.fromkeys(d.region for d in documents if d.region))
    years = sorted({y for d in documents for y in _YEAR.findall(f"{d.period} {d.title}")})
    span = f"{years[0]}–{years[-1]} 年" if len(years) > 1 else f"{years[0]} 年" if years else "未标注"
    titles = "".join(f"<li>《{escape(d.title)}》</li>" for d in documents[:WELCOME_TITLES])
    more = f"<li>……等 {len(documents)} 份</li>" if len(documents) > WELCOME_TITLES else ""
    kinds = "".join(
        f'<li><b>{escape(kind)}</b>：{escape(example)}</li>' for kind, example in zip(ASK_KINDS, examples, strict=False)
    )
    return (
        '<div class="pq-welcome">'
        '<div class="pq-welcome-col"><h3>可以问什么</h3><ul class="pq-kinds">'
        f"{kinds}</ul>"
        '<p class="pq-welcome-note">答案逐字摘自规划原文并标注出处；规划中没有的内容会如实说明「未找到」。'
        "也可以用英文提问。</p></div>"
        '<div class="pq-welcome-col"><h3>文档库</h3>'
        f'<p class="pq-stats"><span><b>{len(documents)}</b> 份文档</span>'
        f"<span><b>{len(regions)}</b> 个地区：{escape('、'.join(regions) or '未标注')}</span>"
        f"<span>年份：{escape(span)}</span></p>"
        f'<ul class="pq-titles">{titles}{more}</ul></div></div>'
    )


def render_header(documents: Sequence[DocumentMeta]) -> str:
    """The page banner: the library's name (:func:`app_title`), what it holds, and what the page offers."""
    title = app_title(documents)
    if len(documents) == 1:
        held = " · ".join(p for p in (documents[0].region, documents[0].period) if p)
    else:
        named = "、".join(f"《{d.title}》" for d in documents[:HEADER_TITLES])
        held = f"依据{named}" + (f"等 {len(documents)} 份文件" if len(documents) > HEADER_TITLES else "")
    size = " pq-long" if len(title) > LONG_TITLE else ""
    return (
        f'<header class="pq-header"><h1 class="pq-title{size}">{escape(title)}</h1>'
        f'<p class="pq-doc">{escape(held)}</p>'
        '<p class="pq-intro">市民和机关干部都可以用自然语言提问：答案摘自原文，关键数字高亮，'
        "每句都标注出处，可展开整节原文或复制规范引用。</p></header>"
    )


def render_read_only() -> str:
    """The 文档库 tab of a read-only page: why nothing can be added here, and how an administrator can."""
    return render_notice(
        "此页面为只读：文档库在这里只能查看，不能上传或删除。管理员可以在服务器上用 planqa add 文件 "
        "加入文档（重启页面后生效），或以 planqa serve --allow-edit 启动页面，在这里上传和删除；"
        "在 127.0.0.1 以外的地址上还须设置登录：--auth 用户名:密码。"
    )


# Styles for the markup above (and the page around it); passed to Blocks.launch(css=…).
CSS = """
.gradio-container { max-width: 1320px !important; margin: 0 auto !important; }
.pq-header { padding: 18px 22px; border-radius: 14px; color: #fff;
  background: linear-gradient(120deg, #9f1d20 0%, #c2410c 100%); }
.pq-header h1 { margin: 0 0 6px; font-size: 28px; font-weight: 700; letter-spacing: 2px; color: #fff; }
.pq-header h1.pq-long { font-size: 22px; letter-spacing: 1px; line-height: 1.4; }
.pq-header p { margin: 2px 0; color: #fde8d8; font-size: 14px; line-height: 1.6; }
.pq-header .pq-doc { color: #fff; font-weight: 600; }
.pq-question { white-space: pre-wrap; word-break: break-all; }
.pq-answer { font-size: 16px; line-height: 1.9; }
mark.pq-key { background: #fde68a; color: #7c2d12; font-weight: 700; padding: 0 2px; border-radius: 3px; }
mark.pq-hl { background: #fef3c7; color: inherit; border-bottom: 2px solid #f59e0b; padding: 0 1px; }
mark.pq-hl mark.pq-key, mark.pq-key mark.pq-hl { background: #fcd34d; }
sup.pq-ref { color: #b91c1c; font-weight: 700; margin: 0 1px; }
.pq-meta { margin-top: 8px; font-size: 12px; color: #78716c; }
.pq-notice { white-space: pre-line; display: flex; gap: 8px; align-items: flex-start; padding: 10px 12px;
  border-radius: 8px; border: 1px solid #bfdbfe; background: #eff6ff; color: #1e3a8a; line-height: 1.7; }
.pq-notice.pq-warn, .pq-notice.pq-notfound { border-color: #fcd34d; background: #fffbeb; color: #92400e; }
.pq-notice.pq-notfound { font-weight: 600; }
.pq-notice.pq-error { border-color: #fecaca; background: #fef2f2; color: #991b1b; }
.pq-notice + .pq-answer, .pq-notice + .pq-notice { margin-top: 8px; }
.pq-sources-head { display: flex; flex-wrap: wrap; gap: 10px; align-items: baseline; margin: 6px 0 10px;
  font-size: 17px; font-weight: 700; color: #7f1d1d; }
.pq-for { font-size: 13px; font-weight: 400; color: #78716c; }
.pq-card { border: 1px solid #e7e5e4; border-left: 4px solid #b91c1c; border-radius: 10px; padding: 12px 14px;
  margin-bottom: 12px; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.pq-card-head { display: flex; gap: 10px; align-items: flex-start; margin-bottom: 8px; }
.pq-num { flex: none; width: 24px; height: 24px; border-radius: 50%; background: #b91c1c; color: #fff;
  font-size: 13px; font-weight: 700; display: inline-flex; align-items: center; justify-content: center; }
.pq-path { flex: 1; font-size: 13px; color: #57534e; line-height: 1.6; }
.pq-sep { margin: 0 6px; color: #a8a29e; }
.pq-nearest .pq-card { border-left-color: #a8a29e; }
.pq-nearest .pq-num { background: #a8a29e; }
.pq-passage { font-size: 15px; line-height: 1.85; color: #1c1917; }
.pq-footnote { margin-top: 6px; font-size: 12px; color: #78716c; }
.pq-section { margin-top: 8px; }
.pq-section summary { cursor: pointer; color: #b45309; font-size: 13px; }
.pq-section[open] .pq-section-body { max-height: 360px; overflow-y: auto; margin-top: 6px; padding: 8px 12px;
  background: #fafaf9; border-radius: 8px; }
.pq-actions { display: flex; gap: 8px; margin-top: 10px; }
.pq-actions button { font-size: 13px; padding: 3px 12px; border-radius: 6px; cursor: pointer;
  border: 1px solid #d6d3d1; background: #fff; color: #44403c; }
.pq-actions button:hover { border-color: #b91c1c; color: #b91c1c; }
.pq-section-path { font-size: 13px; color: #78716c; margin-bottom: 8px; }
.pq-section-body p { margin: 0 0 10px; line-height: 1.9; text-indent: 2em; font-size: 15px; }
.pq-section-body h3 { margin: 0 0 12px; font-size: 20px; color: #7f1d1d; }
.pq-section-body h4 { margin: 16px 0 8px; font-size: 16px; color: #7f1d1d; }
#pq-section-view .pq-section-body { padding: 6px 18px; }
.pq-toc { display: flex; flex-direction: column; }
.pq-toc .pq-toc-item { text-align: left; background: none; border: none; box-shadow: none; cursor: pointer;
  padding: 4px 8px; margin: 0; border-radius: 6px; color: #292524; font-size: 14px; font-weight: 400;
  line-height: 1.5; }
.pq-toc .pq-toc-item:hover { background: #fef2f2; color: #b91c1c; }
.pq-toc .pq-toc-item.pq-current { background: #fee2e2; color: #991b1b; font-weight: 700; }
.pq-toc-doc { margin: 12px 0 2px; padding: 4px 8px; font-weight: 700; color: #fff; background: #9f1d20;
  border-radius: 6px; font-size: 13px; }
.pq-doc-title { display: block; font-weight: 600; color: #7f1d1d; }
.pq-library { width: 100%; border-collapse: collapse; font-size: 13px; }
.pq-library th, .pq-library td { border-bottom: 1px solid #e7e5e4; padding: 6px 8px; text-align: left; }
.pq-library th { color: #7f1d1d; background: #fef2f2; }
.pq-toc .pq-depth-0 { font-weight: 700; margin-top: 8px; color: #7f1d1d; }
.pq-toc .pq-depth-1 { padding-left: 20px; }
.pq-toc .pq-depth-2 { padding-left: 36px; font-size: 13px; }
.pq-toc .pq-depth-3 { padding-left: 52px; font-size: 13px; color: #57534e; }
.pq-short { font-size: 26px; font-weight: 700; line-height: 1.4; color: #7f1d1d; margin: 2px 0 8px; }
.pq-short mark.pq-key { background: none; color: inherit; padding: 0; }
.pq-quote { font-size: 15px; color: #44403c; border-left: 3px solid #fcd34d; padding-left: 10px; }
.pq-source-line { margin-top: 8px; font-size: 13px; color: #57534e; }
a.pq-src-link { color: #b91c1c; font-weight: 600; text-decoration: none; border-bottom: 1px dashed #b91c1c;
  cursor: pointer; }
a.pq-src-link:hover { background: #fef2f2; }
.pq-src-hint { color: #a8a29e; margin-left: 4px; }
.pq-card.pq-flash { box-shadow: 0 0 0 3px #fca5a5; transition: box-shadow .3s; }
#pq-hint:empty { display: none; }
#pq-hint .pq-notice { padding: 6px 10px; font-size: 14px; }
.pq-welcome { display: flex; flex-wrap: wrap; gap: 18px; text-align: left; padding: 6px 4px; color: #292524; }
.pq-welcome-col { flex: 1 1 260px; min-width: 240px; }
.pq-welcome h3 { margin: 0 0 8px; font-size: 17px; color: #7f1d1d; }
.pq-welcome ul { margin: 0; padding-left: 18px; font-size: 14px; line-height: 1.8; }
.pq-welcome-note { margin: 8px 0 0; font-size: 13px; color: #78716c; line-height: 1.6; }
.pq-stats { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 0 0 6px; font-size: 14px; }
.pq-stats b { font-size: 18px; color: #b91c1c; }
.pq-titles { color: #57534e; }
.pq-collapse-hint { font-size: 13px; color: #78716c; text-indent: 0 !important; }
.pq-sub { margin: 4px 0; border-bottom: 1px solid #f5f5f4; }
.pq-sub > summary { cursor: pointer; padding: 6px 4px; font-size: 16px; font-weight: 700; color: #7f1d1d; }
.pq-sub.pq-sub-nested { margin-left: 18px; }
.pq-sub.pq-sub-nested > summary { font-size: 15px; font-weight: 600; color: #9a3412; }
.pq-sub[open] > summary { background: #fef2f2; border-radius: 6px; }
.pq-resolved { font-size: 13px; color: #57534e; background: #f5f5f4; border-radius: 6px; padding: 3px 8px;
  margin-bottom: 6px; display: inline-block; }
.pq-compare { border-collapse: collapse; font-size: 14px; margin: 4px 0 8px; }
.pq-compare th, .pq-compare td { border: 1px solid #e7e5e4; padding: 5px 9px; text-align: left; vertical-align: top; }
.pq-compare th { background: #fef2f2; color: #7f1d1d; }
.pq-compare .pq-where { font-size: 12px; color: #57534e; }
.pq-missing { color: #92400e; font-weight: 600; }
.pq-chart { margin: 4px 0 8px; font-size: 13px; }
.pq-bar-row { display: flex; align-items: center; gap: 8px; margin: 2px 0; }
.pq-bar-label { width: 64px; color: #57534e; }
.pq-bar { display: inline-block; height: 12px; background: #b91c1c; border-radius: 3px; }
.pq-bar-value { color: #7f1d1d; font-weight: 600; }
.pq-compare td.pq-label { white-space: nowrap; }
.pq-compare td:nth-child(2) { min-width: 7em; }
#pq-chat .placeholder { align-items: flex-start; }
.pq-tentative { border: 1px dashed #f59e0b; background: #fffbeb; border-radius: 8px; padding: 8px 12px; }
.pq-tentative-label { font-size: 13px; font-weight: 700; color: #92400e; margin-bottom: 4px; }
.pq-tentative-answer { font-size: 17px; font-weight: 700; color: #7c2d12; margin-bottom: 6px; }
.pq-tentative-answer mark.pq-key { background: none; color: inherit; padding: 0; }
.pq-confidence { display: inline-block; margin-top: 6px; font-size: 12px; color: #57534e; background: #f5f5f4;
  border-radius: 999px; padding: 1px 8px; cursor: help; }
.pq-row { margin: 6px 0; }
.pq-row-name { font-size: 13px; font-weight: 600; color: #7f1d1d; margin-bottom: 4px; }
.pq-row-scroll { overflow-x: auto; }
.pq-row-table { border-collapse: collapse; font-size: 14px; margin: 0; }
.pq-row-table th, .pq-row-table td { border: 1px solid #e7e5e4; padding: 4px 8px; text-align: left;
  white-space: nowrap; }
.pq-row-table th { background: #fef2f2; color: #7f1d1d; font-weight: 600; }
.pq-card-head .pq-num + .pq-num { margin-left: -4px; }
.pq-others > summary { cursor: pointer; font-size: 15px; font-weight: 700; color: #57534e; padding: 6px 0 10px; }
.pq-details { font-size: 13px; }
.pq-details .pq-meta { margin: 0 0 4px; }
.pq-details-empty { font-size: 13px; color: #78716c; }
.pq-scores { border-collapse: collapse; margin-top: 6px; width: 100%; }
.pq-scores th, .pq-scores td { border-bottom: 1px solid #e7e5e4; padding: 3px 6px; text-align: left; }
.pq-scores th { white-space: nowrap; }
"""
