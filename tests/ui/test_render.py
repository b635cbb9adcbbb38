"""HTML rendering of real answers on the shipped plan (and of hand-built ones for what the product does not
give yet): headlines by level, table rows, cited and other passages, highlights, escaping, notices."""

from __future__ import annotations

from dataclasses import replace
from html import escape

import pytest

from ui import answers, render

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
    html = answers.render_answer(answer_5g)
    for key in answer_5g.key_spans:
        assert f'<mark class="pq-key">{escape(key)}</mark>' in html
    cited = {n for n in range(1, len(answer_5g.citations) + 1) if f"[{n}]" in answer_5g.text}
    assert cited
    for number in cited:
        assert f'<sup class="pq-ref">[{number}]</sup>' in html
    assert "pq-notfound" not in html
    assert " ms" not in html and "得分" not in html  # retrieval details live in the 高级 fold


def test_retrieval_details_name_mode_time_and_every_score(answer_5g):
    html = answers.render_details(answer_5g)
    assert f"混合检索 · 用时 {answer_5g.latency_ms:.0f} ms · 依据{len(answer_5g.citations)}段原文" in html
    for citation in answer_5g.citations:
        assert f"<td>{citation.score:.3f}</td>" in html
    assert "把握（模型估计）：未评估" in answers.render_details(replace(answer_5g, confidence=None))
    assert "0.87" in answers.render_details(replace(answer_5g, confidence=0.87))
    assert "提问后" in answers.render_details(None)


def test_card_highlights_the_answering_span(qa, answer_5g):
    citation = next(c for c in answer_5g.citations if c.highlight)
    start, end = citation.highlight
    section = qa.section_text(citation.section_id, citation.doc_id)
    html = answers.render_card(citation, section)
    assert f'<mark class="pq-hl">{escape(citation.text[start:end])}</mark>' in html
    for level in citation.path:
        assert f"<span>{escape(level)}</span>" in html
    assert f'data-section="{citation.section_id}"' in html
    assert f'data-ref="{escape(citation.reference())}"' in html
    assert '<details class="pq-section">' in html
    assert escape(section.split("\n")[1]) in html
    assert "得分" not in html


def test_sources_list_the_cited_passages_then_the_others_apart(qa, answer_5g):
    sections = {(c.doc_id, c.section_id): qa.section_text(c.section_id, c.doc_id) for c in answer_5g.citations}
    html = answers.render_sources(answer_5g, sections)
    cited, others = html.split('<details class="pq-others">')
    used = [c for c in answer_5g.citations if c.used]
    assert used and cited.count('class="pq-card"') == len(used) and "专栏4-6 数字经济领域重点工程" in cited
    assert "<summary>其他相关段落（" in others
    assert others.count('class="pq-card"') == len({c.chunk_id for c in answer_5g.citations if not c.used})
    refs = answers.references(answer_5g).split("\n")
    assert refs[0] == "《鄂州市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》"  # the title once
    assert refs[1:] == [f"[{used[0].number}] 第四篇第十三章第三节 专栏4-6 数字经济领域重点工程"]  # what it quotes


def test_each_passage_is_shown_and_referenced_once(qa):
    answer = qa.ask("2020年和2025年的城镇化率分别是多少")
    assert len(answer.citations) == 2 and len({c.chunk_id for c in answer.citations}) == 1  # one row, twice
    html = answers.render_sources(answer, {})
    assert html.count('class="pq-card"') == 1 and html.count('class="pq-num"') == 2
    assert f'id="{answers.source_key(answer.citations[1])}"' in html  # [2] still has somewhere to point
    table = "表：“十四五”时期鄂州市经济社会发展主要指标"
    assert answers.references(answer).split("\n")[1] == f"[1][2] 第一篇第二章第四节 {table}"


def test_a_table_row_is_shown_as_its_table(qa):
    answer = qa.ask("到2025年常住人口城镇化率目标是多少？")
    row = answer.citations[0]
    assert row.kind == "table_row" and row.used and row.fields
    assert row.reference().endswith("第一篇第二章第四节 表：“十四五”时期鄂州市经济社会发展主要指标")
    bubble, card = answers.render_answer(answer), answers.render_card(row, None)
    for html in (bubble, card):
        assert '<div class="pq-row-name">表：“十四五”时期鄂州市经济社会发展主要指标' in html
        head = "".join(f"<th>{escape(column)}</th>" for column, _ in row.fields)
        cells = "".join(f"<td>{escape(value)}</td>" for _, value in row.fields)
        assert f"<thead><tr>{head}</tr></thead><tbody><tr>{cells}</tr></tbody>" in html
        assert "——类别" not in html  # not the row flattened into a sentence, as if quoted
    assert "<th>2025年</th>" in bubble and "<td>70</td>" in bubble
    assert '[1] 表：“十四五”时期鄂州市经济社会发展主要指标</a>' in bubble  # the source line says it is a table


def test_references_group_citations_by_document(answer_5g):
    first = next(c for c in answer_5g.citations if c.used)
    other = replace(answer_5g.citations[-1], doc_title="湖北省国民经济和社会发展第十四个五年规划", used=True)
    two_docs = replace(answer_5g, citations=(*answer_5g.citations[:-1], other))
    lines = answers.references(two_docs).split("\n")
    assert [line for line in lines if line.startswith("《")] == [
        f"《{first.doc_title}》", "《湖北省国民经济和社会发展第十四个五年规划》"]
    assert lines[-1] == f"[{other.number}] {other.reference().removeprefix(f'《{other.doc_title}》').strip()}"


