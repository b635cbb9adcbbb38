"""The chat page in real headless Chromium (Debian's /usr/bin/chromium) against the running server.

Screenshots go to artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from tests.samples import write
from ui.process import serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"  # git-ignored
ANSWER_TIMEOUT = 30_000  # ms; the first question also warms the model up
BOX_4_6 = "专栏4-6 数字经济领域重点工程"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server_url) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page.goto(server_url)
    expect(page.locator("h1")).to_have_text("鄂州“十四五”规划问答")
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


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_answer_with_cited_box_and_section_link(page, qa):
    answer = ask(page, "鄂州打算建多少5G基站")
    expect(answer.locator("sup.pq-ref").first).to_be_visible()
    expect(answer.locator(".pq-meta")).to_contain_text(re.compile(r"用时 \d+ ms"))
    box_cards = page.locator("#pq-sources .pq-card").filter(has=page.locator(".pq-path", has_text="专栏4-6"))
    card = box_cards.filter(has=page.locator(".pq-passage", has_text="5000")).first
    expect(card).to_be_visible()
    expect(page.locator("#pq-refs textarea")).to_have_value(re.compile(f"第四篇第十三章第三节 {BOX_4_6}"))
    shot(page, "answer")

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
    page.locator("#pq-send").click()
    expect(page.locator("#pq-chat [data-testid='bot']").last).to_contain_text("请输入一个关于规划的问题")
    expect(page.locator(".toast-body")).to_have_count(0)

    answer = ask(page, "鄂州打算建多少5G基站？" + "请详细说明。" * 400)
    expect(answer.locator(".pq-warn")).to_contain_text("问题过长")

    answer = ask(page, "What are the plan's targets for 5G base stations?")
    expect(answer.locator(".pq-meta")).to_contain_text("ms")
    expect(page.locator("#pq-sources .pq-card").first).to_be_visible()


def test_settings_filter_by_part_and_number_of_sources(page, qa):
    ninth = qa.searcher.part_labels()[8]
    page.locator("#pq-part input").click()
    page.get_by_role("option", name=ninth).click()
    page.locator("#pq-k input[type='number']").fill("3")
    page.locator("#pq-k input[type='number']").press("Enter")
    page.locator("#pq-mode").get_by_text("关键词检索").click()
    answer = ask(page, "鄂州打算建多少5G基站？")
    expect(answer.locator(".pq-meta")).to_contain_text("关键词检索")
    paths = page.locator("#pq-sources .pq-card .pq-path")
    expect(paths).to_have_count(3)
    for path in paths.all():
        expect(path).to_contain_text(ninth.split(" ")[0])


def test_browse_tab_reads_any_section(page, qa):
    page.get_by_role("tab", name="目录浏览").click()
    entry = next(e for e in qa.toc() if e.label.startswith("第三十一章"))
    page.locator("#pq-toc").get_by_text(entry.label, exact=True).click()
    view = page.locator("#pq-section-view")
    expect(view.locator("h3")).to_have_text(entry.label)
    expect(view).to_contain_text(qa.section_text(entry.section_id, entry.doc_id).split("\n")[1])


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
    expect(page.locator("h1")).to_have_text("规划问答", timeout=120_000)
    expect(page.locator(".pq-header .pq-doc")).to_contain_text("《湖北省国民经济")
    shot(page, "library")

    page.locator("#pq-upload input[type=file]").set_input_files(str(write(tmp_path, "copy.txt")))
    page.locator("#pq-add").click()
    expect(page.locator("#pq-library-status")).to_contain_text("duplicate", timeout=60_000)
    expect(page.locator("#pq-library tbody tr")).to_have_count(2)

    page.get_by_role("tab", name="问答").click()
    answer = ask(page, "湖北省到2025年建多少5G基站？")
    expect(answer).to_contain_text("15万个")
    expect(page.locator("#pq-sources .pq-doc-title").first).to_contain_text("湖北省国民经济")

    page.get_by_role("tab", name="文档库").click()
    page.locator("#pq-remove-select input").click()
    page.get_by_role("option", name=re.compile("hubei")).click()
    page.locator("#pq-remove").click()
    expect(page.locator("#pq-library-status")).to_contain_text("已删除", timeout=120_000)
    expect(page.locator("#pq-library tbody tr")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("鄂州“十四五”规划问答", timeout=120_000)
    page.close()
