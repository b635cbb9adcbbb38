"""HTML rendering of real answers on the shipped plan: highlights, escaping, notices."""

from __future__ import annotations

from dataclasses import replace
from html import escape

import pytest

from ui import render

INJECTIONS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '" onmouseover="alert(1)']


@pytest.fixture(scope="module")
def answer_5g(qa):
    return qa.ask("鄂州打算建多少5G基站？")


def test_marked_escapes_and_nests_overlapping_spans():
    html = render.marked("a<b>c&d", [(0, 3, "pq-hl"), (1, 5, "pq-key")])
    assert html == (
        '<mark class="pq-hl">a</mark>'
        '<mark class="pq-key"><mark class="pq-hl">&lt;b</mark></mark>'
        '<mark class="pq-key">&gt;c</mark>&amp;d'
    )


def test_answer_highlights_key_figures_and_markers(answer_5g):
    assert answer_5g.found and answer_5g.key_spans
    html = render.render_answer(answer_5g)
    for key in answer_5g.key_spans:
        assert f'<mark class="pq-key">{escape(key)}</mark>' in html
    cited = {n for n in range(1, len(answer_5g.citations) + 1) if f"[{n}]" in answer_5g.text}
    assert cited
    for number in cited:
        assert f'<sup class="pq-ref">[{number}]</sup>' in html
    assert f"{answer_5g.latency_ms:.0f} ms" in html
    assert "pq-notfound" not in html


def test_card_highlights_the_answering_span(qa, answer_5g):
    citation = next(c for c in answer_5g.citations if c.highlight)
    start, end = citation.highlight
    section = qa.section_text(citation.section_id, citation.doc_id)
    html = render.render_card(citation, section)
    assert f'<mark class="pq-hl">{escape(citation.text[start:end])}</mark>' in html
    for level in citation.path:
        assert f"<span>{escape(level)}</span>" in html
    assert f'data-section="{citation.section_id}"' in html
    assert f'data-ref="{escape(citation.reference())}"' in html
    assert '<details class="pq-section">' in html
    assert escape(section.split("\n")[1]) in html


def test_sources_list_every_citation_with_its_box(qa, answer_5g):
    sections = {(c.doc_id, c.section_id): qa.section_text(c.section_id, c.doc_id) for c in answer_5g.citations}
    html = render.render_sources(answer_5g, sections)
    assert html.count('class="pq-card"') == len(answer_5g.citations)
    assert "专栏4-6 数字经济领域重点工程" in html
    refs = render.references(answer_5g).split("\n")
    assert refs[0] == "《鄂州市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》"  # the title once
    assert len(refs) == len(answer_5g.citations) + 1
    assert any(line.endswith("] 第四篇第十三章第三节 专栏4-6 数字经济领域重点工程") for line in refs)


def test_references_group_citations_by_document(answer_5g):
    other = replace(answer_5g.citations[1], doc_title="湖北省国民经济和社会发展第十四个五年规划")
    two_docs = replace(answer_5g, citations=(answer_5g.citations[0], other, *answer_5g.citations[2:]))
    lines = render.references(two_docs).split("\n")
    assert [line for line in lines if line.startswith("《")] == [
        f"《{answer_5g.citations[0].doc_title}》", "《湖北省国民经济和社会发展第十四个五年规划》"]
    assert lines[-2:] == [f"《{other.doc_title}》", f"[2] {other.reference().removeprefix(f'《{other.doc_title}》')}"]


def test_short_answer_comes_first_and_large_with_its_source_link(answer_5g):
    short = "5000个"
    answer = replace(answer_5g, short_answer=short, text=f"{short}。{answer_5g.text}")
    html = render.render_answer(answer)
    assert html.index('class="pq-short"') < html.index('class="pq-answer pq-quote"')
    assert '<div class="pq-short"><mark class="pq-key">5000个</mark></div>' in html
    quote = html.split('class="pq-answer pq-quote">', 1)[1]
    assert not quote.startswith("5000个。")  # the short answer is not repeated before the quote
    cited = next(c for c in answer.citations if f"[{c.number}]" in answer.text)
    key = render.source_key(cited)
    assert f'href="#{key}"' in html and escape(cited.path[-1]) in html
    assert f'<div class="pq-card" id="{key}">' in render.render_card(cited, None)
    assert key.split(":")[1:] == [cited.doc_id, cited.section_id]


