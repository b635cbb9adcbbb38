"""The Gradio page: a chat tab with cited sources, a browse tab with the plans' contents and a
document-library tab (upload, list, remove).

Only calls the ``assistant`` API (``qa.ask``, ``qa.toc``, ``qa.section_text``) through
ui.live.LiveQA; the HTML comes from ui.answers (an answer and its sources) and ui.render. The same
answer is exposed to programs as plain JSON (``POST /api/ask``, ui.api) and as Gradio's ``/ask`` endpoint:

    >>> from gradio_client import Client                          # doctest: +SKIP
    >>> Client("http://127.0.0.1:7860/").predict("鄂州打算建多少5G基站？", api_name="/ask")["found"]  # doctest: +SKIP
    True
"""

# No ``from __future__ import annotations``: gr.api reads the real type hints of ``ask``.

import inspect
from typing import Any

import gradio as gr

from assistant import DEFAULT_K, Answer, Filter, PlanQA
from assistant.conversation import Conversation, Turn
from assistant.query import MAX_QUESTION_CHARS
from config import settings
from corpus import SUPPORTED_SUFFIXES, PlanqaError
from ui import answers, api, render
from ui.arguments import MAX_K, check_arguments, check_history
from ui.calls import OneShotCalls
from ui.exports import Exports
from ui.limits import BodyLimit
from ui.live import LibraryReport, LiveQA
from ui.login import LoginPage
from ui.rejections import log_to_stderr, refuse_quietly, rejected
from ui.uploads import checked_uploads, discard_uploads

EXPORT_NAME = "问答记录"
EXPORT_KINDS = (".docx", ".md")
# questions answered at once (chat and /ask share the group): 2 = the cores of the machines it was
# measured on; 32 REST clients got 14.8 answers/s at 2, 10–12 at 1, no more at 4 (docs/benchmarks.md)
QA_CONCURRENCY = 2
EXAMPLES = [
    "鄂州打算建多少5G基站？",
    "葛店开发区的重点产业有哪些？",
    "到2025年常住人口城镇化率目标是多少？",
    "三区三线是什么？",
    "What are the plan's targets for 5G base stations?",
]
EMPTY_QUESTION = "请输入一个关于规划的问题，例如：「鄂州打算建多少5G基站？」"
KEPT_QUESTION_CHARS = 2 * MAX_QUESTION_CHARS  # of a chat question; the first MAX_QUESTION_CHARS are read
SOURCES_PLACEHOLDER = render.render_notice(
    "提问后，这里会列出答案所依据的规划原文，可展开全节、复制引用或在目录中查看。"
)
ALL_PARTS = ""
ALL_DOCS = ""
ALL_REGIONS = ""
# page sessions whose component state Gradio keeps (each holds a copy of the page's config, ~0.1 MB;
# every REST /ask call is a session of its own, so the default of 10,000 grew the server by ~1 GB;
# ui.calls now drops those as soon as their answer is read, this bounds pages and gradio_client)
SESSION_CAPACITY = 64
# finished events whose timing Gradio keeps for its /monitoring summary (default 10,000, ~0.5 KB each,
# and every event's end recomputes the summary over all of them with pandas: 3 ms at 1,000, 8 at 10,000);
# Gradio's GRADIO_ANALYTICS_MAX_EVENTS, set on the queue itself
MONITORED_EVENTS = 1000
UPLOAD_MAX_AGE = 3600  # seconds an upload not yet added may stay in Gradio's temp folder
STATUS_SECONDS = 2  # how often an open page asks how far indexing has got

