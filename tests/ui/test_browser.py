"""The chat page in real headless Chromium (Debian's /usr/bin/chromium) against the running server.

Screenshots go to artifacts/screenshots/ (git-ignored); the tests check what is visible on the
page (elements, text, geometry), not pixels. Without Chromium they skip and say how to get it
(`make test` installs it when run as root).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from corpus import SUPPORTED_SUFFIXES
from tests.samples import write
from ui.app import EXAMPLES
from ui.process import serve

CHROMIUM = "/usr/bin/chromium"
NO_CHROMIUM = (
    "Chromium not found: the browser tests need Debian's chromium (sudo apt-get install chromium "
    "fonts-noto-cjk; `make test` does this when run as root) or Playwright's own (.venv/bin/playwright "
    "install chromium, no root needed)"
)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"  # git-ignored
DOC_SHOTS = os.environ.get("PLANQA_DOC_SCREENSHOTS", "")  # README's screenshots (make screenshots)
ANSWER_TIMEOUT = 30_000  # ms; the first question also warms the model up
BOX_4_6 = "专栏4-6 数字经济领域重点工程"


def _playwright_chromium() -> bool:
    with sync_playwright() as playwright:
        return Path(playwright.chromium.executable_path).is_file()


# declared, with the command that gets Chromium; `make test` installs it when run as root
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file() and not _playwright_chromium(), reason=NO_CHROMIUM)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        debian = Path(CHROMIUM).is_file()
        browser = playwright.chromium.launch(executable_path=CHROMIUM if debian else None, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server_url, qa) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page.goto(server_url)
    expect(page.locator("h1")).to_have_text(qa.catalog().documents[0].title)  # the library's own name
    yield page
    page.close()


def ask(page: Page, question: str) -> Locator:
    """Send ``question`` and wait for the assistant's new chat message, which is returned."""
    bots = page.locator("#pq-chat [data-testid='bot']")
    before = bots.count()
    page.locator("#pq-question textarea").fill(question)
    page.locator("#pq-send").click()
    expect(bots).to_have_count(before + 1, timeout=ANSWER_TIMEOUT)
    return bots.last


def shot(page: Page, name: str, docs: bool = False) -> None:
    """A full-page screenshot in artifacts/screenshots/; ``docs``: also README's copy in
    $PLANQA_DOC_SCREENSHOTS, when set (`make screenshots` sets docs/img)."""
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if docs and DOC_SHOTS:
        page.screenshot(path=str(Path(DOC_SHOTS) / f"{name}.png"), full_page=True)


def open_advanced(page: Page) -> Locator:
    """Open the 「高级」 fold (closed by default) and return it."""
    fold = page.locator("#pq-advanced")
    if not page.locator("#pq-mode").is_visible():
        fold.get_by_text("高级", exact=True).click()
    expect(page.locator("#pq-mode")).to_be_visible()
    return fold


def test_answer_with_cited_box_and_section_link(page, qa):
    answer = ask(page, "鄂州打算建多少5G基站")
    expect(answer.locator("sup.pq-ref").first).to_be_visible()
    expect(answer).not_to_contain_text("用时")  # retrieval details are in the 高级 fold
    box_cards = page.locator("#pq-sources .pq-card").filter(has=page.locator(".pq-path", has_text="专栏4-6"))
    card = box_cards.filter(has=page.locator(".pq-passage", has_text="5000")).first
    expect(card).to_be_visible()
    refs = page.locator("#pq-refs textarea")
    expect(refs).to_have_value(re.compile(f"第四篇第十三章第三节 {BOX_4_6}"))
    assert refs.input_value().count("《") == 1  # the plan's title once, not on every line
    assert refs.bounding_box()["width"] > 700  # under the sources, full width
    shot(page, "answer", docs=True)

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = card.locator(".pq-copy")
    copy.click()
    expect(copy).to_have_text("已复制 ✓")
    reference = page.evaluate("navigator.clipboard.readText()")
    assert reference.startswith("《鄂州市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》")
    assert reference.endswith(f"第四篇第十三章第三节 {BOX_4_6}")

    card.locator("summary").click()
    expect(card.locator(".pq-section-body")).to_be_visible()

    link = card.locator("[data-section]")
    section_text = qa.section_text(link.get_attribute("data-section"), link.get_attribute("data-doc"))
    link.click()
    view = page.locator("#pq-section-view")
    expect(view.locator("h3")).to_have_text(BOX_4_6)
    expect(view).to_contain_text(section_text.split("\n")[1])
    expect(page.locator("#pq-toc .pq-current")).to_have_text(BOX_4_6)
    shot(page, "section")


