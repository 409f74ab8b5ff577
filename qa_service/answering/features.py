"""Named, pure features of a candidate answer, the input of the learned answer model (:mod:`model`).

Each feature is a function of one :class:`Deliberation` (the question read, the retrieved passages, the
hand-rule selection and its checks) and one :class:`~qa_service.answering.candidates.Candidate`.
They are the signals the hand rules used (coverage of the question's terms, facet fit, conflicts of
year, place and agency) plus what the rules ignored: the retrieval scores and ranks and the margin
to the next passage. The model file stores the names it was fitted on, so a feature is never
reordered or silently dropped; adding one means fitting the model again (``notice-qa-eval tune``).

Example:
    >>> vector = feature_vector(deliberation, candidate)          # doctest: +SKIP
    >>> dict(zip(FEATURE_NAMES, vector))["c_coverage"]        # doctest: +SKIP
    0.83
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from index.rerank import REGIONS, region_of
from index.retriever import ScoredChunk
from ingest.vietnamese import tokenize
from qa_service.answering.abstain import CHECKS, Verdict
from qa_service.answering.candidates import PASSAGE, SPAN, Candidate
from qa_service.answering.question import AGENCY, DATE, LIST, NUMBER, QuestionAnalysis, folded
from qa_service.answering.scoring import Selection
from qa_service.answering.units import states_asked

_MARKER = re.compile(r"\[\d+\]")


@dataclass
class Deliberation:
    """What the answerer read for one question: the candidates and what they all share."""

    analysis: QuestionAnalysis
    hits: list[ScoredChunk]
    selection: Selection
    verdict: Verdict
    candidates: list[Candidate] = field(default_factory=list)
    focused: bool = False  # the hand rules' answer is the focused span of its unit ("16 tuổi")
    composite: bool = False  # the answer is put together from several places (see ``extractive._composite``)


def _top_score(e: Deliberation) -> float:
    return e.hits[0].score if e.hits else 0.0


def _margin(e: Deliberation, c: Candidate) -> float:
    """How far the best passage stands above the next, relative to its score: a clear winner is likelier right."""
    if len(e.hits) < 2 or e.hits[0].score <= 0:
        return 0.0
    return (e.hits[0].score - e.hits[1].score) / e.hits[0].score


def _candidate_hit(c: Candidate) -> ScoredChunk:
    return c.scored.unit.hit


def _facet_fit(c: Candidate) -> float:
    fits = c.scored.facets
    return sum(fits.values()) / len(fits) if fits else 1.0


def _holds_best(e: Deliberation, c: Candidate) -> float:
    """The candidate quotes the passage of the hand rules' best unit (the extract and its span always do)."""
    best = e.selection.best
    return float(c.kind != PASSAGE or (best is not None and best.unit.hit.chunk.chunk_id ==
                                       _candidate_hit(c).chunk.chunk_id))


# Details of the question its document lacks, by kind (``details.missing_details`` labels): a province or
# year no document names tells more than a person's name that OCR or spelling may have changed.
MISSING_KINDS = {"time": ("year", "date", "deadline"), "figure": ("figure", "code"), "name": ("name",),
                 "province": ("province",)}


def _missing(c: Candidate, kinds: tuple[str, ...]) -> float:
    return float(min(sum(m.split(" ", 1)[0] in kinds for m in c.scored.missing), 2))


def _title_share(e: Deliberation, c: Candidate) -> float:
    """Share of the question's terms that the candidate's document names in its title, type or number: a
    question that names its document ("Theo Tờ trình 141 về ...") is answered from that document."""
    terms = set(e.analysis.terms)
    if not terms:
        return 0.0
    chunk = _candidate_hit(c).chunk
    words = set(tokenize(folded(f"{chunk.doc_type} {chunk.number} {chunk.title}")))
    return len(terms & words) / len(terms)


def _answer_words(c: Candidate) -> list[str]:
    return tokenize(folded(_MARKER.sub(" ", c.answer.text)))


def _novel_words(e: Deliberation, c: Candidate) -> float:
    """How many words of the candidate the question does not use: an answer states something the question
    did not (a heading that restates the question, "Tuyến nội tỉnh trọng điểm ...", answers nothing)."""
    terms = set(e.analysis.terms)
    return math.log1p(sum(w not in terms for w in _answer_words(c)))


def _asked_stated(e: Deliberation, c: Candidate) -> float:
    """Share of the kinds of fact asked (a body, a time, a figure) that the candidate's own words state."""
    stated = states_asked(e.analysis, _MARKER.sub(" ", c.answer.text))
    return sum(stated.values()) / len(stated) if stated else 1.0


def _in_region(c: Candidate, group: str) -> float:
    return float(region_of(_candidate_hit(c).chunk.section) == group)


