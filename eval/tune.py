"""``notice-qa-eval tune``: fit the answer model (:mod:`qa_service.answering.model`) from question sets.

For every question of the tuning sets (``eval/tune.json``) the product retrieves passages and the
extractive answerer lists its candidates (:meth:`ExtractiveAnswerer.deliberate`). A candidate is
labelled right when its text holds at least ``RIGHT_SHARE`` of the question's key facts; every
candidate of an unanswerable question is wrong. Then, with folds grouped by document (a question
and its document never sit on both sides of a fold):

1. a scorer over the candidate features: a logistic regression or gradient-boosted trees, the kind and
   its settings chosen by cross-validation (:data:`SCORERS`);
2. the preference for the short extract (``prefer_extract``) chosen on out-of-fold scores, and the
   window of the passage candidates (``window_chars``, each value of the plan's grid collected and
   fitted) by the right answers given at the target precision;
3. isotonic calibration of the chosen candidate's out-of-fold score: ``confidence``;
4. the threshold: the lowest confidence whose answered questions reach the target precision on
   the out-of-fold predictions (when no threshold reaches it, the one answering only where the
   calibrated probability of being right is at least the target); and the vetoes: hand checks whose
   failure leaves the answers given despite it below the target precision (:func:`choose_vetoes`).

It prints the cross-validated metrics next to the hand rules on the same questions, and writes the
model file stamped with a hash of its training data.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from eval.adapters import load_dataset
from eval.datasets import Question, in_subset, question_group
from eval.metrics import RIGHT_SHARE, key_fact_recall, risk_coverage
from qa_service.answering.abstain import CHECKS
from qa_service.answering.candidates import PASSAGE
from qa_service.answering.features import FEATURE_NAMES, Deliberation, feature_vector
from qa_service.answering.model import AnswerModel, Calibration, LogisticModel, TreeEnsemble, pick
from qa_service.container import Container
from qa_service.service import MIN_PASSAGES
from qa_service.settings import Settings

# The scorers tried, each by grouped cross-validation: (kind, settings). Trees see interactions a linear
# score cannot (a low coverage matters less when every candidate's is low); shallow, many-leaved, slowly
# learned and L2-regularised because the fit sets hold a few hundred questions.
SCORERS: tuple[tuple[str, dict], ...] = (
    *(("logistic", {"C": c}) for c in (0.03, 0.1, 0.3, 1.0, 3.0)),
    *(("trees", {"max_iter": n, "learning_rate": 0.05, "max_leaf_nodes": leaves, "min_samples_leaf": 20,
                 "l2_regularization": 1.0}) for n in (100, 250) for leaves in (4, 8)),
)
PREFER_GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 2.0)  # 2.0: always the extract


@dataclass
class TuneSet:
    """A question set to fit on: questions, the corpus they are asked over, optionally a ready store."""

    name: str
    questions: str
    dataset: str = "notices"
    corpus: str | None = None
    store: str | None = None
    subset: str | None = None
    settings: dict = field(default_factory=dict)
    # Sets over one corpus name the same group, so the questions of one document, from whichever set,
    # always fall in the same fold.
    group: str = ""
    # The models fitted on it: the answer model (``tune``) and the passage re-ranker (``tune-rerank``).
    models: list[str] = field(default_factory=lambda: ["answer", "rerank"])


@dataclass
class QuestionRows:
    """One question's candidates: feature rows, labels (right or not), kinds, and the hand rules' decision."""

    set: str
    id: str
    group: str
    answerable: bool
    x: list[list[float]]
    y: list[int]
    hand_abstained: bool
    kinds: list[str] = field(default_factory=list)
    composite: bool = False  # answered from several places: the hand checks decide (ExtractiveAnswerer.decide)


def load_plan(path: str | Path) -> tuple[list[TuneSet], dict]:
    plan = json.loads(Path(path).read_text(encoding="utf-8"))
    return [TuneSet(**s) for s in plan["sets"]], {k: v for k, v in plan.items() if k != "sets"}


def open_set(tune_set: TuneSet, settings: Settings, cache_dir: Path, log: Callable[[str], None]):
    """A container over the set's store (its own, or the cached index of its corpus, built when missing) with
    the answer model off, and the set's questions."""
    from eval.indexes import ensure_index

    base = Settings(**{**settings.model_dump(), **tune_set.settings, "answer_model": "none"})
    data = load_dataset(tune_set.dataset, tune_set.questions, tune_set.corpus)
    if tune_set.store:
        return Container(Settings(**{**base.model_dump(), "data_dir": Path(tune_set.store)})), data
    return ensure_index(data.corpus, base, cache_dir, log=log).container, data


