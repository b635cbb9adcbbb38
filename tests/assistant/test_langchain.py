"""The LangChain retriever and example chain on the real shipped plan and index."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.messages import AIMessage
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import RunnableLambda
from pydantic import ValidationError

from assistant.langchain_retriever import PlanQARetriever, build_qa_chain

METADATA_KEYS = {"path", "chunk_id", "score", "doc_id", "doc_title", "section_id", "reference", "footnotes"}


def test_retriever_returns_documents_with_their_place_in_the_plan(qa):
    documents = PlanQARetriever(qa=qa, k=3).invoke("鄂州打算建多少5G基站？")
    assert len(documents) == 3 and all(isinstance(d, Document) for d in documents)
    assert all(set(d.metadata) == METADATA_KEYS for d in documents)
    box = [d for d in documents if "专栏4-6" in d.metadata["path"]]
    assert box, [d.metadata["path"] for d in documents]
    assert "5G基站5000个" in box[0].page_content
    assert box[0].metadata["reference"].endswith("专栏4-6 数字经济领域重点工程")
    assert box[0].metadata["doc_id"] == qa.documents[0].meta.doc_id
    chunk = qa.searcher.chunk(box[0].metadata["chunk_id"])
    assert chunk.text == box[0].page_content


def test_retriever_follows_k_and_mode(qa):
    question = "三区三线是什么？"
    for mode in ("bm25", "dense", "hybrid"):
        documents = PlanQARetriever(qa=qa, k=2, mode=mode).invoke(question)
        expected = qa.retrieve(question, k=2, mode=mode)
        assert [d.metadata["chunk_id"] for d in documents] == [c.chunk_id for c in expected]


def test_retriever_rejects_a_bad_mode(qa):
    with pytest.raises(ValidationError):
        PlanQARetriever(qa=qa, mode="fuzzy")


def test_extractive_chain(qa):
    text = build_qa_chain(qa).invoke("三区三线是什么？")
    assert "永久基本农田红线" in text and "[1]" in text


def test_chain_with_a_model_gets_numbered_passages(qa):
    prompts: list[PromptValue] = []

    def model(prompt: PromptValue) -> AIMessage:
        prompts.append(prompt)
        return AIMessage(content="三线包括永久基本农田红线[1]。")

    chain = build_qa_chain(qa, llm=RunnableLambda(model), k=3)
    assert chain.invoke("三区三线是什么？") == "三线包括永久基本农田红线[1]。"
    system, user = prompts[0].to_messages()
    assert "[n]" in system.content
    assert '\n"三区三线是什么？"\n' in user.content  # the question framed as data
    assert "[1] 出处：" in user.content and "[3] 出处：" in user.content and "[4] 出处：" not in user.content
    assert "注：三区三线：" in user.content  # the definition lives in a footnote