def _relative(value: Callable[[Candidate], float]) -> Callable[[Deliberation, Candidate], float]:
    """The candidate's ``value`` less the best of its question's candidates: the scorer then compares the
    candidates of one question instead of reading each alone (a coverage of 0.6 is the best answer when the
    others cover 0.4, and a poor one when another covers 0.9)."""
    def feature(e: Deliberation, c: Candidate) -> float:
        return value(c) - max(value(o) for o in e.candidates) if e.candidates else 0.0
    return feature


# The candidate readings compared across the question's candidates (``rel_*`` features).
RELATIVE: dict[str, Callable[[Candidate], float]] = {
    "coverage": lambda c: c.scored.relevance,
    "topic": lambda c: c.scored.topic,
    "phrase": lambda c: c.scored.phrase_share,
    "facet": _facet_fit,
    "dense": lambda c: _candidate_hit(c).dense_score or 0.0,
    "score": lambda c: _candidate_hit(c).score,
}

Feature = Callable[[Deliberation, Candidate], float]

FEATURES: dict[str, Feature] = {
    # The question.
    "q_english": lambda e, c: float(e.analysis.language == "en"),
    "q_toneless": lambda e, c: float(e.analysis.language == "vi-folded"),
    "q_date": lambda e, c: float(DATE in e.analysis.facets),
    "q_number": lambda e, c: float(NUMBER in e.analysis.facets),
    "q_agency": lambda e, c: float(AGENCY in e.analysis.facets),
    "q_list": lambda e, c: float(LIST in e.analysis.facets),
    "q_parts": lambda e, c: float(min(e.analysis.parts, 3) - 1),
    "q_multi_document": lambda e, c: float(e.analysis.multi_document),
    "q_terms": lambda e, c: math.log1p(len(e.analysis.terms)),
    "q_years": lambda e, c: float(bool(e.analysis.years)),
    "q_bound": lambda e, c: float(e.analysis.bound is not None),
    # Retrieval as a whole.
    "r_top_score": lambda e, c: _top_score(e),
    "r_margin": _margin,
    "r_top_dense": lambda e, c: (e.hits[0].dense_score or 0.0) if e.hits else 0.0,
    # The hand rules' selection and their checks (1 = the check failed).
    "s_coverage": lambda e, c: e.selection.coverage,
    "s_relevance": lambda e, c: e.selection.best.relevance if e.selection.best else 0.0,
    "s_topic": lambda e, c: e.selection.topic,
    "s_gap": lambda e, c: max(-1.0, min(1.0, e.selection.runner_up_gap)),
    "s_units": lambda e, c: float(min(len(e.selection.units), 5)),
    "s_gathered": lambda e, c: float(e.selection.gathered),
    "s_focused": lambda e, c: float(e.focused),
    **{f"fail_{name}": (lambda e, c, name=name: float(name in e.verdict.failed)) for name in CHECKS},
    # The candidate: its kind, its passage's retrieval, how its own words answer the question.
    "c_passage": lambda e, c: float(c.kind == PASSAGE),
    "c_span": lambda e, c: float(c.kind == SPAN),
    "c_rank": lambda e, c: math.log1p(c.rank),
    "c_score_ratio": lambda e, c: _candidate_hit(c).score / _top_score(e) if _top_score(e) > 0 else 0.0,
    "c_dense": lambda e, c: _candidate_hit(c).dense_score or 0.0,
    "c_lexical": lambda e, c: float(_candidate_hit(c).lexical_rank is not None),
    "c_coverage": lambda e, c: c.scored.relevance,
    "c_topic": lambda e, c: c.scored.topic,
    "c_phrase": lambda e, c: c.scored.phrase_share,
    "c_facet": lambda e, c: _facet_fit(c),
    "c_facet_absent": lambda e, c: float(any(v == 0.0 for v in c.scored.facets.values())),
    **{f"cfail_{name}": (lambda e, c, name=name: float(name in c.verdict.failed)) for name in CHECKS},
    **{f"c_missing_{kind}": (lambda e, c, kinds=kinds: _missing(c, kinds)) for kind, kinds in MISSING_KINDS.items()},
    "c_local_missing": lambda e, c: float(min(len(c.scored.local_missing), 3)),
    "c_agencies_missing": lambda e, c: float(min(len(c.scored.agencies_missing), 3)),
    "c_year_conflict": lambda e, c: float(c.scored.year_conflict),
    "c_elsewhere": lambda e, c: float(c.scored.assigned_elsewhere),
    "c_chars": lambda e, c: math.log1p(len(c.answer.text)),
    "c_holds_best": _holds_best,
    "c_title": _title_share,
    "c_novel": _novel_words,
    "c_asked_stated": _asked_stated,
    **{f"c_region_{group}": (lambda e, c, group=group: _in_region(c, group)) for group in REGIONS},
    **{f"rel_{name}": _relative(value) for name, value in RELATIVE.items()},
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)


def feature_vector(deliberation: Deliberation, candidate: Candidate) -> list[float]:
    """The candidate's features in :data:`FEATURE_NAMES` order."""
    return [float(f(deliberation, candidate)) for f in FEATURES.values()]
