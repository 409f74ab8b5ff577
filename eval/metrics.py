"""Evaluation metrics: one definition each, pure functions over predictions and questions.

A *prediction* is the JSON object that ``notice-qa ask --json`` prints and ``POST /v1/ask`` returns
(``answer``, ``abstained``, ``citations``, ``passages``, ``timings_ms``); the harness may add
``wall_ms``, the wall-clock time of the call. A *question* is :class:`eval.datasets.Question`.
``eval/README.md`` restates every definition below.

Evidence matching (:func:`evidence_matches`): an item with a quote matches a passage or citation
from the same document holding >= 60% of the quote's word trigrams (``eval.matching``); an item
without a quote (ALQAC: law + article) matches a passage of the same document whose section is that
section or lies under it; an item with neither matches any passage of the document.

Per question (``None`` where the metric does not apply to the question):

- ``hit@k`` (k = 1, 3, 5, 10), answerable only: 1 if some passage among the top k matches some
  evidence item.
- ``mrr@10``: 1 / rank of the first passage matching any evidence item, 0 beyond rank 10.
- ``ndcg@10``: each evidence item gains 1 at the rank of the first passage matching it (a passage
  holding several items gains for each); DCG = sum gain / log2(rank + 1) over ranks 1-10; the ideal
  puts the items at ranks 1, 2, ... (one per passage); nDCG = min(1, DCG / ideal DCG).
- ``key_fact_recall``, questions with key facts: share of key facts contained in the answer text
  (both normalised: NFC, lower case, collapsed spaces; ``[n]`` markers removed from the answer).
- ``all_facts``: 1 if every key fact is contained, else 0.
- ``citation_precision``, answerable questions with at least one citation: share of citations whose
  quoted text matches some evidence item of the question.
- ``citation_recall``, answerable: share of evidence items matched by some citation (0 without any).
- ``abstention_unanswerable``, unanswerable only (no evidence): 1 if the answer abstained.
- ``false_abstention``, answerable only: 1 if the answer abstained.
- ``answer_chars``, non-abstained answers: length of the answer text in characters.
- ``tf_accuracy``, true/false questions: 1 if the verdict read from the answer
  (``eval.answer_forms.derive_true_false``) equals the gold "Đúng"/"Sai".
- ``choice_accuracy``, multiple-choice questions: 1 if the choice read from the answer
  (``eval.answer_forms.derive_choice``) is the gold letter.
- ``exact_match`` / ``token_f1``, span questions (ViLQA): the answer's words (markers removed,
  normalised, punctuation dropped) equal the gold span's words / SQuAD-style F1 of their word bags.
- ``latency_ms``: ``timings_ms.total_ms`` (the service's own time); ``wall_ms``: the harness's clock.

Summaries (:func:`summarize`) average each per-question value over the questions where it applies,
except ``answer_chars_median`` (median) and latencies (``*_p50`` / ``*_p95``, nearest-rank percentiles).
"""
from __future__ import annotations

import math
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eval.answer_forms import derive_choice, derive_true_false, strip_markers
from eval.datasets import Evidence, Question
from eval.matching import matches, normalize, words

KS = (1, 3, 5, 10)
DEPTH = 10

Prediction = Mapping[str, Any]

# Direction of each summary metric, for reports and floors; counts and lengths have none.
HIGHER_IS_BETTER = (
    *(f"hit@{k}" for k in KS), f"mrr@{DEPTH}", f"ndcg@{DEPTH}", "key_fact_recall", "all_facts",
    "citation_precision", "citation_recall", "abstention_unanswerable", "tf_accuracy", "choice_accuracy",
    "exact_match", "token_f1", "top_passage_key_fact_recall",
)
LOWER_IS_BETTER = ("false_abstention", "wrong_answers", "latency_ms_p50", "latency_ms_p95", "wall_ms_p50",
                   "wall_ms_p95")
MEAN_METRICS = (*HIGHER_IS_BETTER, "false_abstention", "wrong_answers")
RIGHT_SHARE = 0.5  # an answer is right when it holds at least this share of its question's key facts


# -- evidence ---------------------------------------------------------------------------------------
def _article(label: str) -> str:
    """A section label without a leading "Điều"/"Article" word, so "Điều 32" and "32" compare equal."""
    parts = label.strip().split(maxsplit=1)
    return parts[1] if len(parts) == 2 and parts[0].lower() in ("điều", "article") else label.strip()