# Source cards and the table of contents share one click handler: a "复制引用" button copies its
# reference in the browser; any element with data-section asks the server to open that section.
CLICK_JS = """
element.addEventListener('click', (event) => {
  const copy = event.target.closest('[data-ref]');
  if (copy) {
    const done = () => { copy.textContent = '已复制 ✓'; setTimeout(() => { copy.textContent = '复制引用'; }, 1500); };
    const ask = () => window.prompt('复制引用：', copy.dataset.ref);
    if (navigator.clipboard) { navigator.clipboard.writeText(copy.dataset.ref).then(done, ask); } else { ask(); }
    return;
  }
  const link = event.target.closest('[data-section]');
  if (link) { trigger('click', {doc_id: link.dataset.doc, section_id: link.dataset.section}); }
});
"""
# A 「来源 [n] …」 link in an answer (href="#pq-src-N:DOC:SECTION", see answers.source_key) scrolls
# to its source card while the cards show that answer's sources; for an earlier answer it opens
# the section in the browse tab instead.
SOURCE_LINK_JS = """
document.addEventListener('click', (event) => {
  const link = event.target.closest('#pq-chat a.pq-src-link');
  if (!link) { return; }
  event.preventDefault();
  const key = link.getAttribute('href').slice(1);
  const target = document.getElementById(key);
  const card = target && (target.closest('.pq-card') || target);
  if (card) {
    card.scrollIntoView({behavior: 'smooth', block: 'start'});
    card.classList.add('pq-flash');
    setTimeout(() => card.classList.remove('pq-flash'), 1600);
  } else {
    const [, doc, section] = key.split(':').map(decodeURIComponent);
    trigger('click', {doc_id: doc, section_id: section});
  }
});
"""
SOURCES_JS = CLICK_JS + SOURCE_LINK_JS
TOC_JS = CLICK_JS + "watch('value', () => element.querySelector('.pq-current')?.scrollIntoView({block: 'nearest'}));"

FONTS = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", "system-ui", "sans-serif"]
# Gradio's own words (upload area, buttons, status) follow the browser's language; this page is
# Chinese, so the ones it shows are given in Chinese for every language (custom translations
# extend Gradio's built-in ones).
GRADIO_ZH = {
    "upload_text.drop_file": "将文件拖放到此处",
    "upload_text.click_to_upload": "点击上传",
    "common.or": "或",
    "common.clear": "清除",
    "common.remove": "移除",
    "common.download": "下载",
    "common.error": "错误",
    "common.loading": "加载中",
    "common.empty": "空",
    "common.submit": "提交",
    "common.settings": "设置",
    "common.built_with_gradio": "使用 Gradio 构建",
    "errors.use_via_api": "通过 API 使用",
    "file.uploading": "上传中……",
    "file.drop_to_upload": "将文件拖放到此处上传",
    "dropdown.dropdown": "下拉菜单",
    "textbox.copy": "复制",
    "textbox.copied": "已复制",
    "chatbot.copy": "复制",
    "chatbot.clear": "清空对话",
    "slider.slider": "滑块",
}
GRADIO_LOCALES = ("en", "ar", "ca", "ckb", "de", "es", "et", "eu", "fa", "fi", "fr", "he", "hi", "it", "ja", "ko",
                  "lt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sv", "ta", "th", "tr", "uk", "ur", "uz")
I18N = gr.I18n(**{locale: GRADIO_ZH for locale in GRADIO_LOCALES})

THEME = gr.themes.Soft(primary_hue="red", secondary_hue="amber", neutral_hue="stone", font=FONTS,
                       font_mono=["Noto Sans Mono CJK SC", "monospace"])