def test_unanswerable_question_shows_the_not_found_notice(page):
    answer = ask(page, "鄂州市长是谁？")
    notice = answer.locator(".pq-notfound")
    expect(notice).to_contain_text("规划中未找到")
    expect(notice).to_have_css("background-color", "rgb(255, 251, 235)")
    expect(page.locator("#pq-sources")).to_contain_text("最接近的段落")
    shot(page, "not-found")


def test_injected_markup_is_shown_as_text(page):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for question in ["<script>alert(1)</script>5G基站", "<img src=x onerror=alert(2)>城镇化率"]:
        ask(page, question)
        expect(page.locator("#pq-chat [data-testid='user']").last).to_have_text(question)
        expect(page.locator("#pq-sources .pq-for")).to_contain_text(question[:20])
    assert page.locator("#pq-chat img[src='x'], #pq-sources img, #pq-chat script").count() == 0
    assert dialogs == []
    shot(page, "injection")


def test_empty_long_and_english_questions(page):
    bots = page.locator("#pq-chat [data-testid='bot']")
    ask(page, "鄂州打算建多少5G基站？")
    page.locator("#pq-send").click()
    expect(page.locator("#pq-hint")).to_contain_text("请输入一个关于规划的问题")
    expect(bots).to_have_count(1)  # a hint under the input box, not inside the previous answer
    expect(bots.last).not_to_contain_text("请输入")
    expect(page.locator(".toast-body")).to_have_count(0)
    page.locator("#pq-question textarea").fill("三区三线是什么？")
    page.locator("#pq-send").click()
    expect(bots).to_have_count(2, timeout=ANSWER_TIMEOUT)
    expect(page.locator("#pq-hint")).not_to_contain_text("请输入")

    answer = ask(page, "鄂州打算建多少5G基站？" + "请详细说明。" * 400)
    expect(answer.locator(".pq-warn")).to_contain_text("问题过长")

    answer = ask(page, "What are the plan's targets for 5G base stations?")
    expect(answer.locator(".pq-short")).to_have_count(1)  # one headline, no 「Answer: …」 under it
    expect(answer).not_to_contain_text("Answer:")
    expect(answer.locator(".pq-source-line")).to_contain_text("Source [1]")
    expect(page.locator("#pq-sources .pq-sources-head")).to_contain_text("Cited")
    expect(page.locator("#pq-sources .pq-card").first).to_be_visible()
    shot(page, "english")


def test_settings_filter_by_part_and_number_of_sources(page, qa):
    ninth = qa.searcher.part_labels()[8]
    page.locator("#pq-part input").click()
    page.get_by_role("option", name=ninth).click()
    expect(page.locator("#pq-part input")).to_have_value(ninth)  # chosen before the question is asked
    open_advanced(page)
    typed, slider = page.locator("#pq-k input[type='number']"), page.locator("#pq-k input[type='range']")
    for _ in range(3):  # the fold may still be opening and redraw the slider, dropping a value typed too early
        typed.fill("3")
        typed.press("Enter")
        typed.press("Tab")
        try:
            expect(slider).to_have_value("3", timeout=2000)
            break
        except AssertionError:
            continue
    expect(slider).to_have_value("3")  # the slider holds the typed value before the question is asked
    page.locator("#pq-mode").get_by_text("关键词检索").click()
    expect(slider).to_have_value("3")
    ask(page, "鄂州打算建多少5G基站？")
    expect(page.locator("#pq-details")).to_contain_text("关键词检索")
    expect(page.locator("#pq-details tbody tr")).to_have_count(3)
    expect(page.locator("#pq-sources .pq-card .pq-num")).to_have_count(3)
    for path in page.locator("#pq-sources .pq-card .pq-path").all():
        expect(path).to_contain_text(ninth.split(" ")[0])