def section_within(label: str, wanted: str) -> bool:
    """True when section ``label`` is ``wanted`` or a sub-section of it ("32.1.a" is within "32")."""
    label, wanted = _article(label), _article(wanted)
    return not wanted or label == wanted or label.startswith(wanted + ".")


def evidence_matches(item: Mapping[str, Any], evidence: Evidence) -> bool:
    """Does a passage or citation (``source``, ``text``, ``section``) match one evidence item?"""
    source = unicodedata.normalize("NFC", item.get("source", ""))  # file systems may store names decomposed
    if evidence.quote:
        return any(matches(source, item.get("text", ""), doc, evidence.quote) for doc in evidence.docs)
    return source in evidence.docs and section_within(item.get("section", ""), evidence.section)


def evidence_ranks(passages: Sequence[Mapping[str, Any]], evidence: Sequence[Evidence],
                   depth: int = DEPTH) -> list[int | None]:
    """For each evidence item, the 1-based rank of the first passage matching it within ``depth``."""
    ranks: list[int | None] = []
    for item in evidence:
        ranks.append(next((r for r, p in enumerate(passages[:depth], start=1) if evidence_matches(p, item)), None))
    return ranks


def hit_at(ranks: Sequence[int | None], k: int) -> float:
    return 1.0 if any(r is not None and r <= k for r in ranks) else 0.0


def reciprocal_rank(ranks: Sequence[int | None], depth: int = DEPTH) -> float:
    found = [r for r in ranks if r is not None and r <= depth]
    return 1.0 / min(found) if found else 0.0


def ndcg(ranks: Sequence[int | None], depth: int = DEPTH) -> float:
    if not ranks:
        return 0.0
    dcg = sum(1.0 / math.log2(r + 1) for r in ranks if r is not None and r <= depth)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(ranks), depth) + 1))
    return min(1.0, dcg / ideal)


# -- answers ----------------------------------------------------------------------------------------
def answer_text(prediction: Prediction) -> str:
    """The normalised answer text without ``[n]`` markers."""
    return normalize(strip_markers(prediction.get("answer", "")))


def fact_found(fact: str, answer: str) -> bool:
    """Is a key fact contained in an (already normalised) answer text?"""
    fact = normalize(fact)
    return bool(fact) and fact in answer


def key_fact_recall(question: Question, prediction: Prediction) -> float | None:
    if not question.key_facts:
        return None
    answer = answer_text(prediction)
    return sum(fact_found(f, answer) for f in question.key_facts) / len(question.key_facts)


def all_facts(question: Question, prediction: Prediction) -> float | None:
    recall = key_fact_recall(question, prediction)
    return None if recall is None else float(recall == 1.0)


def citation_precision(question: Question, prediction: Prediction) -> float | None:
    citations = prediction.get("citations") or []
    if not question.answerable or not citations:
        return None
    good = sum(any(evidence_matches(c, e) for e in question.evidence) for c in citations)
    return good / len(citations)


def citation_recall(question: Question, prediction: Prediction) -> float | None:
    if not question.answerable:
        return None
    citations = prediction.get("citations") or []
    found = sum(any(evidence_matches(c, e) for c in citations) for e in question.evidence)
    return found / len(question.evidence)


def _span_words(text: str) -> list[str]:
    return words(strip_markers(text))


def exact_match(gold: str, answer: str) -> float:
    return float(bool(_span_words(gold)) and _span_words(gold) == _span_words(answer))


def token_f1(gold: str, answer: str) -> float:
    gold_words, answer_words = Counter(_span_words(gold)), Counter(_span_words(answer))
    common = sum((gold_words & answer_words).values())
    if not common:
        return 0.0
    precision = common / sum(answer_words.values())
    recall = common / sum(gold_words.values())
    return 2 * precision * recall / (precision + recall)


# -- per question and summaries ---------------------------------------------------------------------
@dataclass
class QuestionScore:
    """The metrics of one question; ``values[name]`` is ``None`` where the metric does not apply."""

    id: str
    type: str
    answerable: bool
    abstained: bool
    values: dict[str, float | None] = field(default_factory=dict)
    first_rank: int | None = None  # rank of the first passage matching any evidence item

    def to_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "answerable": self.answerable, "abstained": self.abstained,
                "first_rank": self.first_rank, **self.values}


