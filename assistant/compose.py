"""The compose stage: what the user reads, from the decision.

A confident answer leads with its short answer (the figure with its unit, the list items), then the
verbatim quote(s) with [n] markers; a table row is shown as the row it is (its table, column and
value), not as a quote. A likely but unsure answer is offered as 「可能的答案（请核对原文）」 and is
not counted as found; otherwise 「规划中未找到相关内容」 with the reason and the nearest passages.
English questions are answered in English around the Chinese quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.candidates import AnswerCandidate
from assistant.evidence import figures
from assistant.kinds import english_figure
from assistant.passages import Passage
from assistant.query import Query
from assistant.quotes import row_name, table_row_sentence
from assistant.records import Answer, Citation
from assistant.support import Decision, Judged

NOT_FOUND = "规划中未找到相关内容"
NOT_FOUND_EN = "The documents do not answer this question."
TENTATIVE = "可能的答案（请核对原文）"
TENTATIVE_EN = "Possible answer (please check the source)"
MAX_ANSWER_CHARS = 200
ROW_QUOTE_CHARS = 120  # a row of a comparison answered by a sentence (no single figure) shows this much
_MARKERS = re.compile(r"\[\d+\]")

# (passage, citation number, highlight span, used) → Citation
Cite = Callable[[Passage, int, tuple[int, int] | None, bool], Citation]


@dataclass(frozen=True)
class Framing:
    """How an answer is framed: the question, the model that retrieved, why the scope says what it says.

    ``note``: a sentence the answer starts with (「库中最新的是2025年的报告」); ``missing``: why nothing in the
    library can answer (the region or year is not held); ``named``: name the document in the answer (the
    library holds more than one); ``image``: the asked table or box was an image in its document.
    """

    query: Query
    mode: str
    model_id: str
    note: str = ""
    missing: str = ""
    named: bool = False
    image: str = ""


def compose(frame: Framing, decision: Decision, judged: Sequence[Judged], passages: Sequence[Passage],
            k: int, cite: Cite, titles: Callable[[str], str]) -> Answer:
    """The answer to ``frame.query`` (see the module docstring), with up to ``k`` citations."""
    query = frame.query
    best = decision.best.candidate if decision.best is not None and decision.level != "none" else None
    used = _used(best)
    citations = _citations(used, judged, passages, k, cite)
    markers = list(range(1, len(used) + 1))
    body = ""
    if best is None:
        text = _declined(frame)
        short = ""
    else:
        body = _body(frame, best, used, markers, titles)
        short = best.short
        if decision.level == "answer":
            lead = (english_figure(short) if query.english else short) if short else ""
            text = (f"{lead}\n" if query.english and lead else f"{lead}。\n" if lead else "") + body
        else:
            lead = f"{TENTATIVE_EN}: " if query.english else f"{NOT_FOUND}（把握不足）。{TENTATIVE}："
            shown = (english_figure(short) if query.english else short) if short else ""
            text = lead + (f"{shown}\n" if shown else "") + body
            short = ""
        if frame.note:
            text = f"{frame.note}{text}"
    found = decision.level == "answer"
    keys = (short,) if found and best is not None and best.figure is not None else tuple(
        dict.fromkeys(f for c in used for f in figures(_quote_of(c)))) if found else ()
    return Answer(
        question=query.raw, text=text, found=found, citations=tuple(citations), question_type=query.answer_type,
        mode=frame.mode, model_id=frame.model_id, key_spans=keys, short_answer=short if found else "",
        confidence=round(decision.confidence, 3) if decision.best is not None else None, level=decision.level,
        extras={"reason": decision.reason, "support": round(decision.best.support, 4) if decision.best else None,
                "candidate": best.kind if best is not None else "",
                "tentative": best.short if best is not None and not found else "",
                "quotes": body, "unsure": _unsure(decision)},
    )


def _unsure(decision: Decision) -> str:
    """The answer the decision did not give (its short answer and quote), for measuring calibration."""
    if decision.best is None or decision.level == "answer":
        return ""
    candidate = decision.best.candidate
    return f"{candidate.short} {candidate.quoted}".strip()


@dataclass(frozen=True)
class _Used:
    """A passage the answer quotes and the span it quotes."""

    passage: Passage
    span: tuple[int, int]
    candidate: AnswerCandidate


def _used(best: AnswerCandidate | None) -> list[_Used]:
    if best is None:
        return []
    out = [_Used(best.passage, best.quote, best)]
    out += [_Used(passage, span, best) for passage, span in best.also]
    return out


def _quote_of(used: _Used) -> str:
    return used.candidate.note if used.candidate.note and used.passage is used.candidate.passage else \
        used.passage.chunk.text[used.span[0] : used.span[1]]


def _citations(used: list[_Used], judged: Sequence[Judged], passages: Sequence[Passage], k: int,
               cite: Cite) -> list[Citation]:
    """The quoted passages first, then the others by their best candidate's support, then by rank."""
    order: list[tuple[Passage, tuple[int, int] | None, bool]] = [(u.passage, u.span, True) for u in used]
    seen = {u.passage.chunk.chunk_id for u in used}
    for passage in [j.candidate.passage for j in judged] + list(passages):
        if passage.chunk.chunk_id not in seen and len(order) < max(k, len(used)):
            seen.add(passage.chunk.chunk_id)
            order.append((passage, None, False))
    return [cite(p, n, span, is_used) for n, (p, span, is_used) in enumerate(order, start=1)]