def _open_in_browse_tab(page, qa, label_start: str):
    """Click the table-of-contents entry whose label starts with ``label_start``: (entry, section view)."""
    page.get_by_role("tab", name="目录浏览").click()
    entry = next(e for e in qa.toc() if e.label.startswith(label_start))
    page.locator("#pq-toc").get_by_text(entry.label, exact=True).click()
    view = page.locator("#pq-section-view")
    expect(view.locator("h3")).to_have_text(entry.label)
    return entry, view


def test_browse_tab_reads_any_section(page, qa):
    entry, view = _open_in_browse_tab(page, qa, "第三十一章")
    expect(view).to_contain_text(qa.section_text(entry.section_id, entry.doc_id).split("\n")[1])



def test_first_run_state_says_what_to_ask_and_what_is_in_the_library(page, qa):
    welcome = page.locator("#pq-chat .pq-welcome")
    expect(welcome).to_be_visible()
    expect(welcome).to_contain_text("可以问什么")
    expect(welcome.locator(".pq-kinds li")).to_have_count(len(EXAMPLES))
    expect(welcome.locator(".pq-stats")).to_contain_text("1 份文档")
    expect(welcome.locator(".pq-stats")).to_contain_text("鄂州市")
    expect(welcome.locator(".pq-stats")).to_contain_text("2021–2035 年")
    expect(welcome.locator(".pq-titles")).to_contain_text(qa.documents[0].meta.title)
    chat_top = page.locator("#pq-chat").bounding_box()["y"]
    assert welcome.bounding_box()["y"] - chat_top < 40  # at the top of the chat, no empty band above it
    shot(page, "first-run")
    ask(page, "三区三线是什么？")
    expect(welcome).to_have_count(0)


def test_answer_card_links_to_its_source_in_one_click(page):
    answer = ask(page, "鄂州打算建多少5G基站？")
    link = answer.locator(".pq-src-link")
    expect(link).to_contain_text(BOX_4_6)
    card = page.locator(f"[id='{link.get_attribute('href')[1:]}']")
    expect(card).to_contain_text("5000")
    top = "([card]) => card.getBoundingClientRect().top"
    assert card.evaluate(f"card => ({top})([card])") > 600  # below the chat, out of sight
    link.click()
    page.wait_for_function("card => { const r = card.getBoundingClientRect(); "
                           "return r.top >= -5 && r.bottom <= window.innerHeight + 5; }",
                           arg=card.element_handle())  # scrolled into the window (as far as the page goes)
    expect(page.locator("#pq-chat")).to_be_visible()  # still on the chat tab
    shot(page, "source-link")

    ask(page, "三区三线是什么？")  # the cards now show this answer's sources
    first = page.locator("#pq-chat [data-testid='bot']").first.locator(".pq-src-link")
    first.click()  # the first answer's link opens its section in the browse tab
    expect(page.locator("#pq-section-view h3")).to_have_text(BOX_4_6)


