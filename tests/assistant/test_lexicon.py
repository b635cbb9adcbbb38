"""English words the glossary lacks, looked up in CC-CEDICT against the shipped plan's own vocabulary
(assistant.lexicon), and the answers that need them."""

from __future__ import annotations

import pytest

from assistant.evidence import bigrams
from assistant.glossary import Glossary
from assistant.lexicon import Lexicon


@pytest.fixture(scope="module")
def plan_rarity(chunks):
    """A word's rarity in the shipped plan as the assistant measures it: None when the plan lacks it."""
    text = "\n".join(c.text for c in chunks)
    counts = {g: text.count(g) for c in chunks for g in bigrams(c.text)}
    def rarity(word: str) -> float | None:
        grams = bigrams(word)
        return None if not grams or any(g not in counts for g in grams) else -min(counts[g] for g in grams)
    return rarity


def test_a_phrase_becomes_the_words_the_plan_uses(plan_rarity):
    lexicon = Lexicon(plan_rarity)
    # CC-CEDICT glosses 「reclaimed water」 as 中水 and 再生水; the plan writes only the second
    assert lexicon.chinese_terms("reclaimed water") == ["再生水"]
    # 「develop」 glosses a dozen words (发扬, 发育, 恢宏…): the two the plan uses most are kept
    [develop] = lexicon.chinese_terms("develop")
    assert set(develop.split()) == {"建设", "发展"}


def test_plurals_hyphens_and_nouns_of_verbs_are_looked_up(plan_rarity):
    terms = Lexicon(plan_rarity).chinese_terms("what reclaimed-water utilization rate")
    assert terms[0] == "再生水" and "利用" in terms[1]


def test_stopwords_and_unknown_words_give_nothing(plan_rarity):
    assert Lexicon(plan_rarity).chinese_terms("what does the plan want to do about it") == []
    assert Lexicon(plan_rarity).chinese_terms("xylophone quarterback") == []


def test_the_dictionary_is_asked_only_when_the_glossary_names_nothing_but_places(plan_rarity):
    asked: list[str] = []
    def fallback(text: str) -> list[str]:
        asked.append(text)
        return Lexicon(plan_rarity).chinese_terms(text)
    glossary = Glossary.load(fallback=fallback)
    # the glossary knows 5G base stations: its terms are kept as the support model was fitted on them
    assert glossary.chinese_terms("how many 5g base stations will ezhou build") == ["基站", "鄂州", "5G 5G基站"]
    assert not asked
    terms = glossary.chinese_terms("what reclaimed-water utilization rate does ezhou aim for")
    assert terms[:2] == ["鄂州", "再生水"] and len(asked) == 1
    # text that asks nothing is not looked up: the dictionary would read 「drop table」 as 下降 and 表格
    assert glossary.chinese_terms("'; DROP TABLE chunks; --") == [] and len(asked) == 1


def test_an_english_question_in_everyday_words_is_answered_from_the_plan(qa):
    """Before the dictionary, the question had no word to look up besides 鄂州 and was declined."""
    answer = qa.ask("What reclaimed-water utilization rate does Ezhou aim for?")
    assert answer.found
    assert answer.short_answer.startswith("20%")
    assert "再生水" in answer.citations[0].text


def test_an_english_question_asking_a_quantity_in_other_words_gets_the_figure(qa):
    """「What life expectancy does … aim for」 was typed a fact and answered with the whole table row."""
    answer = qa.ask("What life expectancy does Ezhou aim for by 2025?")
    assert answer.found and answer.question_type == "number"
    assert answer.short_answer.startswith("79")
    assert "人均预期寿命" in answer.citations[0].text


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("How big should Ezhou's biomedicine industry be by 2025?", "生物医药"),
        ("What is Hangzhou's 2030 revenue target for its core integrated-circuit industry?", "集成电路"),
        ("Which aerospace projects does the plan name?", "航空航天"),
    ],
)
def test_the_industries_english_questions_name_are_in_the_glossary(question, term):
    # the glossary had no entry for them, so the question's subject was searched and judged by nothing
    assert term in Glossary.load().chinese_terms(question)