def _body(frame: Framing, best: AnswerCandidate, used: list[_Used], markers: list[int],
          titles: Callable[[str], str]) -> str:
    """The quotes with their markers; a table row as its table, column and value."""
    query = frame.query
    source = titles(best.chunk.doc_id)
    lead = f"According to 《{source}》: " if query.english else (f"《{source}》：" if frame.named else "")
    pieces: list[str] = []
    for use, n in zip(used, markers, strict=True):
        chunk = use.passage.chunk
        if chunk.kind == "table_row" and chunk.fields:
            table = chunk.path[-1] if chunk.path else ""
            piece = f"表「{table}」：{row_name(chunk.fields)}——{table_row_sentence(chunk.fields, best.column)}[{n}]"
        else:
            piece = f"「{_quote_of(use)}」[{n}]"
        if pieces and len(lead) + len("；".join([*pieces, piece])) > MAX_ANSWER_CHARS:
            break
        pieces.append(piece)
    return lead + "；".join(pieces)


def _declined(frame: Framing) -> str:
    why = frame.image or frame.missing
    if frame.query.english:
        return f"{NOT_FOUND_EN} The nearest passages are listed below for reference."
    return f"{NOT_FOUND}。" + (f"{why}。" if why else "") + "以下是最接近的段落，供参考。"


def rows_answer(query: Query, rows: Sequence[tuple[str, Answer, str]], mode: str, model_id: str, kind: str) -> Answer:
    """One line per (label, answer, why the library lacks it) with its own numbered citation; a row
    without an answer says 未找到, and only when no row is found is nothing found."""
    citations: list[Citation] = []
    lines, records = [], []
    colon, not_found = (": ", "not found") if query.english else ("：", "未找到")
    for label, row, missing in rows:
        unsure = row.level == "tentative" and row.extras.get("tentative")
        if (row.found or unsure) and row.citations:
            first = next((c for c in row.citations if c.used), row.citations[0])
            citations.append(_renumbered(first, len(citations) + 1))
            short = row.short_answer or (row.extras.get("tentative", "") if unsure else "")
            value = short or _MARKERS.sub("", row.text).strip()[:ROW_QUOTE_CHARS]
            if query.english and short:
                value = english_figure(short)
            if unsure:  # offered, not answered: 「可能：66.8%（请核对原文）」
                value = f"possibly {value} (check the source)" if query.english else f"可能：{value}（请核对原文）"
            lines.append(f"{label}{colon}{value}[{len(citations)}]")
        else:
            lines.append(f"{label}{colon}{not_found}" + (f"（{missing}）" if missing and not query.english else ""))
        records.append({"label": label, "found": row.found, "value": row.short_answer,
                        "citation": len(citations) if (row.found or unsure) and row.citations else None,
                        "reason": row.extras.get("reason", ""), "confidence": row.confidence})
    found = any(r["found"] for r in records)
    offered = any(r["citation"] for r in records)
    declined = f"{NOT_FOUND_EN} " if query.english else f"{NOT_FOUND}。"
    text = "\n".join(lines) if found else declined + ("\n" if offered else "") + ("\n" if offered else "；").join(lines)
    confidences = [r["confidence"] for r in records if r["found"] and r["confidence"] is not None]
    level = "answer" if found else "tentative" if offered else "none"
    return Answer(query.raw, text, found, tuple(citations), query.answer_type, mode, model_id,
                  short_answer="；".join(lines) if found else "", extras={"rows": records, kind: True},
                  confidence=min(confidences) if confidences else None, level=level)


def _renumbered(citation: Citation, number: int) -> Citation:
    return replace(citation, number=number)
