"""LangChain integration: the plan as a ``BaseRetriever``, and a small question-answering chain.

>>> from assistant import PlanQA                                    # doctest: +SKIP
>>> from assistant.langchain_retriever import PlanQARetriever, build_qa_chain
>>> qa = PlanQA.load()                                              # doctest: +SKIP
>>> docs = PlanQARetriever(qa=qa, k=3).invoke("鄂州打算建多少5G基站？")  # doctest: +SKIP
>>> docs[0].metadata["reference"]                                   # doctest: +SKIP
'《…纲要》第四篇第十三章第三节 专栏4-6 数字经济领域重点工程'
>>> build_qa_chain(qa).invoke("三区三线是什么？")                    # doctest: +SKIP
'「三区三线：三区为主体功能区、……」[1]'
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from assistant.generative import SYSTEM_PROMPT, USER_TEMPLATE
from assistant.planqa import DEFAULT_K, PlanQA
from index.searcher import Mode


class PlanQARetriever(BaseRetriever):
    """The ``k`` best passages of the plan for a query, as LangChain Documents.

    ``page_content`` is the passage; ``metadata`` holds path (「第四篇 … › 专栏4-6 …」), chunk_id,
    score, doc_id, doc_title, section_id, a quotable reference and the passage's footnotes. ``mode`` is "bm25", "dense"
    or "hybrid" (None: the PlanQA's own mode).
    """

    qa: PlanQA
    k: int = DEFAULT_K
    mode: Mode | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(
                page_content=c.text,
                metadata={
                    "path": c.path_text,
                    "chunk_id": c.chunk_id,
                    "score": c.score,
                    "doc_id": c.doc_id,
                    "doc_title": c.doc_title,
                    "section_id": c.section_id,
                    "reference": c.reference(),
                    "footnotes": list(c.footnotes),
                },
            )
            for c in self.qa.retrieve(query, k=self.k, mode=self.mode)
        ]


def format_passages(documents: list[Document]) -> str:
    r"""「[1] 出处：…\n段落\n注：…」 blocks, numbered in retrieval order, for the prompt."""
    return "\n\n".join(
        f"[{n}] 出处：{d.metadata['path']}\n{d.page_content}" + "".join(f"\n注：{f}" for f in d.metadata["footnotes"])
        for n, d in enumerate(documents, start=1)
    )


QA_PROMPT = ChatPromptTemplate.from_messages([("system", SYSTEM_PROMPT), ("human", USER_TEMPLATE)])


def build_qa_chain(qa: PlanQA, llm: Runnable[Any, Any] | None = None, k: int = DEFAULT_K) -> Runnable[str, str]:
    """A chain from a question to an answer string with [n] citations.

    With ``llm`` (any LangChain chat model, e.g. ``ChatOpenAI(base_url=…)``): retriever →
    numbered passages → ``QA_PROMPT`` → llm → text. Unlike ``planqa ask --llm``, this
    plain chain does not verify the model's figures. Without ``llm``: the extractive answer.

    >>> chain = build_qa_chain(qa)             # doctest: +SKIP
    >>> chain.invoke("三区三线是什么？")         # doctest: +SKIP
    """
    if llm is None:
        return RunnableLambda(lambda question: qa.ask(question, k=k).text, name="planqa_extractive")
    retriever = PlanQARetriever(qa=qa, k=k)
    passages = retriever | RunnableLambda(format_passages)
    # the question as a JSON string, framed as data (assistant.generative.USER_TEMPLATE)
    question = RunnablePassthrough() | RunnableLambda(lambda q: json.dumps(q, ensure_ascii=False))
    return {"passages": passages, "question": question} | QA_PROMPT | llm | StrOutputParser()
