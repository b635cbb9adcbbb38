"""Every weight and threshold of the answering method, in one value loaded from fitted data.

``assistant/data/weights.json`` holds the values ``planqa fit`` chose by cross-validation over
documents (fit on some documents' questions, measured on the others'), with the measured numbers
beside them. Nothing else in the method holds a tuned number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "weights.json"


@dataclass(frozen=True)
class Weights:
    """How candidates are ranked and when the answerer abstains.

    Candidates: the fused retrieval's first ``rerank_depth`` passages plus each retriever's own
    first ``retriever_depth``.

    Ranking: a candidate's score is ``sentence·best + topic·topic + retrieval·(hit/top hit) +
    dense·(normalised cosine)``, plus ``figure`` × fit for number and date questions, plus ``subject``
    when the passage's lead-in or heading names the place or project the question asks about. A sentence's
    coverage blends its own (``own``) with its passage's (1 − own). Abstention: the answering
    sentence must cover ``min_coverage`` of the question's weighted words, and a figure's clause
    ``min_clause_coverage`` of them. A list question is answered by a section's own list (its headings
    or numbered paragraphs) when the section's headings cover ``min_outline_coverage`` of it and more
    than the chosen passage does.
    """

    sentence: float = 0.5
    topic: float = 0.2
    retrieval: float = 0.2
    dense: float = 0.1
    figure: float = 0.2
    subject: float = 0.2
    own: float = 0.6
    type_number: float = 0.3
    type_other: float = 0.15
    min_coverage: float = 0.25
    min_clause_coverage: float = 0.05
    list_neighbour: float = 0.9
    min_outline_coverage: float = 0.5
    rerank_depth: int = 30
    retriever_depth: int = 10
    choose_among: int = 5

    def type_weight(self, answer_type: str) -> float:
        """How much the kind of answer matters next to coverage: a number question wants a figure."""
        return self.type_number if answer_type in ("number", "date") else self.type_other

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> Weights:
        """The fitted weights (defaults for any value the file does not give)."""
        if not path.exists():
            return cls()
        values: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")).get("weights", {})
        known = {f.name for f in fields(cls)}
        return replace(cls(), **{k: v for k, v in values.items() if k in known})