def collect(tune_set: TuneSet, settings: Settings, cache_dir: Path, plans: list[tuple[int, int]],
            log: Callable[[str], None] = print,
            tick: Callable[[], None] | None = None) -> dict[tuple[int, int], list[QuestionRows]]:
    """The candidate rows of every (text-form) question of one set for each plan ``(passages, window)``: how
    many retrieved passages are candidates, read how far around their best unit. The store is opened and
    each question retrieved once for all plans."""
    container, data = open_set(tune_set, settings, cache_dir, log)
    questions = [q for q in data.questions
                 if in_subset(q, tune_set.subset or "") and q.answer_form in ("text", "span")]
    service, answerer = container.service, container.answerer
    rows: dict[tuple[int, int], list[QuestionRows]] = {plan: [] for plan in plans}
    for q in questions:
        hits = service.retrieve(q.question, k=max(service.top_k, MIN_PASSAGES))
        for passages, window in plans:
            answerer.config = replace(answerer.config, candidate_passages=passages, window_chars=window)
            rows[passages, window].append(_rows(tune_set.name, tune_set.group or tune_set.name, q,
                                                answerer.deliberate(q.question, hits)))
        if tick:
            tick()
    return rows


def _rows(set_name: str, group: str, q: Question, deliberation: Deliberation) -> QuestionRows:
    labels = [int(q.answerable and (key_fact_recall(q, {"answer": c.answer.text}) or 0.0) >= RIGHT_SHARE)
              for c in deliberation.candidates]
    return QuestionRows(set_name, q.id, f"{group}:{question_group(q)}", q.answerable,
                        [feature_vector(deliberation, c) for c in deliberation.candidates], labels,
                        deliberation.verdict.abstain or not deliberation.candidates,
                        [c.kind for c in deliberation.candidates], deliberation.composite)


def data_hash(rows: Iterable) -> str:
    """A hash of training rows (anything with ``set``, ``id``, labels ``y`` and feature rows ``x``)."""
    digest = hashlib.sha256()
    for r in rows:
        digest.update(json.dumps([r.set, r.id, r.y, [[round(v, 6) for v in x] for x in r.x]]).encode())
    return digest.hexdigest()[:16]


# -- fitting -------------------------------------------------------------------------------------------
def _fit_logistic(x: np.ndarray, y: np.ndarray, c: float) -> LogisticModel:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, y)
    return LogisticModel(mean.tolist(), scale.tolist(), lr.coef_[0].tolist(), float(lr.intercept_[0]))


def _fit_trees(x: np.ndarray, y: np.ndarray, settings: dict) -> TreeEnsemble:
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(early_stopping=False, random_state=0, **settings).fit(x, y)
    return export_trees(clf)


def export_trees(clf) -> TreeEnsemble:
    """A fitted binary ``HistGradientBoostingClassifier`` as a :class:`TreeEnsemble` (its nodes compare raw
    feature values to ``num_threshold``; the product evaluates them without scikit-learn)."""
    trees = []
    for (predictor,) in clf._predictors:
        trees.append([[-1.0, 0.0, 0.0, 0.0, float(n["value"])] if n["is_leaf"] else
                      [float(n["feature_idx"]), float(n["num_threshold"]), float(n["left"]), float(n["right"]), 0.0]
                      for n in predictor.nodes])
    return TreeEnsemble(float(np.ravel(clf._baseline_prediction)[0]), trees)


def fit_scorer(x: np.ndarray, y: np.ndarray, kind: str, settings: dict) -> LogisticModel | TreeEnsemble:
    return _fit_trees(x, y, settings) if kind == "trees" else _fit_logistic(x, y, settings["C"])


def _stack(rows: list[QuestionRows]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.array([v for r in rows for v in r.x], dtype=float).reshape(-1, len(FEATURE_NAMES))
    y = np.array([v for r in rows for v in r.y], dtype=int)
    owner = np.array([i for i, r in enumerate(rows) for _ in r.x], dtype=int)
    return x, y, owner


def out_of_fold(rows: list[QuestionRows], kind: str, settings: dict, folds: int) -> list[list[float]]:
    """Each question's candidate scores from a scorer fitted on the folds without its document."""
    from sklearn.model_selection import GroupKFold

    x, y, owner = _stack(rows)
    groups = np.array([rows[i].group for i in owner])
    scores = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups):
        model = fit_scorer(x[train], y[train], kind, settings)
        scores[test] = [model.predict(list(v)) for v in x[test]]
    out: list[list[float]] = [[] for _ in rows]
    for i, s in zip(owner, scores):
        out[i].append(float(s))
    return out