def test_chat_label_does_not_cover_messages_after_scrolling(page):
    for question in ["鄂州打算建多少5G基站？", "三区三线是什么？", "葛店开发区的重点产业有哪些？"]:
        ask(page, question)
    chat = page.locator("#pq-chat")
    expect(chat.locator("[data-testid='block-label']")).to_have_count(0)
    # scroll the messages half-way, then ask what is drawn along the top edge of the chat area
    on_top = chat.evaluate("""chat => {
        chat.scrollIntoView({block: 'center'});
        const scroller = [...chat.querySelectorAll('*')].find(
            e => e.scrollHeight > e.clientHeight + 50 && /auto|scroll/.test(getComputedStyle(e).overflowY));
        if (!scroller) { return ['not scrollable']; }
        scroller.scrollTop = scroller.scrollHeight / 2;
        const r = chat.getBoundingClientRect();
        return [r.left + 20, r.left + r.width / 2, r.right - 60].map(x => {
            const e = document.elementFromPoint(x, r.top + 14);
            return !e ? 'nothing' : e.closest('[data-testid="block-label"], label') ? 'label' : 'chat';
        });
    }""")
    assert on_top == ["chat", "chat", "chat"]
    shot(page, "chat-scrolled")


def test_every_label_is_chinese_even_in_an_english_browser(browser, library_server_url):
    """On an editable page (the upload area is only there when editing is allowed)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page.goto(library_server_url)
    expect(page.locator("h1")).to_have_text(re.compile("^鄂州市国民经济"))
    allowed = {w.lower() for w in re.findall(r"[A-Za-z']{3,}", " ".join(EXAMPLES))} | {"api"}
    for tab in ("文档库", "目录浏览", "问答"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(300)
        if tab == "问答":
            expect(page.locator("#pq-chat .pq-welcome")).to_be_visible()
        if tab == "文档库":
            upload = page.locator("#pq-upload")
            expect(upload).to_contain_text("将文件拖放到此处")
            expect(upload).to_contain_text("点击上传")
            expect(upload).not_to_contain_text("Drop File")
            shot(page, "library-en-browser")
            data = page.locator("#pq-library tbody").inner_text()  # ids and file names are data, not labels
            allowed |= {w.lower() for w in re.findall(r"[A-Za-z']{3,}", data + " ".join(SUPPORTED_SUFFIXES))}
        text = page.locator("body").inner_text()
        english = {w for w in re.findall(r"[A-Za-z']{3,}", text) if w.lower() not in allowed}
        assert not english, f"English words on the {tab} tab: {sorted(english)}"
    page.close()


def test_opening_a_part_lists_its_chapters_collapsed(page, qa):
    _, view = _open_in_browse_tab(page, qa, "第四篇")
    chapters = view.locator("details.pq-sub")
    expect(chapters.first).to_be_visible()
    assert view.bounding_box()["height"] < 1000  # not one 6,000-pixel page
    expect(view.locator("details.pq-sub[open]")).to_have_count(0)
    chapters.first.locator("summary").click()
    expect(chapters.first).to_have_attribute("open", "")
    expect(chapters.first.locator("p").first).to_be_visible()
    shot(page, "part-collapsed")


# --- the document library tab (its own server: uploads change its library and index) -----------


@pytest.fixture(scope="module")
def library_server_url(qa, index_dir, tmp_path_factory) -> Iterator[str]:
    """A server on a copy of the session index with an empty library of its own."""
    work = tmp_path_factory.mktemp("library-serve")
    shutil.copytree(index_dir, work / "index")
    with serve(work / "index", env={"PLANQA_HOME": str(work / "home")}, args=["--allow-edit"]) as url:
        yield url


def test_upload_a_plan_then_ask_it_and_remove_it(browser, library_server_url, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page.goto(library_server_url)
    page.get_by_role("tab", name="文档库").click()
    expect(page.locator("#pq-library tbody tr")).to_have_count(1)
    plan = write(tmp_path, "hubei.txt")
    page.locator("#pq-upload input[type=file]").set_input_files(str(plan))
    page.locator("#pq-doc-region textarea, #pq-doc-region input").first.fill("湖北省")
    page.locator("#pq-add").click()
    expect(page.locator("#pq-library-status")).to_contain_text("已添加", timeout=120_000)
    expect(page.locator("#pq-library tbody tr")).to_have_count(2)
    expect(page.locator("#pq-library")).to_contain_text("湖北省")
    # indexing runs in the background; the page swaps the new index in when it is ready
    expect(page.locator("h1")).to_have_text("规划与报告问答 · 2份文件", timeout=120_000)
    expect(page.locator(".pq-header .pq-doc")).to_contain_text("《湖北省国民经济")
    shot(page, "library")

    page.locator("#pq-upload input[type=file]").set_input_files(str(write(tmp_path, "copy.txt")))
    page.locator("#pq-add").click()
    expect(page.locator("#pq-library-status")).to_contain_text("duplicate", timeout=60_000)
    # the first upload's file left the upload box with it: only copy.txt was sent again
    expect(page.locator("#pq-library-status")).not_to_contain_text("hubei.txt")
    expect(page.locator("#pq-library tbody tr")).to_have_count(2)

    page.get_by_role("tab", name="问答").click()
    stats = page.locator("#pq-chat .pq-welcome .pq-stats")  # the first-run state follows the library
    expect(stats).to_contain_text("2 份文档")
    expect(stats).to_contain_text("湖北省")
    answer = ask(page, "湖北省到2025年建多少5G基站？")
    expect(answer).to_contain_text("15万个")
    expect(page.locator("#pq-sources .pq-doc-title").first).to_contain_text("湖北省国民经济")

    page.get_by_role("tab", name="文档库").click()
    page.locator("#pq-remove").click()  # nothing chosen: the page says so and removes nothing
    expect(page.locator("#pq-library-status")).to_contain_text("请先在上方下拉框中选择要删除的文档")
    expect(page.locator("#pq-library tbody tr")).to_have_count(2)
    page.locator("#pq-remove-select input").click()
    page.get_by_role("option", name=re.compile("hubei")).click()
    # the choice goes with the next event only once the dropdown shows it (opening the tab no longer clears it)
    expect(page.locator("#pq-remove-select input")).to_have_value(re.compile("hubei"))
    page.locator("#pq-remove").click()
    expect(page.locator("#pq-library-status")).to_contain_text("已删除", timeout=120_000)
    expect(page.locator("#pq-library tbody tr")).to_have_count(1)
    expect(page.locator("#pq-remove-select input")).to_have_value("")  # the removed document is no choice
    expect(page.locator("h1")).to_have_text(re.compile("^鄂州市国民经济"), timeout=120_000)
    page.close()


def test_two_turn_conversation_comparison_table_and_export(page):
    first = ask(page, "鄂州到2025年要建多少5G基站？")
    expect(first.locator(".pq-short")).to_contain_text("5000个")
    expect(first.locator(".pq-resolved")).to_have_count(0)
    second = ask(page, "那充电桩呢？")
    expect(second.locator(".pq-resolved")).to_have_text("理解为：鄂州到2025年要建多少充电桩")
    expect(second.locator(".pq-short")).to_contain_text("2000个")
    table = ask(page, "鄂州和湖北的5G基站目标").locator("table.pq-compare")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").nth(0)).to_contain_text("鄂州市")
    expect(table.locator("tbody tr").nth(0)).to_contain_text("5000个[1]")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("未找到")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("文档库中没有湖北省")
    label = table.locator("td.pq-label").first
    lines = label.evaluate("td => { const r = document.createRange(); r.selectNodeContents(td); "
                           "return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }")
    assert lines == 1  # 「鄂州市」 on one line
    shot(page, "conversation", docs=True)

    page.locator("#pq-export").click()
    link = page.locator("#pq-export-file a[download]").first
    expect(link).to_have_attribute("download", "问答记录.docx", timeout=ANSWER_TIMEOUT)
    with page.expect_download() as download:
        link.click()
    import docx

    document = docx.Document(download.value.path())
    paragraphs = [p.text for p in document.paragraphs]
    assert "理解为：鄂州到2025年要建多少充电桩" in paragraphs
    assert [c.text for c in document.tables[0].rows[2].cells][:2] == ["湖北省", "未找到"]


# --- what the page leads with, and what it keeps out of the way -----------------------------------


def test_retrieval_details_are_behind_one_closed_fold(page):
    answer = ask(page, "鄂州打算建多少5G基站？")
    expect(answer.locator(".pq-short")).to_have_text("5000个")
    for debug in ("得分", "用时", "混合检索"):
        expect(page.locator("#pq-chat")).not_to_contain_text(debug)
        expect(page.locator("#pq-sources")).not_to_contain_text(debug)
    expect(page.locator("#pq-mode")).to_be_hidden()
    expect(page.locator("#pq-k")).to_be_hidden()
    open_advanced(page)
    details = page.locator("#pq-details")
    expect(details).to_contain_text(re.compile(r"混合检索 · 用时 \d+ ms · 依据\d+段原文"))
    expect(details.locator("th")).to_contain_text(["来源", "得分", "答案引用", "位置"])
    shot(page, "advanced", docs=True)


def test_cited_passages_come_first_and_the_others_apart(page):
    ask(page, "鄂州打算建多少5G基站？")
    sources = page.locator("#pq-sources")
    expect(sources.locator(".pq-sources-head")).to_contain_text("引用")
    cited = sources.locator(":scope .pq-sources > .pq-card")
    expect(cited).to_have_count(1)
    expect(cited.first).to_contain_text("5000")
    others = sources.locator("details.pq-others")
    expect(others.locator(":scope > summary")).to_contain_text("其他相关段落")
    expect(others.locator(".pq-card").first).to_be_hidden()
    others.locator(":scope > summary").click()
    expect(others.locator(".pq-card").first).to_be_visible()
    refs = page.locator("#pq-refs textarea").input_value().split("\n")
    assert refs[1:] == ["[1] 第四篇第十三章第三节 专栏4-6 数字经济领域重点工程"]  # only what the answer quotes


def test_a_table_row_is_shown_as_a_table(page):
    answer = ask(page, "到2025年常住人口城镇化率目标是多少？")
    row = answer.locator("table.pq-row-table")
    expect(row).to_be_visible()
    expect(answer.locator(".pq-row-name")).to_contain_text("表：“十四五”时期鄂州市经济社会发展主要指标")
    expect(row.locator("th")).to_contain_text(["类别", "序号", "指标名称"])
    expect(row.locator("td").nth(2)).to_have_text("常住人口城镇化率（%）")
    expect(answer).not_to_contain_text("——类别")
    expect(page.locator("#pq-sources .pq-card table.pq-row-table").first).to_be_visible()
    expect(page.locator("#pq-refs textarea")).to_have_value(re.compile("表：“十四五”时期鄂州市经济社会发展主要指标"))
    shot(page, "table-row", docs=True)


def test_the_read_only_library_tab_says_how_to_enable_editing(page):
    page.get_by_role("tab", name="文档库").click()
    note = page.locator("#pq-read-only")
    expect(note).to_contain_text("此页面为只读")
    expect(note).to_contain_text("planqa serve --allow-edit")
    expect(page.locator("#pq-upload")).to_have_count(0)
    shot(page, "library-read-only")


# --- a page behind a login (its own server) ------------------------------------------------------


@pytest.fixture(scope="module")
def login_server_url(qa, index_dir, tmp_path_factory) -> Iterator[str]:
    with serve(index_dir, env={"PLANQA_HOME": str(tmp_path_factory.mktemp("login-serve"))},
               args=["--auth", "reader:s3cret"]) as url:
        yield url


def test_the_login_page_describes_no_api_and_the_login_still_works(browser, login_server_url, qa):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page.goto(login_server_url)
    assert page.evaluate("window.gradio_api_info") is None  # ui.login: nothing about /ask before the login
    page.locator("input[type=password]").fill("s3cret")
    page.locator("input[type=text]").first.fill("reader")
    page.get_by_role("button").first.click()
    expect(page.locator("h1")).to_have_text(qa.catalog().documents[0].title, timeout=60_000)
    assert "5000" in ask(page, "鄂州打算建多少5G基站").inner_text()
    page.close()
