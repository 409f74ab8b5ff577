"""Named evaluation configurations: each is a set of Settings overrides (or the naive baseline).

``naive``, ``dense``, ``lexical`` and ``hybrid`` always exist; ``llm`` runs by default when an LLM endpoint
and model are configured (``NOTICE_QA_LLM_BASE_URL``, ``NOTICE_QA_LLM_MODEL``). A configuration can be
adjusted on the command line as ``NAME:key=value,key=value``
(``hybrid:rrf_k=30,candidates=100``); it is then reported under that full spec.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from qa_service.settings import Settings


@dataclass(frozen=True)
class EvalConfig:
    """One side of a comparison: the product with ``overrides`` applied, or the naive baseline."""

    name: str
    description: str
    overrides: dict[str, str] = field(default_factory=dict)
    naive: bool = False


NAIVE = "naive"
BUILTIN = {
    NAIVE: EvalConfig(NAIVE, "LangChain tutorial pipeline: loaders, RecursiveCharacterTextSplitter(1000, 200), "
                             "FAISS, same embedder; top passage as the answer", naive=True),
    "dense": EvalConfig("dense", "product, dense retrieval only, extractive answerer",
                        {"retrieval_mode": "dense", "answerer": "extractive"}),
    "lexical": EvalConfig("lexical", "product, BM25 retrieval only, extractive answerer",
                          {"retrieval_mode": "lexical", "answerer": "extractive"}),
    "hybrid": EvalConfig("hybrid", "product, hybrid retrieval (dense + BM25 fused), extractive answerer",
                         {"retrieval_mode": "hybrid", "answerer": "extractive"}),
    "rules": EvalConfig("rules", "product, hybrid retrieval, extractive answerer with the hand rules alone "
                                 "(no learned answer model)",
                        {"retrieval_mode": "hybrid", "answerer": "extractive", "answer_model": "none"}),
    "llm": EvalConfig("llm", "product, hybrid retrieval, LLM answerer", {"retrieval_mode": "hybrid", "answerer": "llm"}),
}


def default_config_names(settings: Settings) -> list[str]:
    """The comparison run when no ``--config`` is given: the product configs first, then the baseline."""
    names = ["hybrid", "dense", "lexical", NAIVE]
    return names + ["llm"] if settings.llm_base_url and settings.llm_model else names


def parse_config(spec: str) -> EvalConfig:
    """``NAME`` or ``NAME:key=value,...`` into a configuration; unknown names and settings are errors."""
    name, _, extra = spec.partition(":")
    if name not in BUILTIN:
        raise ValueError(f"unknown configuration {name!r}; choose from {', '.join(BUILTIN)}")
    base = BUILTIN[name]
    if not extra:
        return base
    if base.naive:
        raise ValueError("the naive baseline takes no settings")
    overrides = dict(base.overrides)
    for item in extra.split(","):
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in Settings.model_fields:
            raise ValueError(f"{spec!r}: expected key=value with a setting name, got {item!r}")
        overrides[key] = value.strip()
    return EvalConfig(spec, f"{base.description}; {extra}", overrides)