def score_question(question: Question, prediction: Prediction) -> QuestionScore:
    """Every metric of one prediction against its question."""
    abstained = bool(prediction.get("abstained"))
    answerable = question.answerable
    v: dict[str, float | None] = {}
    ranks = evidence_ranks(prediction.get("passages") or [], question.evidence) if answerable else []
    for k in KS:
        v[f"hit@{k}"] = hit_at(ranks, k) if answerable else None
    v[f"mrr@{DEPTH}"] = reciprocal_rank(ranks) if answerable else None
    v[f"ndcg@{DEPTH}"] = ndcg(ranks) if answerable else None
    v["key_fact_recall"] = key_fact_recall(question, prediction)
    v["all_facts"] = all_facts(question, prediction)
    v["citation_precision"] = citation_precision(question, prediction)
    v["citation_recall"] = citation_recall(question, prediction)
    v["abstention_unanswerable"] = None if answerable else float(abstained)
    v["false_abstention"] = float(abstained) if answerable else None
    v["answer_chars"] = None if abstained else float(len(prediction.get("answer", "")))
    passages = prediction.get("passages") or []
    # The product's own best passage quoted whole: what an answer composed from it must not fall below.
    v["top_passage_key_fact_recall"] = (key_fact_recall(question, {"answer": passages[0].get("text", "")}) or 0.0
                                        if passages else 0.0) if question.key_facts else None
    # Confident wrong answers: a given answer to an unanswerable question, or one missing most key facts.
    v["wrong_answers"] = None if abstained or question.answer_form != "text" else float(
        not question.answerable or (v["key_fact_recall"] is not None and v["key_fact_recall"] < RIGHT_SHARE))
    answer = prediction.get("answer", "")
    v["tf_accuracy"] = (float(derive_true_false(answer, question.question, abstained) == question.answer)
                        if question.answer_form == "true_false" else None)
    v["choice_accuracy"] = (float(derive_choice(answer, question.choices, abstained) == question.answer)
                            if question.answer_form == "choice" else None)
    v["exact_match"] = exact_match(question.answer, answer) if question.answer_form == "span" else None
    v["token_f1"] = token_f1(question.answer, answer) if question.answer_form == "span" else None
    timings = prediction.get("timings_ms") or {}
    v["latency_ms"] = float(timings["total_ms"]) if "total_ms" in timings else None
    v["wall_ms"] = float(prediction["wall_ms"]) if "wall_ms" in prediction else None
    found = [r for r in ranks if r is not None]
    return QuestionScore(question.id, question.type, answerable, abstained, v, min(found) if found else None)


RISK_STEPS = tuple(i / 10 for i in range(10))


def risk_coverage(confidence: Sequence[float | None], right: Sequence[int | bool],
                  steps: Iterable[float] = RISK_STEPS) -> list[dict]:
    """For each confidence threshold: the share of questions answered (confidence at least the threshold)
    and the share of those answers that are right; ``None`` confidence counts as not answered."""
    table = []
    for t in steps:
        answered = [bool(r) for c, r in zip(confidence, right) if c is not None and c >= t]
        table.append({"threshold": round(t, 3), "answered": round(len(answered) / max(len(right), 1), 3),
                      "right_of_answered": round(sum(answered) / len(answered), 3) if answered else None})
    return table


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100) of a non-empty sequence."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarize(scores: Iterable[QuestionScore]) -> dict[str, float | int | None]:
    """Aggregate question scores; a metric that applies to no question is ``None``."""
    scores = list(scores)
    out: dict[str, float | int | None] = {
        "questions": len(scores),
        "answerable": sum(s.answerable for s in scores),
        "unanswerable": sum(not s.answerable for s in scores),
    }
    for name in MEAN_METRICS:
        present = [s.values[name] for s in scores if s.values.get(name) is not None]
        out[name] = statistics.fmean(present) if present else None
    lengths = [s.values["answer_chars"] for s in scores if s.values.get("answer_chars") is not None]
    out["answer_chars_median"] = statistics.median(lengths) if lengths else None
    for name in ("latency_ms", "wall_ms"):
        present = [s.values[name] for s in scores if s.values.get(name) is not None]
        out[f"{name}_p50"] = percentile(present, 50) if present else None
        out[f"{name}_p95"] = percentile(present, 95) if present else None
    return out


def summarize_by_type(scores: Iterable[QuestionScore]) -> dict[str, dict[str, float | int | None]]:
    """:func:`summarize` per question type, types in order of first appearance."""
    groups: dict[str, list[QuestionScore]] = {}
    for s in scores:
        groups.setdefault(s.type or "untyped", []).append(s)
    return {t: summarize(group) for t, group in groups.items()}