@dataclass
class Choice:
    """Per question, the chosen candidate (``None``: no candidate), its out-of-fold score and whether it is right."""

    index: list[int | None]
    score: list[float]
    right: list[int]


def choose(rows: list[QuestionRows], scores: list[list[float]], prefer: float) -> Choice:
    index = [None if not s else 0 if r.composite else pick(s, prefer)  # as ExtractiveAnswerer.choose gives it
             for r, s in zip(rows, scores)]
    return Choice(index, [0.0 if i is None else s[i] for i, s in zip(index, scores)],
                  [0 if i is None else r.y[i] for i, r in zip(index, rows)])


def failed_checks(rows: list[QuestionRows], index: list[int | None]) -> list[set[str]]:
    """The hand checks that the selection or the chosen candidate's own words fail (no candidate: all), as
    ``ExtractiveAnswerer.decide`` vetoes them."""
    def failed(x: list[float], prefix: str) -> set[str]:
        return {n for n in CHECKS if x[FEATURE_NAMES.index(f"{prefix}_{n}")]}
    return [set(CHECKS) if i is None else failed(r.x[0], "fail") | failed(r.x[i], "cfail")
            for r, i in zip(rows, index)]


def fit_calibration(score: list[float], right: list[int]) -> Calibration:
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(score, right)
    return Calibration([float(v) for v in iso.X_thresholds_], [float(v) for v in iso.y_thresholds_])


def pick_threshold(confidence: list[float | None], right: list[int], target: float) -> tuple[float, bool]:
    """The lowest confidence at which the answered questions are right at least ``target`` of the time, and
    whether the target was reached; otherwise ``target`` itself (answer only where p(right) >= target).
    A question with no confidence (``None``: withheld whatever the threshold) is never answered."""
    pairs = sorted(((c, r) for c, r in zip(confidence, right) if c is not None), reverse=True)
    # Answered and right counts at each distinct confidence, taken from the top (one pass, not one per value).
    lowest, answered, got = None, 0, 0
    for i, (c, r) in enumerate(pairs):
        answered, got = answered + 1, got + r
        last_of_value = i + 1 == len(pairs) or pairs[i + 1][0] != c
        if last_of_value and answered >= 10 and got / answered >= target:
            lowest = c
    return (float(lowest), True) if lowest is not None else (float(target), False)


def choose_vetoes(confidence: list[float], right: list[int], failed: list[set[str]], target: float
                  ) -> tuple[list[str], float, bool]:
    """The hand checks whose failure withholds an answer whatever its confidence, and the threshold then.

    A check becomes a veto when the answers the threshold would give despite its failure are right less
    than ``target`` of the time (counts smoothed by one right and one wrong, so two lucky answers do not
    decide); the worst such check first, then the threshold is chosen again without the vetoed questions.
    """
    vetoes: list[str] = []
    while True:
        allowed = [not (f & set(vetoes)) for f in failed]
        threshold, reached = pick_threshold([c if ok else None for c, ok in zip(confidence, allowed)], right, target)
        worst, worst_share = None, target
        for check in sorted({c for f in failed for c in f} - set(vetoes)):
            given = [r for c, r, f, ok in zip(confidence, right, failed, allowed)
                     if ok and c >= threshold and check in f]
            share = (sum(given) + 1) / (len(given) + 2)
            if given and share < worst_share:
                worst, worst_share = check, share
        if worst is None:
            return vetoes, threshold, reached
        vetoes.append(worst)


def _auc(score: list[float], right: list[int]) -> float | None:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(right, score)) if 0 < sum(right) < len(right) else None


def decision_metrics(rows: list[QuestionRows], right: list[int], answered: list[bool]) -> dict:
    """What the decisions do: answered share, right share of answered, and the eval's abstention metrics."""
    n = len(rows)
    ans = [i for i in range(n) if answered[i]]
    answerable = [i for i in range(n) if rows[i].answerable]
    unanswerable = [i for i in range(n) if not rows[i].answerable]
    return {
        "questions": n,
        "answered": round(len(ans) / n, 3) if n else None,
        "right_of_answered": round(sum(right[i] for i in ans) / len(ans), 3) if ans else None,
        "right_of_all": round(sum(right[i] for i in ans) / n, 3) if n else None,
        "false_abstention": (round(sum(not answered[i] for i in answerable) / len(answerable), 3)
                             if answerable else None),
        "unanswerable_abstained": (round(sum(not answered[i] for i in unanswerable) / len(unanswerable), 3)
                                   if unanswerable else None),
    }


@dataclass
class Decisions:
    """What the fitted parts decide on out-of-fold scores: confidence, vetoes, threshold, answered or not."""

    calibration: Calibration
    confidence: list[float]
    failed: list[set[str]]
    vetoes: list[str]
    threshold: float
    reached: bool
    answered: list[bool]