def test_answer_without_short_answer_is_the_quote_and_link(answer_5g):
    quote_only = replace(answer_5g, short_answer="")  # a fact or a passage with no short form: the quote alone
    html = render.render_answer(quote_only)
    assert "pq-short" not in html and 'class="pq-answer"' in html and 'class="pq-src-link"' in html
    not_found = replace(answer_5g, found=False, short_answer="5000个", text="规划中未找到相关内容。")
    assert "pq-short" not in render.render_answer(not_found)
    assert "pq-src-link" not in render.render_answer(not_found)


def test_welcome_names_the_library_and_what_to_ask(qa):
    from ui.app import EXAMPLES

    html = render.render_welcome([d.meta for d in qa.documents], EXAMPLES)
    assert "可以问什么" in html and html.count("<li><b>") == len(EXAMPLES)
    assert "<b>1</b> 份文档" in html and "鄂州市" in html and "2021–2035 年" in html
    many = [replace(qa.documents[0].meta, title=f"规划{i}", region="湖北省", period="2016–2020") for i in range(8)]
    html = render.render_welcome(many, EXAMPLES)
    assert "<b>8</b> 份文档" in html and "……等 8 份" in html and "2016–2020 年" in html
    assert "<b>1</b> 个地区：湖北省" in html


def test_long_sections_are_collapsed_short_ones_are_not(qa):
    part = next(e for e in qa.toc() if e.label.startswith("第四篇"))
    html = render.render_section_body(qa.section_text(part.section_id, part.doc_id))
    assert "pq-collapsed" in html and html.count('<details class="pq-sub') >= 10
    assert '<details class="pq-sub"><summary>第十章' in html
    assert '<details class="pq-sub pq-sub-nested"><summary>第一节' in html
    box = next(e for e in qa.toc() if e.label.startswith("专栏4-6"))
    assert "<details" not in render.render_section_body(qa.section_text(box.section_id, box.doc_id))


def test_not_found_answer_is_a_notice(qa):
    answer = qa.ask("鄂州市长是谁？")
    assert not answer.found
    html = render.render_answer(answer)
    assert 'class="pq-notice pq-notfound"' in html
    assert "规划中未找到" in html
    assert "最接近的段落" in render.render_sources(answer, {})


def test_long_question_shows_the_truncation_notice(qa):
    answer = qa.ask("鄂州打算建多少5G基站？" * 200)
    assert answer.notice
    assert render.render_notice(answer.notice, "warn") in render.render_answer(answer)
    assert "（共2400字）" in render.render_question(answer.question + "。" * 400)


@pytest.mark.parametrize("injected", INJECTIONS)
def test_injected_html_is_escaped(qa, injected):
    answer = qa.ask(f"{injected}鄂州打算建多少5G基站？")
    forged = replace(answer.citations[0], text=injected + answer.citations[0].text,
                     path=(injected, *answer.citations[0].path), doc_title=injected)
    forged_answer = replace(answer, text=injected + answer.text, key_spans=(injected,), citations=(forged,))
    pages = [
        render.render_question(answer.question),
        render.render_answer(forged_answer),
        render.render_sources(forged_answer, {(forged.doc_id, forged.section_id): injected}),
        render.render_notice(injected),
    ]
    for html in pages:
        assert "<script" not in html and "<img" not in html
        assert '" onmouseover="' not in html
    assert escape(injected) in pages[0]


def test_toc_and_section_view(qa):
    toc = qa.toc()
    box = next(e for e in toc if e.label.startswith("专栏4-6"))
    key = render.toc_key(box.doc_id, box.section_id)
    html = render.render_toc(toc, key)
    assert html.count('class="pq-toc-item') == len(toc)
    assert f'pq-current" data-doc="{box.doc_id}" data-section="{box.section_id}">{escape(box.label)}<' in html
    section = render.render_section_body(qa.section_text(box.section_id, box.doc_id))
    assert f"<h3>{escape(box.label)}</h3>" in section
    assert "5000" in section
    assert "未找到该章节" in render.render_section_body(None)


def test_title_names_the_plan(qa):
    assert render.app_title([d.meta.title for d in qa.documents]) == "鄂州“十四五”规划问答"
