"""Run configurations over a question set: answer every question, score it, summarise.

:func:`run_eval` is the whole evaluation behind ``notice-qa-eval run``: it builds or reuses the
indexes (one per distinct index key, see ``eval.indexes``), the naive baseline's index, answers every
question with each configuration (the embedder is loaded once per index), and scores the answers.
:func:`run_product_configs` does the same over a store that already exists (the CI floor test).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from eval.adapters import EvalDataset
from eval.configs import EvalConfig
from eval.datasets import Question
from eval.metrics import QuestionScore, score_question, summarize, summarize_by_type
from qa_service.container import Container
from qa_service.schemas import AskResponse
from qa_service.settings import Settings

Ask = Callable[[str], AskResponse]


@dataclass
class ConfigResult:
    """One configuration's predictions (``ask --json`` objects with the question id) and scores."""

    config: EvalConfig
    predictions: list[dict]
    scores: list[QuestionScore]
    summary: dict
    by_type: dict
    index: dict = field(default_factory=dict)  # how its index came to be: key, reused, build_s, warnings


@dataclass
class EvalResult:
    dataset: EvalDataset
    results: list[ConfigResult]
    outcomes: list[dict] = field(default_factory=list)  # the product index's per-document ingest outcomes

    def result(self, name: str) -> ConfigResult | None:
        return next((r for r in self.results if r.config.name == name), None)


def answer_all(ask: Ask, questions: list[Question], id_key: str = "id",
               progress: Callable[[], None] | None = None) -> list[dict]:
    """Each question's answer as ``{id_key: id, **output contract, "wall_ms": ...}``."""
    predictions = []
    for q in questions:
        started = time.perf_counter()
        response = ask(q.question)
        wall_ms = (time.perf_counter() - started) * 1000
        predictions.append({id_key: q.id, **response.model_dump(), "wall_ms": round(wall_ms, 2)})
        if progress:
            progress()
    return predictions


def score_predictions(questions: list[Question], predictions: list[dict], id_key: str = "id") -> list[QuestionScore]:
    """Scores in question order; a question without a prediction is scored as an empty abstention."""
    by_id = {str(p.get(id_key)): p for p in predictions}
    missing = {"answer": "", "abstained": True, "citations": [], "passages": [], "timings_ms": {}}
    return [score_question(q, by_id.get(q.id, missing)) for q in questions]


def evaluate(config: EvalConfig, questions: list[Question], ask: Ask, id_key: str = "id",
             progress: Callable[[], None] | None = None, index: dict | None = None) -> ConfigResult:
    """Answer and score ``questions`` with one configuration.

    One untimed warm-up question comes first, so lazy model and index loading is not charged to the
    first question's latency.
    """
    if questions:
        ask(questions[0].question)
    predictions = answer_all(ask, questions, id_key, progress)
    scores = score_predictions(questions, predictions, id_key)
    return ConfigResult(config, predictions, scores, summarize(scores), summarize_by_type(scores), index or {})


def run_product_configs(base: Container, questions: list[Question], configs: list[EvalConfig],
                        id_key: str = "id") -> list[ConfigResult]:
    """Product configurations over ``base``'s existing store (their overrides must be query-time only)."""
    index = {"store": str(base.settings.data_dir)}
    return [evaluate(c, questions, base.with_query_settings(**c.overrides).service.ask, id_key, index=index)
            for c in configs]


def run_eval(dataset: EvalDataset, configs: list[EvalConfig], settings: Settings, cache_dir: str | Path,
             rebuild: bool = False, log: Callable[[str], None] = lambda message: None,
             progress_factory: Callable[[str, int], Callable[[], None]] | None = None,
             store_dir: str | Path | None = None) -> EvalResult:
    """Answer and score every question of ``dataset`` with each configuration.

    Args:
        dataset: questions and corpus (``eval.adapters.load_dataset``).
        configs: configurations in report order; the naive baseline may be among them.
        settings: the base settings every configuration's overrides apply to.
        cache_dir: where indexes are cached between runs.
        rebuild: build the product indexes again even when cached.
        log: receives one-line progress messages.
        progress_factory: ``(config name, total) -> tick`` for a progress bar per configuration.
        store_dir: an existing store to evaluate as it is, instead of the cached index of the corpus
            (configurations must then differ in query-time settings only).
    """
    from eval.indexes import QUERY_TIME_SETTINGS, BuiltIndex, code_fingerprint, ensure_index, index_key
    from eval.naive import NaivePipeline

    code = code_fingerprint()  # once: sources edited during a run must not split its configurations' index
    # Each configuration's overrides apply to the run's settings, not to those of the configuration that built
    # the shared index: otherwise "hybrid" after "hybrid:answer_model=X" would answer with X too.
    query_defaults = {k: v for k, v in settings.model_dump().items() if k in QUERY_TIME_SETTINGS and k != "data_dir"}
    built: dict[str, BuiltIndex] = {}
    results: dict[str, ConfigResult] = {}
    outcomes: list[dict] = []
    shared = None  # the first product container: its embedder and parser serve the baseline too
    existing = Container(Settings(**{**settings.model_dump(), "data_dir": Path(store_dir)})) if store_dir else None
    for config in sorted(configs, key=lambda c: c.naive):  # the baseline last, to reuse a loaded embedder
        if config.naive:
            base = shared or Container(settings)
            naive = NaivePipeline.build(dataset.corpus, base.embedder, base.parser, cache_dir, log=log)
            ask, index = naive.ask, {"warnings": naive.warnings}
        elif existing is not None:
            shared = existing
            ask = existing.with_query_settings(**{**query_defaults, **config.overrides}).service.ask
            index = {"store": str(store_dir)}
        else:
            config_settings = Settings(**{**settings.model_dump(), **config.overrides})
            key = index_key(dataset.corpus, config_settings, code)
            if key not in built:
                built[key] = ensure_index(dataset.corpus, config_settings, cache_dir, rebuild=rebuild, log=log,
                                          code=code)
            store = built[key]
            outcomes = outcomes or store.outcomes
            shared = shared or store.container
            ask = store.container.with_query_settings(**{**query_defaults, **config.overrides}).service.ask
            index = {"key": store.key, "reused": store.reused, "build_s": round(store.build_s, 1)}
        tick = progress_factory(config.name, len(dataset.questions)) if progress_factory else None
        results[config.name] = evaluate(config, dataset.questions, ask, dataset.id_key, tick, index)
    return EvalResult(dataset, [results[c.name] for c in configs], outcomes)