def decide(rows: list[QuestionRows], choice: Choice, target_precision: float) -> Decisions:
    """Calibration of the chosen candidates' scores, then vetoes and the threshold for the target precision,
    as :meth:`ExtractiveAnswerer.decide` applies them (a composite answer: the hand checks decide)."""
    calibration = fit_calibration(choice.score, choice.right)
    confidence = [calibration(s) for s in choice.score]
    failed = failed_checks(rows, choice.index)
    single = [i for i, r in enumerate(rows) if not r.composite]
    vetoes, threshold, reached = choose_vetoes([confidence[i] for i in single], [choice.right[i] for i in single],
                                               [failed[i] for i in single], target_precision)
    answered = [not r.hand_abstained if r.composite else conf >= threshold and not (f & set(vetoes))
                for r, conf, f in zip(rows, confidence, failed)]
    return Decisions(calibration, confidence, failed, vetoes, threshold, reached, answered)


def fit(rows: list[QuestionRows], target_precision: float, folds: int, window_chars: int = 700, passages: int = 3,
        retrieval_mode: str = "hybrid", log: Callable[[str], None] = print) -> AnswerModel:
    """The answer model fitted on ``rows``, with its cross-validated metrics in ``training``.

    The scorer (:data:`SCORERS`) and ``prefer_extract`` are chosen by the right answers given at the target
    precision on out-of-fold scores (the ranking that best tells right from wrong among equals)."""
    best = None
    for kind, settings in SCORERS:
        scores = out_of_fold(rows, kind, settings, folds)
        for prefer in PREFER_GRID:
            choice = choose(rows, scores, prefer)
            decisions = decide(rows, choice, target_precision)
            given = sum(r for r, a in zip(choice.right, decisions.answered) if a)
            key = (given, _auc(choice.score, choice.right) or 0.0)
            if best is None or key > best[0]:
                best = (key, kind, settings, prefer, choice, decisions)
    (_, auc), kind, settings, prefer, choice, decisions = best
    log(f"chosen scorer {kind} {settings}, prefer_extract={prefer}; out-of-fold AUC of the chosen candidate's "
        f"score {auc:.3f}")
    vetoes, threshold, reached, answered = decisions.vetoes, decisions.threshold, decisions.reached, decisions.answered
    log(f"vetoes {vetoes}, threshold {threshold:.3f} (target precision {'reached' if reached else 'not reached'})")
    x, y, _ = _stack(rows)
    scorer = fit_scorer(x, y, kind, settings)
    confidence, failed = decisions.confidence, decisions.failed
    by_set: dict[str, dict] = {}
    for name in dict.fromkeys(r.set for r in rows):
        idx = [i for i, r in enumerate(rows) if r.set == name]
        sub = [rows[i] for i in idx]
        extract_right = [r.y[0] if r.y else 0 for r in sub]
        top_passage = [next((y for y, k in zip(r.y, r.kinds) if k == PASSAGE), 0) for r in sub]
        by_set[name] = {
            "model": decision_metrics(sub, [choice.right[i] for i in idx], [answered[i] for i in idx]),
            "model_before_abstention": decision_metrics(sub, [choice.right[i] for i in idx], [True] * len(sub)),
            "hand_rules": decision_metrics(sub, extract_right, [not r.hand_abstained for r in sub]),
            "hand_answer_before_abstention": decision_metrics(sub, extract_right, [True] * len(sub)),
            "first_passage_window": decision_metrics(sub, top_passage, [True] * len(sub)),
        }
    training = {
        "data_hash": data_hash(rows), "questions": len(rows), "candidates": int(len(y)),
        "sets": sorted({r.set for r in rows}), "folds": folds, "grouped_by": "document",
        "scorer": {"kind": kind, **settings}, "target_precision": target_precision, "target_reached": reached,
        "vetoes": vetoes,
        "cv": {"auc": round(auc, 4), "all": decision_metrics(rows, choice.right, answered), "by_set": by_set,
               "risk_coverage": risk_coverage([None if r.composite or f & set(vetoes) else conf
                                               for r, conf, f in zip(rows, confidence, failed)], choice.right),
               "composite": decision_metrics([r for r in rows if r.composite],
                                             [choice.right[i] for i, r in enumerate(rows) if r.composite],
                                             [answered[i] for i, r in enumerate(rows) if r.composite])},
    }
    return AnswerModel(list(FEATURE_NAMES), scorer, decisions.calibration, round(threshold, 4), prefer, passages,
                       window_chars, vetoes, retrieval_mode, training)
