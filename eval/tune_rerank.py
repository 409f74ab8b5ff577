"""``notice-qa-eval tune-rerank``: fit the passage re-ranker (:mod:`index.rerank`) from question sets.

For every answerable question of the plan's re-rank sets the product's hybrid retrieval lists its first
``depth`` fused candidates (versions not yet collapsed, no re-ranker); a candidate is labelled right when
it matches one of the question's evidence items by the evaluation's own rule (:func:`evidence_matches`).
Scorers (logistic regressions and gradient-boosted trees, :data:`SCORERS`) are compared by grouped
cross-validation (folds by document, so a document's questions are never on both sides), on the mean
reciprocal rank of the first right passage within 10; the best is fitted on all rows and written to the
model file with its data hash and the cross-validated hit rates of the fused and the re-ranked order,
set by set. Questions with no right passage within ``depth`` count as misses for both orders and are
not fitted on (a list without a right passage teaches no ranking).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from eval.datasets import in_subset, question_group
from eval.metrics import evidence_matches
from eval.tune import TuneSet, data_hash, fit_scorer, open_set
from index.rerank import FEATURE_NAMES, MONOTONE, Reranker, RerankQuery, feature_rows
from index.retriever import HybridRetriever
from qa_service.answering.queries import lexical_gloss
from qa_service.settings import Settings

# Trees keep the directions of :data:`index.rerank.MONOTONE`.
_MONOTONIC = [MONOTONE.get(name, 0) for name in FEATURE_NAMES]
SCORERS: tuple[tuple[str, dict], ...] = (
    *(("logistic", {"C": c}) for c in (0.1, 1.0)),
    *(("trees", {"max_iter": n, "learning_rate": 0.05, "max_leaf_nodes": leaves, "min_samples_leaf": 40,
                 "l2_regularization": 1.0, "monotonic_cst": _MONOTONIC}) for n in (100, 300) for leaves in (8, 16)),
)
HIT_AT = (1, 3, 5, 10)


@dataclass
class RankRows:
    """One question's fused candidates: feature rows and labels (matches the evidence or not)."""

    set: str
    id: str
    group: str
    x: list[list[float]]
    y: list[int]


def collect(tune_set: TuneSet, settings: Settings, cache_dir: Path, depth: int,
            log: Callable[[str], None] = print, tick: Callable[[], None] | None = None) -> list[RankRows]:
    """The fused candidates of every answerable question of one set, with their features and labels."""
    container, data = open_set(tune_set, settings, cache_dir, log)
    store = container.store
    base = container.service.retriever
    fused = HybridRetriever(store, replace(base.config, collapse_versions=False), reranker=None)
    rows = []
    for q in data.questions:
        if not q.answerable or not q.evidence or not in_subset(q, tune_set.subset or ""):
            continue
        gloss = lexical_gloss(q.question)
        hits = fused.search(q.question, k=depth, lexical_extra=gloss)
        with store.read_lock():
            read = RerankQuery.of(q.question, store.lexical, gloss)
        labels = [int(any(evidence_matches({"source": h.chunk.source, "text": h.chunk.text,
                                            "section": h.chunk.section}, e) for e in q.evidence)) for h in hits]
        rows.append(RankRows(tune_set.name, q.id, f"{tune_set.group or tune_set.name}:{question_group(q)}",
                             feature_rows(read, hits), labels))
        if tick:
            tick()
    return rows


def first_right(scores: list[float], labels: list[int]) -> int | None:
    """The 1-based rank of the first right candidate when ordered by ``scores`` (ties: the fused order)."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    return next((r for r, i in enumerate(order, start=1) if labels[i]), None)


def rank_metrics(ranks: list[int | None]) -> dict:
    n = len(ranks)
    out = {f"hit@{k}": round(sum(r is not None and r <= k for r in ranks) / n, 3) for k in HIT_AT}
    out["mrr@10"] = round(sum(1 / r for r in ranks if r is not None and r <= 10) / n, 3)
    return out


def _fused_scores(rows: list[RankRows]) -> list[list[float]]:
    return [[-float(i) for i in range(len(r.y))] for r in rows]


def _fit_data(rows: list[RankRows]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and labels of the questions with a right candidate (a list without one teaches no ranking)."""
    fit_rows = [r for r in rows if any(r.y)]
    return (np.array([v for r in fit_rows for v in r.x], dtype=float),
            np.array([v for r in fit_rows for v in r.y], dtype=int))


def out_of_fold(rows: list[RankRows], kind: str, settings: dict, folds: int) -> list[list[float]]:
    """Each question's candidate scores from a scorer fitted on the folds without its document."""
    from sklearn.model_selection import GroupKFold

    groups = np.array([r.group for r in rows])
    out: list[list[float]] = [[] for _ in rows]
    for train, test in GroupKFold(n_splits=folds).split(np.zeros(len(rows)), None, groups):
        model = fit_scorer(*_fit_data([rows[i] for i in train]), kind, settings)
        for i in test:
            out[i] = [model.predict(list(v)) for v in rows[i].x]
    return out


def by_set(rows: list[RankRows], scores: list[list[float]]) -> dict[str, dict]:
    ranks = [first_right(s, r.y) for s, r in zip(scores, rows)]
    sets = {name: [k for r, k in zip(rows, ranks) if r.set == name] for name in dict.fromkeys(r.set for r in rows)}
    return {"all": rank_metrics(ranks), **{name: rank_metrics(k) for name, k in sets.items()}}


def _shown(settings: dict) -> dict:
    """The scorer settings as recorded: the monotonic directions by name."""
    if "monotonic_cst" not in settings:
        return settings
    return {**settings, "monotonic_cst": {n: d for n, d in zip(FEATURE_NAMES, settings["monotonic_cst"]) if d}}


def fit(rows: list[RankRows], folds: int, depth: int, log: Callable[[str], None] = print) -> Reranker:
    """The re-ranker fitted on ``rows``: the scorer with the best cross-validated MRR@10, its metrics recorded."""
    fused = by_set(rows, _fused_scores(rows))
    best = None
    for kind, settings in SCORERS:
        metrics = by_set(rows, out_of_fold(rows, kind, settings, folds))
        log(f"{kind} {_shown(settings)}: MRR@10 {metrics['all']['mrr@10']} (fused {fused['all']['mrr@10']}), "
            f"hit@5 {metrics['all']['hit@5']} (fused {fused['all']['hit@5']})")
        if best is None or metrics["all"]["mrr@10"] > best[0]["all"]["mrr@10"]:
            best = (metrics, kind, settings)
    metrics, kind, settings = best
    x, y = _fit_data(rows)
    training = {"data_hash": data_hash(rows), "questions": len(rows), "fitted_questions": sum(any(r.y) for r in rows),
                "candidates": int(len(y)), "sets": sorted({r.set for r in rows}), "folds": folds,
                "grouped_by": "document", "scorer": {"kind": kind, **_shown(settings)},
                "cv": {"reranked": metrics, "fused": fused}}
    return Reranker(list(FEATURE_NAMES), fit_scorer(x, y, kind, settings), depth, training)
