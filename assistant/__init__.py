"""Question answering over plans: ``PlanQA.load()`` then ``qa.ask(question)``."""

from assistant.browse import TocEntry
from assistant.planqa import DEFAULT_K, LibraryCatalog, PlanQA
from assistant.query import Query, QueryError
from assistant.records import Answer, Citation
from index.searcher import Filter

__all__ = ["DEFAULT_K", "Answer", "Citation", "Filter", "LibraryCatalog", "PlanQA", "Query", "QueryError", "TocEntry"]