def test_short_answer_comes_first_and_large_with_its_source_link(answer_5g):
    short = "5000个"
    answer = replace(answer_5g, short_answer=short, text=f"{short}。{answer_5g.text}")
    html = answers.render_answer(answer)
    assert html.index('class="pq-short"') < html.index('class="pq-answer pq-quote"')
    assert '<div class="pq-short"><mark class="pq-key">5000个</mark></div>' in html
    quote = html.split('class="pq-answer pq-quote">', 1)[1]
    assert not quote.startswith("5000个。")  # the short answer is not repeated before the quote
    cited = next(c for c in answer.citations if f"[{c.number}]" in answer.text)
    key = answers.source_key(cited)
    assert f'href="#{key}"' in html and escape(cited.path[-1]) in html
    assert f'<div class="pq-card" id="{key}">' in answers.render_card(cited, None)
    assert key.split(":")[1:] == [cited.doc_id, cited.section_id]


def test_each_level_leads_with_what_the_answer_is_worth(answer_5g):
    confident = answers.render_answer(replace(answer_5g, level="answer", confidence=0.91))
    assert '<div class="pq-short">' in confident and "把握：高" in confident and "可能的答案" not in confident
    tentative = answers.render_answer(replace(answer_5g, level="tentative", confidence=0.55))
    assert "pq-short" not in tentative  # no large headline for an answer to check
    label = '<div class="pq-tentative-label">可能的答案（请核对原文）</div>'
    assert label in tentative and '<div class="pq-tentative-answer"><mark class="pq-key">5000个</mark>' in tentative
    assert "数字基础设施工程" in tentative and "pq-src-link" in tentative and "把握：中" in tentative
    declined = answers.render_answer(replace(answer_5g, found=False, level="none", text="规划中未找到相关内容。"))
    assert "pq-notfound" in declined and "pq-short" not in declined and "pq-src-link" not in declined
    unjudged = replace(answer_5g, confidence=None)
    assert "pq-confidence" not in answers.render_answer(unjudged)  # no model judged it: nothing to show


def test_an_english_question_gets_one_headline_and_english_framing(qa):
    answer = qa.ask("How many 5G base stations will Ezhou build by 2025?")
    html = answers.render_answer(answer)
    assert html.count('class="pq-short"') == 1 and "Answer:" not in html  # no second headline under it
    assert "Source <a" in html and "来源" not in html
    sources = answers.render_sources(answer, {})
    assert "Cited" in sources and "Other related passages" in sources and "其他相关段落" not in sources
    tentative = answers.render_answer(replace(answer, level="tentative"))
    assert "Possible answer (check it against the source)" in tentative


def test_answer_without_short_answer_is_the_quote_and_link(answer_5g):
    quote_only = replace(answer_5g, short_answer="")  # a fact or a passage with no short form: the quote alone
    html = answers.render_answer(quote_only)
    assert "pq-short" not in html and 'class="pq-answer"' in html and 'class="pq-src-link"' in html
    not_found = replace(answer_5g, found=False, short_answer="5000个", text="规划中未找到相关内容。")
    assert "pq-short" not in answers.render_answer(not_found)
    assert "pq-src-link" not in answers.render_answer(not_found)


def test_comparison_labels_stay_on_one_line(qa):
    html = answers.render_answer(qa.ask("鄂州和湖北的5G基站目标"))
    assert '<td class="pq-label">鄂州市</td>' in html
    assert ".pq-compare td.pq-label { white-space: nowrap; }" in render.CSS


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
    html = answers.render_answer(answer)
    assert 'class="pq-notice pq-notfound"' in html
    assert "规划中未找到" in html
    assert "最接近的段落" in answers.render_sources(answer, {})
    assert answers.references(answer) == ""  # it quotes nothing


def test_long_question_shows_the_truncation_notice(qa):
    answer = qa.ask("鄂州打算建多少5G基站？" * 200)
    assert answer.notice
    assert render.render_notice(answer.notice, "warn") in answers.render_answer(answer)
    assert "（共2400字）" in render.render_question(answer.question + "。" * 400)


@pytest.mark.parametrize("injected", INJECTIONS)
def test_injected_html_is_escaped(qa, injected):
    answer = qa.ask(f"{injected}鄂州打算建多少5G基站？")
    forged = replace(answer.citations[0], text=injected + answer.citations[0].text,
                     path=(injected, *answer.citations[0].path), doc_title=injected)
    forged_answer = replace(answer, text=injected + answer.text, key_spans=(injected,), citations=(forged,))
    pages = [
        render.render_question(answer.question),
        answers.render_answer(forged_answer),
        answers.render_sources(forged_answer, {(forged.doc_id, forged.section_id): injected}),
        answers.render_details(forged_answer),
        answers.render_card(replace(forged, kind="table_row", fields=((injected, injected),)), None),
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


def test_the_header_names_the_library_from_its_catalog(qa):
    [meta] = qa.catalog().documents
    assert render.app_title([meta]) == meta.title
    assert f"<h1 class=\"pq-title pq-long\">{meta.title}</h1>" in render.render_header([meta])
    assert f"{meta.region} · {meta.period}" in render.render_header([meta])
    many = [replace(meta, title=f"规划{i}") for i in range(5)]
    assert render.app_title(many) == "规划与报告问答 · 5份文件"
    assert "依据《规划0》、《规划1》、《规划2》等 5 份文件" in render.render_header(many)


def test_a_read_only_library_says_how_editing_is_enabled():
    note = render.render_read_only()
    assert "只读" in note and "planqa serve --allow-edit" in note and "--auth" in note and "planqa add" in note