def build_app(live: LiveQA | PlanQA, qa_concurrency: int = QA_CONCURRENCY) -> gr.Blocks:
    """The whole page; launch it with :func:`launch`. A bare PlanQA gives a read-only library tab."""
    live = live if isinstance(live, LiveQA) else LiveQA(live)
    qa = live.qa
    title = render.app_title(qa.catalog().documents)
    first = next(iter(_toc_choices(qa)), (None, None))[1]
    part_choices = [("全部篇", ALL_PARTS), *((label, label) for label in qa.catalog().parts)]

    def answer(question: str, k: int, mode: str, part: str, doc: str = ALL_DOCS, region: str = ALL_REGIONS,
               conversation: Conversation | None = None) -> Answer:
        ask = conversation.ask if conversation is not None else live.qa.ask
        return ask(question, k=int(k), mode=mode, where=Filter.of([part], [doc], [region]))

    def respond(question: str | None, history: list[dict[str, Any]], turns: list[Turn] | None, mode: str, k: float,
                part: str, doc: str, region: str):
        """Chat turn: (history, cleared input, source cards, references, hint, the session's conversation turns,
        the retrieval details of the 高级 fold)."""
        history = list(history or [])
        question = question or ""
        if not question.strip():  # a hint under the input box, not a chat turn
            return history, "", gr.skip(), gr.skip(), render.render_notice(EMPTY_QUESTION, "warn"), gr.skip(), gr.skip()
        # the session keeps its turns: a question is kept only as far as it can be read (the answer
        # says it was cut), so 50 turns of a 20 MB question cannot fill the server's memory
        question = question[:KEPT_QUESTION_CHARS]
        history.append({"role": "user", "content": render.render_question(question)})
        current = live.qa
        # each browser session keeps its own turns: a follow-up (「那充电桩呢？」) is read against them
        conversation = Conversation.resume(current, turns or [])
        try:
            ans = answer(question, k, mode, part, doc, region, conversation)
        except PlanqaError as exc:
            history.append({"role": "assistant", "content": render.render_notice(str(exc), "error")})
            return history, question, gr.skip(), gr.skip(), "", gr.skip(), gr.skip()
        sections = {(c.doc_id, c.section_id): current.section_text(c.section_id, c.doc_id) for c in ans.citations}
        history.append({"role": "assistant", "content": answers.render_answer(ans)})
        cards = answers.render_sources(ans, sections, show_documents=len(current.documents) > 1)
        return history, "", cards, answers.references(ans), "", conversation.turns, answers.render_details(ans)

    def export(turns: list[Turn] | None, kind: str | None, request: gr.Request):
        """The session's answers as a Word or Markdown file to download (at most one per session
        on disk, and a bounded number in all: ui.exports)."""
        conversation = Conversation.resume(live.qa, turns or [])
        if not conversation.answers:
            return gr.File(value=None, visible=False), render.render_notice("还没有可导出的问答：先提问。", "warn")
        name = f"{EXPORT_NAME}{kind if kind in EXPORT_KINDS else EXPORT_KINDS[0]}"
        path = exports.write(request.session_hash or "", name, conversation.export)
        return gr.File(value=str(path), visible=True), ""

    def ask(question: str, mode: str = "hybrid", k: int = DEFAULT_K, part: str = ALL_PARTS, doc: str = ALL_DOCS,
            region: str = ALL_REGIONS, history: list[str] | None = None) -> dict[str, Any]:
        """Answer a question about the plans: the answer text, found, and numbered citations (Answer.to_dict).

        Optional filters: ``part`` (a 篇), ``doc`` (a document id), ``region`` (e.g. 鄂州). ``history``: the
        questions asked before in this conversation, oldest first; a follow-up (「那充电桩呢？」) is then read
        against them and ``resolved_question`` says how.
        """
        try:
            question, mode, k, part, doc, region = check_arguments(question, mode, k, part, doc, region)
            history = check_history(history)
            conversation = live.qa.conversation(history) if history else None
            return answer(question, k, mode, part, doc, region, conversation).to_dict()
        except PlanqaError as exc:
            raise rejected(str(exc), "/ask") from None

    def show_section(key: str | None):
        """Browse tab: the selected section's full text, and the contents with it marked."""
        current = live.qa
        text = None
        if key:
            doc_id, section_id = render.split_toc_key(key)
            text = current.section_text(section_id, doc_id)
        return render.render_section_body(text), render.render_toc(current.toc(), key, _titles(current))

    def open_section(evt: gr.EventData):
        return render.toc_key(evt.doc_id, evt.section_id), gr.Tabs(selected="browse")

    def pick_section(evt: gr.EventData):
        return render.toc_key(evt.doc_id, evt.section_id)

    def library_views(clear_removal: bool = False):
        """The header, library table and every selector that lists documents, as they are now
        (each session's own copy: on page load, on opening the library tab, after any change). The
        removal choice is cleared only after this session's own change: a refresh (opening the tab, an
        index swapped in) keeps what the user chose."""
        current = live.qa
        views = (
            _header(current),
            render.render_library(live.rows()), gr.Dropdown(choices=_doc_choices(current)),
            gr.Dropdown(choices=_region_choices(current)), gr.Dropdown(choices=_toc_choices(current)),
            gr.Chatbot(placeholder=_welcome(current)),
        )
        if not live.editable:
            return views
        removable_choices = _removable(live)
        return (*views, gr.Dropdown(choices=removable_choices, value=None) if clear_removal
                else gr.Dropdown(choices=removable_choices))

    def library_changed(report: LibraryReport):
        """After an upload or removal: status, then the refreshed views."""
        status = render.render_notice("\n".join(report.lines), "error" if report.failed else "info")
        return (status, *library_views(clear_removal=True))

    def upload(files: list[str] | None, doc_title: str, doc_region: str, doc_period: str):
        """Add the files, then empty the upload box: its files are deleted here (the library keeps its
        own copy), and a next upload must not send them again."""
        try:
            status, *views = library_changed(live.add(files or [], doc_title, doc_region, doc_period))
        finally:
            discard_uploads(files or [])
        return (status, None, *views)

    def remove(doc_id: str | None):
        if not doc_id:  # nothing chosen: say so, change nothing
            status = render.render_notice("请先在上方下拉框中选择要删除的文档 / choose a document to remove first",
                                          "error")
            return (status, *(gr.skip() for _ in view_outputs))
        return library_changed(live.remove(doc_id))

    def indexing_status():
        """The indexing line, and the views once a background rebuild has swapped the index in."""
        current = live.qa
        status = live.status()
        line = render.render_notice(status, "error" if status.startswith("✖") else "info") if status else ""
        if current is seen.get("qa"):
            return (line, *(gr.skip() for _ in view_outputs))
        seen["qa"] = current
        return (line, *library_views())

    seen: dict[str, PlanQA] = {"qa": qa}

    def after_indexing():
        """Wait for a background rebuild to finish, then the indexing line and the views."""
        live.wait_idle(3600)
        status = live.status()
        line = render.render_notice(status, "error" if status.startswith("✖") else "info") if status else ""
        return (line, *library_views())

    with gr.Blocks(title=title, analytics_enabled=False, delete_cache=(UPLOAD_MAX_AGE, UPLOAD_MAX_AGE)) as demo:
        header = gr.HTML(_header(qa), js_on_load=None)
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=360):
                    chat = gr.Chatbot(
                        label="问答", show_label=False, elem_id="pq-chat", height=420, feedback_options=None,
                        buttons=[], latex_delimiters=[], placeholder=_welcome(qa),
                    )
                    with gr.Row(elem_id="pq-ask-row"):
                        question = gr.Textbox(
                            show_label=False, placeholder="输入问题，例如：鄂州打算建多少5G基站？（按回车提问）",
                            label="问题", elem_id="pq-question", scale=5, lines=1, max_lines=4, autofocus=True,
                        )
                        send = gr.Button("提问", variant="primary", elem_id="pq-send", scale=1, min_width=90)
                    hint = gr.HTML("", elem_id="pq-hint")
                    gr.Examples(EXAMPLES, inputs=question, label="示例问题（点击填入）")
                    sources = gr.HTML(SOURCES_PLACEHOLDER, elem_id="pq-sources", js_on_load=SOURCES_JS)
                    refs = gr.Textbox(
                        label="引用出处（可复制）", lines=4, max_lines=12, interactive=False, buttons=["copy"],
                        elem_id="pq-refs", placeholder="提问后生成可直接引用的出处",
                    )
                    turns = gr.State([])
                    with gr.Row(elem_id="pq-export-row"):
                        export_kind = gr.Radio([("文档（.docx）", ".docx"), ("文本（.md）", ".md")], value=".docx",
                                               label="导出本次对话（问题、答案、原文引文与出处）",
                                               elem_id="pq-export-kind", scale=3)
                        export_button = gr.Button("导出", elem_id="pq-export", scale=1, min_width=90)
                    export_file = gr.File(label="导出文件", visible=False, interactive=False, elem_id="pq-export-file")
                    exports = Exports(served=export_file.temp_files)
                with gr.Column(scale=1, min_width=260, elem_id="pq-side"):
                    with gr.Accordion("查找范围", open=True, elem_id="pq-scope"):
                        doc = gr.Dropdown(_doc_choices(qa), value=ALL_DOCS, label="只在此文档中查找", elem_id="pq-doc")
                        region = gr.Dropdown(_region_choices(qa), value=ALL_REGIONS, label="只查此地区",
                                             elem_id="pq-region")
                        part = gr.Dropdown(part_choices, value=ALL_PARTS, label="只在此篇中查找", elem_id="pq-part")
                    # retrieval settings and details mean little to most readers: one fold, closed
                    with gr.Accordion("高级", open=False, elem_id="pq-advanced"):
                        mode = gr.Radio(
                            [(label, m) for m, label in answers.MODE_LABELS.items()], value=qa.mode,
                            label="检索方式", elem_id="pq-mode",
                        )
                        k = gr.Slider(1, MAX_K, value=DEFAULT_K, step=1, label="来源数量", elem_id="pq-k")
                        details = gr.HTML(answers.render_details(None), elem_id="pq-details")
            with gr.Tab("目录浏览", id="browse"), gr.Row(equal_height=False):
                with gr.Column(scale=1, min_width=280):
                    section_select = gr.Dropdown(
                        _toc_choices(qa), value=first, label="选择章节", elem_id="pq-section-select"
                    )
                    toc_html = gr.HTML(render.render_toc(qa.toc(), first, _titles(qa)), elem_id="pq-toc",
                                       js_on_load=TOC_JS, max_height=620)
                with gr.Column(scale=2, min_width=360):
                    section_view = gr.HTML(show_section(first)[0], elem_id="pq-section-view", js_on_load=None,
                                           max_height=720)
            with gr.Tab("文档库", id="library") as library_tab:
                if not live.editable:
                    gr.HTML(render.render_read_only(), elem_id="pq-read-only")
                library_table = gr.HTML(render.render_library(live.rows()), elem_id="pq-library")
                index_status = gr.HTML(render.render_notice(live.status()) if live.status() else "",
                                       elem_id="pq-index-status")
                library_status = gr.HTML("", elem_id="pq-library-status")
                if live.editable:  # a read-only page has no upload or remove handlers at all, not just hidden ones
                    with gr.Row():
                        with gr.Column(scale=2):
                            files = checked_uploads(gr.File(
                                label=_upload_label(),
                                file_count="multiple", file_types=list(SUPPORTED_SUFFIXES), type="filepath",
                                elem_id="pq-upload",
                            ))
                        with gr.Column(scale=1):
                            doc_title = gr.Textbox(label="标题（可选，默认取文件首行）", elem_id="pq-doc-title")
                            doc_region = gr.Textbox(label="地区（可选，如 湖北省）", elem_id="pq-doc-region")
                            doc_period = gr.Textbox(label="期限（可选，如 2021–2025）", elem_id="pq-doc-period")
                            add_button = gr.Button("添加并更新索引", variant="primary", elem_id="pq-add")
                    with gr.Row():
                        removable = gr.Dropdown(_removable(live), value=None, label="删除已添加的文档",
                                                elem_id="pq-remove-select")
                        remove_button = gr.Button("删除并更新索引", variant="stop", elem_id="pq-remove")

        chat_io = {"inputs": [question, chat, turns, mode, k, part, doc, region],
                   "outputs": [chat, question, sources, refs, hint, turns, details]}
        for trigger in (question.submit, send.click):
            trigger(respond, **chat_io, api_visibility="private", concurrency_id="planqa",
                    concurrency_limit=qa_concurrency)
        export_button.click(export, inputs=[turns, export_kind], outputs=[export_file, hint], api_visibility="private")
        sources.click(open_section, outputs=[section_select, tabs], api_visibility="private")
        toc_html.click(pick_section, outputs=section_select, api_visibility="private")
        section_select.change(show_section, inputs=section_select, outputs=[section_view, toc_html],
                              api_visibility="private")
        view_outputs = [header, library_table, doc, region, section_select, chat]
        if live.editable:
            view_outputs.append(removable)
            changes = (
                add_button.click(upload, inputs=[files, doc_title, doc_region, doc_period],
                                 outputs=[library_status, files, *view_outputs], api_visibility="private",
                                 concurrency_id="library"),
                remove_button.click(remove, inputs=removable, outputs=[library_status, *view_outputs],
                                    api_visibility="private", concurrency_id="library"),
            )
            for change in changes:  # the changing session gets its views again once the new index is in
                change.then(after_indexing, outputs=[index_status, *view_outputs], api_visibility="private",
                            concurrency_id="indexed", concurrency_limit=None)
        demo.load(library_views, outputs=view_outputs, api_visibility="private", queue=False)
        library_tab.select(library_views, outputs=view_outputs, api_visibility="private", queue=False)
        if live.watch:
            gr.Timer(STATUS_SECONDS).tick(indexing_status, outputs=[index_status, *view_outputs],
                                          api_visibility="private", concurrency_id="status",
                                          concurrency_limit=None, show_progress="hidden")
        gr.api(ask, api_name="ask", concurrency_id="planqa", concurrency_limit=qa_concurrency)
    _default_missing_arguments(demo, ask)
    refuse_quietly(demo)
    return demo


