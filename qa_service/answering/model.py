"""The learned answer model: which candidate answer to give, and how likely it is right.

A scorer over the candidate features (:mod:`features`), a logistic regression or gradient-boosted
trees, whichever the grouped cross-validation of ``notice-qa-eval tune`` prefers, scores each
candidate; the best candidate's score goes through an isotonic calibration fitted on held-out folds, giving
``confidence``, the estimated probability that the answer holds the facts asked for. The answer is
withheld when the confidence is below ``threshold``, chosen by ``notice-qa-eval tune`` for a target
precision on validation folds (see docs/answering.md). The weights live in a versioned JSON file,
stamped with a hash of the training data; inference needs only the standard library.

Example:
    >>> model = AnswerModel.load()                  # the bundled model
    >>> model.threshold                             # doctest: +SKIP
    0.42
"""
from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.learned import (LogisticModel, ModelFileError, TreeEnsemble, check_features, read_model_file,
                           save_model_file, scorer_from_dict, scorer_to_dict)

__all__ = ["AnswerModel", "Calibration", "LogisticModel", "ModelFileError", "TreeEnsemble", "pick"]

FORMAT = "notice-qa/answer-model"
VERSION = 2  # 2: the scorer names its kind (logistic or trees); a version 1 file holds a logistic scorer


@dataclass
class Calibration:
    """An isotonic map from raw score to probability, linear between its fitted points."""

    x: list[float]
    y: list[float]

    def __call__(self, score: float) -> float:
        if not self.x:
            return score
        if score <= self.x[0]:
            return self.y[0]
        if score >= self.x[-1]:
            return self.y[-1]
        i = bisect.bisect_right(self.x, score)
        x0, x1, y0, y1 = self.x[i - 1], self.x[i], self.y[i - 1], self.y[i]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (score - x0) / (x1 - x0)


@dataclass
class AnswerModel:
    """Candidate scorer, calibration, abstention threshold and the composition they were fitted with.

    Attributes:
        features: the feature names, in the order of ``scorer``'s inputs.
        scorer: probability that a candidate holds the answer (a logistic regression or boosted trees).
        calibration: raw score of the chosen candidate -> probability the answer is right.
        threshold: the least calibrated confidence that is answered.
        prefer_extract: the hand rules' short answer is given unless another candidate scores more than
            this above it (answers stay short when a longer one is not clearly better).
        passages, window_chars: the passage candidates the model was fitted with: how many retrieved
            passages, read how far around their best unit (the answerer uses these).
        retrieval_mode: the ranking the scores of its features came from (``Settings.ranking``: a re-ranker's
            probability, a fused score and a cosine are on different scales); under another the answerer
            uses the hand rules.
        vetoes: hand checks (``abstain.CHECKS``) whose failure withholds the answer whatever its
            confidence: on the validation folds, answers given despite them were right less often than
            the target precision.
        training: how it was fitted: data hash, sets, cross-validated metrics.
    """

    features: list[str]
    scorer: LogisticModel | TreeEnsemble
    calibration: Calibration
    threshold: float
    prefer_extract: float = 0.0
    passages: int = 3
    window_chars: int = 700
    vetoes: list[str] = field(default_factory=list)
    retrieval_mode: str = "hybrid"
    training: dict = field(default_factory=dict)

    def check(self, names: tuple[str, ...]) -> None:
        check_features(self.features, names, "answer model", "notice-qa-eval tune")

    def save(self, path: str | Path) -> None:
        save_model_file(path, {"format": FORMAT, "version": VERSION, **asdict(self),
                               "scorer": scorer_to_dict(self.scorer)})

    @classmethod
    def from_dict(cls, data: dict) -> "AnswerModel":
        try:
            return cls(features=list(data["features"]), scorer=scorer_from_dict(data["scorer"]),
                       calibration=Calibration(**data["calibration"]), threshold=float(data["threshold"]),
                       prefer_extract=float(data.get("prefer_extract", 0.0)), passages=int(data.get("passages", 3)),
                       window_chars=int(data.get("window_chars", 700)), vetoes=list(data.get("vetoes", [])),
                       retrieval_mode=str(data.get("retrieval_mode", "hybrid")),
                       training=dict(data.get("training", {})))
        except (KeyError, TypeError) as exc:
            raise ModelFileError(f"answer model file is incomplete: {exc}") from exc

    @classmethod
    def load(cls, path: str | Path | None = None) -> "AnswerModel":
        """The model at ``path``, or the one bundled with the package."""
        return cls.from_dict(read_model_file(path, ("qa_service.answering", "models/answer_model.json"), FORMAT,
                                             (1, VERSION), "answer model"))


def pick(scores: list[float], prefer_extract: float) -> int:
    """The index of the chosen candidate among ``scores`` (index 0 is the hand rules' short answer): the
    best-scored, but the first while no other beats it by more than ``prefer_extract``."""
    best = max(range(len(scores)), key=scores.__getitem__)
    return 0 if scores[best] - scores[0] <= prefer_extract else best
