"""Reading given passages (eval/reading.py) on the shipped plan: five passages, with and without the
one holding the answer, read by planqa as a library of their own and by the bigram picker."""

from __future__ import annotations

from eval.metrics import evidence_in_passage
from eval.qaset import QAItem
from eval.reading import PASSAGES, ask_over, bigram_pick, measure, readings, render

EVIDENCE = "到2025年，全市建设5G基站5000个"


def _item(qa, question: str = "鄂州到2025年要建多少个5G基站？") -> QAItem:
    doc = qa.searcher.documents()[0].doc_id
    return QAItem("r1", question, "5000个", ("5000个",), EVIDENCE, "", "number", "easy", doc=doc)


def test_the_passages_are_the_answers_and_the_nearest_that_do_not_hold_it(qa):
    [reading] = readings(qa, [_item(qa)])
    assert evidence_in_passage(EVIDENCE, reading.gold.text)
    with_answer, without = reading.passages(True), reading.passages(False)
    assert len(with_answer) == len(without) == PASSAGES and reading.gold in with_answer
    assert not any(evidence_in_passage(EVIDENCE, c.text) or "5000个" in c.text for c in without)
    assert reading.passages(True) == with_answer  # the same order every time


def test_planqa_answers_from_the_answers_passage_and_declines_without_it(qa):
    item = _item(qa)
    [reading] = readings(qa, [item])
    answer = ask_over(reading.passages(True), qa, item, None)
    assert answer.found and answer.short_answer.startswith("5000")
    assert not ask_over(reading.passages(False), qa, item, None).found


def test_the_bigram_picker_quotes_the_sentence_sharing_most_bigrams(qa):
    item = _item(qa, "全市建设5G基站多少个？")
    [reading] = readings(qa, [item])
    assert "5G基站5000个" in bigram_pick(item.question, reading.passages(True))
    assert "5000个" not in bigram_pick(item.question, reading.passages(False))


def test_the_measure_scores_planqa_and_the_picker_on_the_same_passages(qa):
    result = measure(qa, readings(qa, [_item(qa)]), None, progress=False)
    [row] = result["items"]
    assert row["planqa_right"] and row["planqa_best_right"] and row["declined_without"]
    assert result["with_answer"]["planqa_precision"] == 1.0 and result["without_answer"]["planqa_declined"] == 1.0
    assert "bigram picker" in render(result)
