"""Learned scorers whose inference needs only the standard library: a logistic regression and
gradient-boosted trees, as stored in the versioned model files of the passage re-ranker
(:mod:`index.rerank`) and the answer model (``qa_service.answering.model``).

They are fitted with scikit-learn by the evaluation package (``notice-qa-eval tune``, ``tune-rerank``) and
exported as plain numbers, so the product loads and evaluates them without scikit-learn.

Example:
    >>> LogisticModel([0.0], [1.0], [2.0], 0.0).predict([1.0])  # doctest: +ELLIPSIS
    0.88...
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

_NUMBER_LIST = re.compile(r"\[\s*(-?[0-9][-+0-9.e,\s]*?)\s*\]")


class ModelFileError(ValueError):
    """A model file cannot be used: unreadable, another format, or fitted on other features."""


@dataclass
class LogisticModel:
    """``sigmoid(intercept + sum(coef * (x - mean) / scale))``."""

    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float

    def logit(self, x: list[float]) -> float:
        return self.intercept + sum(w * (v - m) / s for w, v, m, s in zip(self.coef, x, self.mean, self.scale))

    def predict(self, x: list[float]) -> float:
        return _sigmoid(self.logit(x))


@dataclass
class TreeEnsemble:
    """Gradient-boosted regression trees: ``sigmoid(baseline + sum of one leaf value per tree)``.

    Each tree is a list of nodes ``[feature, threshold, left, right, value]``, the root first; a node whose
    feature is -1 is a leaf holding ``value``, any other sends ``x[feature] <= threshold`` left. The trees are
    exported from scikit-learn's ``HistGradientBoostingClassifier`` by ``notice-qa-eval tune``.
    """

    baseline: float
    trees: list[list[list[float]]]

    def logit(self, x: list[float]) -> float:
        z = self.baseline
        for nodes in self.trees:
            node = nodes[0]
            while node[0] >= 0:
                node = nodes[int(node[2] if x[int(node[0])] <= node[1] else node[3])]
            z += node[4]
        return z

    def predict(self, x: list[float]) -> float:
        return _sigmoid(self.logit(x))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0


def scorer_to_dict(scorer: LogisticModel | TreeEnsemble) -> dict:
    return {"kind": "trees" if isinstance(scorer, TreeEnsemble) else "logistic", **asdict(scorer)}


def scorer_from_dict(data: dict) -> LogisticModel | TreeEnsemble:
    fields = {k: v for k, v in data.items() if k != "kind"}
    kind = data.get("kind", "logistic")
    if kind == "trees":
        return TreeEnsemble(float(fields["baseline"]), [[list(map(float, n)) for n in t] for t in fields["trees"]])
    if kind == "logistic":
        return LogisticModel(**fields)
    raise ModelFileError(f"unknown scorer kind {kind!r}")


def compact_json(data: dict) -> str:
    """``data`` as indented JSON with each list of numbers (a tree node, a coefficient vector) on one line, so
    a model file stays readable and diffable."""
    return _NUMBER_LIST.sub(lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]",
                            json.dumps(data, ensure_ascii=False, indent=1))


def save_model_file(path: str | Path, data: dict) -> None:
    Path(path).write_text(compact_json(data) + "\n", encoding="utf-8")


def read_model_file(path: str | Path | None, bundled: tuple[str, str], fmt: str, versions: Sequence[int],
                    what: str) -> dict:
    """The JSON of the model file at ``path``, or of the one bundled as ``(package, resource)``, refused
    (:class:`ModelFileError`) when unreadable or of another format or version."""
    try:
        text = (Path(path).read_text(encoding="utf-8") if path else
                resources.files(bundled[0]).joinpath(bundled[1]).read_text("utf-8"))
        data = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"cannot read the {what} {path or '(bundled)'}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != fmt or data.get("version") not in versions:
        found = (data.get("format"), data.get("version")) if isinstance(data, dict) else (None, None)
        raise ModelFileError(f"not a notice-qa {what} of version {' or '.join(map(str, versions))} "
                             f"(format {found[0]!r}, version {found[1]!r})")
    return data


def check_features(fitted: Sequence[str], expected: Sequence[str], what: str, command: str) -> None:
    """Refuse a model whose features are not, in order, the ones the code computes."""
    if tuple(fitted) != tuple(expected):
        extra, absent = set(fitted) - set(expected), set(expected) - set(fitted)
        raise ModelFileError(f"the {what} was fitted on other features (unknown: {sorted(extra)}, "
                             f"not in the model: {sorted(absent)}); run `{command}` again")