def _default_missing_arguments(demo: gr.Blocks, ask) -> None:
    """Let REST callers send the question alone: arguments left out take the defaults of ``ask``.

    gradio_client fills them in itself; Gradio's REST route refuses a short ``data`` list with a
    bare error. Its input check is where the list can be completed before it is read.
    """
    parameters = list(inspect.signature(ask).parameters.values())
    defaults = ["", *(p.default for p in parameters[1:])]
    check = demo.validate_inputs

    def validate_inputs(block_fn, inputs):
        if block_fn.api_name == "ask" and isinstance(inputs, list) and len(inputs) < len(defaults):
            inputs.extend(defaults[len(inputs):])
        return check(block_fn, inputs)

    demo.validate_inputs = validate_inputs


def launch(live: LiveQA | PlanQA, host: str = "127.0.0.1", port: int = 7860,
           auth: tuple[str, str] | None = None, block: bool = True) -> gr.Blocks:
    """Serve the page until interrupted; ``auth``: the (user, password) of Gradio's login page,
    which then guards everything (page, /ask, uploads). ``block=False`` returns the running page
    at once (close it with ``.close()``)."""
    limits = settings()
    live = live if isinstance(live, LiveQA) else LiveQA(live)
    log_to_stderr()
    demo = build_app(live)
    demo._queue.ANALYTICS_MAX_EVENTS = MONITORED_EVENTS
    demo.launch(
        server_name=host, server_port=port, theme=THEME, css=render.CSS, ssr_mode=False,
        footer_links=["api"], show_error=False, max_file_size=limits.max_upload_bytes, i18n=I18N, auth=auth,
        state_session_capacity=SESSION_CAPACITY, prevent_thread_lock=not block,
        # a REST call's session is forgotten once its answer has been read (ui.calls); /api/ask (ui.api);
        # the login page describes no API (ui.login)
        app_kwargs={"middleware": [BodyLimit.middleware(limits, uploads=live.editable), OneShotCalls.middleware(demo),
                                   LoginPage.middleware(auth is not None)],
                    "routes": api.routes(live, auth, QA_CONCURRENCY)},
    )
    return demo


