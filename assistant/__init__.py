"""Question answering over plans: ``PlanQA.load()`` then ``qa.ask(question)``."""

from assistant.planqa import DEFAULT_K, PlanQA, TocEntry
from assistant.records import Answer, Citation

__all__ = ["DEFAULT_K", "Answer", "Citation", "PlanQA", "TocEntry"]
