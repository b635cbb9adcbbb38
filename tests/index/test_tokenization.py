"""BM25 tokenization, the plan's own lexicon, and text normalization."""

from __future__ import annotations

import gc
import re
import weakref

import pytest

from corpus import Chunk
from corpus.text import normalize_text, to_halfwidth
from index.lexicon import plan_terms
from index.tokenization import ZhTokenizer

NAMES = ["葛店开发区", "花湖机场", "三江港", "红莲湖", "梁子湖"]


@pytest.fixture(scope="module")
def tokenizer() -> ZhTokenizer:
    return ZhTokenizer(NAMES)


@pytest.fixture(scope="module")
def terms(chunks) -> set[str]:
    return plan_terms(chunks)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("到2025年全市建设5G基站5000个", ["2025", "5g", "5000"]),
        ("细颗粒物（PM2.5）浓度持续下降", ["pm2.5"]),
        ("推进IPv6规模部署", ["ipv6"]),
        ("融入“1+8”武汉城市圈", ["1+8"]),
    ],
)
def test_numbers_and_ascii_terms_stay_whole(tokenizer, text, kept):
    tokens = tokenizer(text)
    for token in kept:
        assert token in tokens
    assert not {"5", "g", "pm", "2", "ipv", "6"} & set(tokens)


def test_plan_names_are_single_tokens(tokenizer):
    tokens = tokenizer("葛店开发区、花湖机场与三江港联动，保护红莲湖和梁子湖")
    for name in NAMES:
        assert name in tokens
    assert "花湖机场" not in ZhTokenizer()("花湖机场"), "without the user dictionary jieba splits the name"


def test_stopwords_and_question_words_are_dropped(tokenizer):
    tokens = tokenizer("请问鄂州打算建多少5G基站吗？")
    assert tokens == ["鄂州", "建", "5g", "基站"]
    assert tokenizer("什么是三区三线呢") == ["三区", "三线"]


def test_full_width_input_is_normalized(tokenizer):
    assert tokenizer("建设５Ｇ基站５０００个") == tokenizer("建设5G基站5000个")
    assert "5g" in tokenizer("５Ｇ")


def test_a_discarded_tokenizer_is_freed():
    """Each tokenizer holds jieba's ~60 MB dictionary; every build and load makes a new one."""
    tokenizer = ZhTokenizer(["三江港"])
    assert tokenizer("三江港建设") == tokenizer("三江港建设")
    ref = weakref.ref(tokenizer)
    del tokenizer
    gc.collect()
    assert ref() is None


def test_tokenizer_keeps_its_user_words():
    assert ZhTokenizer(["梁子湖", "三江港", "梁子湖"]).user_words == ["三江港", "梁子湖"]


def test_plan_terms_contain_the_plans_names(terms):
    for name in [*NAMES, "三区三线"]:
        assert name in terms


def test_plan_terms_do_not_start_with_a_preposition(plan, terms):
    """「以三江港」「围绕梁子湖」 are regex accidents; only a term the plan quotes or leads with may start so."""
    texts = [b.text for b in plan.blocks()]
    whole = "\n".join(texts)

    def the_plans_own(term: str) -> bool:
        quoted = f"“{term}”" in whole or f"「{term}」" in whole
        return quoted or any(t.startswith((f"{term}：", f"{term}。")) for t in texts)

    starts = re.compile(r"^(?:以|与|和|及|在|向|对|把|将|为|从|于|围绕|沿|经)")
    assert sorted(t for t in terms if starts.match(t) and not the_plans_own(t)) == []


def test_plan_terms_are_not_fragments_of_longer_words(terms):
    """Cut from 「11号线红莲湖」, 「大数据云计算产业园」, 「统筹山水林田湖草」, 「就是金山银山」."""
    fragments = {"号线红莲湖", "据云计算产业园", "统筹山", "水林田湖", "就是金山"}
    assert sorted(fragments & terms) == []


def test_plan_terms_find_a_name_that_always_follows_a_verb():
    """Any plan's names: here 三江港 twice, after 「完善」 and 「推进」 (the regex's leftmost match eats the verb)."""
    text = "完善三江港功能，建设花湖机场。推进三江港铁路物流基地建设，服务花湖机场。"
    chunk = Chunk("mini:p1", "mini", ("第一篇 航空城",), text, "paragraph", ("p1",))
    assert {"三江港", "花湖机场"} <= plan_terms([chunk])


def test_plan_terms_are_plausible(terms):
    assert all(2 < len(t) <= 12 and not t.isdigit() for t in terms)
    assert 100 < len(terms) < 2000


def test_halfwidth_leaves_chinese_punctuation_alone():
    assert to_halfwidth("ＡＢＣ１２３％，。「」（）") == "ABC123%，。「」（）"
    assert normalize_text("ＩＰｖ６") == "ipv6"