def _header(qa: PlanQA) -> str:
    return render.render_header(qa.catalog().documents)


def _toc_choices(qa: PlanQA) -> list[tuple[str, str]]:
    titles = _titles(qa)
    prefix = {d: f"〔{d}〕" if len(titles) > 1 else "" for d in titles}
    return [(prefix.get(e.doc_id, "") + "\u3000" * e.depth + e.label, render.toc_key(e.doc_id, e.section_id))
            for e in qa.toc()]


def _titles(qa: PlanQA) -> dict[str, str]:
    return {d.meta.doc_id: d.meta.title for d in qa.documents}


def _doc_choices(qa: PlanQA) -> list[tuple[str, str]]:
    return [("全部文档", ALL_DOCS), *((d.meta.title, d.meta.doc_id) for d in qa.documents)]


def _region_choices(qa: PlanQA) -> list[tuple[str, str]]:
    return [("全部地区", ALL_REGIONS), *((r, r) for r in qa.catalog().regions)]


def _removable(live: LiveQA) -> list[tuple[str, str]]:
    return [(f"{e.meta.title}（{e.meta.doc_id}）", e.meta.doc_id) for e in live.library.entries() if not e.builtin]


def _welcome(qa: PlanQA) -> str:
    """The empty chat's first-run state: what one can ask and what is in the library."""
    return render.render_welcome([d.meta for d in qa.documents], EXAMPLES)


def _upload_label() -> str:
    return f"添加规划文件（{' '.join(SUPPORTED_SUFFIXES)}，每个不超过 {settings().max_upload_mb:g} MB）"
