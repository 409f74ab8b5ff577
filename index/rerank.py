"""A learned re-ranker of the fused retrieval candidates: which passages hold what the question asks.

The fusion of the dense and lexical lists (:mod:`index.retriever`) ranks by two scores only. On real
working files that is often not enough: the passage that answers sits at rank 2-40 below passages of
the same document that repeat the question's words (its title, the recipients, the intro). The
re-ranker reads each of the first ``depth`` fused candidates with a few named, pure features (the
two retrieval scores and ranks, how much of the question's weighted terms the passage, its headings
and its document's title and number hold, a year the question names that the passage contradicts,
where in the document it stands, how its document fares among the candidates) and orders them by a
scorer fitted on labelled questions by ``notice-qa-eval tune-rerank`` (grouped by document; the file
is stamped with its data hash and cross-validated hit rates).

Example:
    >>> reranker = Reranker.load()                                 # the bundled model
    >>> hits = reranker.rerank(RerankQuery.of(question, lexical), hits)  # doctest: +SKIP
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from index.learned import (LogisticModel, ModelFileError, TreeEnsemble, check_features, read_model_file,
                           save_model_file, scorer_from_dict, scorer_to_dict)
from index.text import lexical_terms, term_set
from ingest.vietnamese import fold, has_diacritics, tokenize

if TYPE_CHECKING:
    from index.lexical import LexicalIndex
    from index.retriever import ScoredChunk

FORMAT = "notice-qa/rerank-model"
VERSION = 1

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBER = re.compile(r"\d")
# Regions around a notice's numbered body (ingest.structure.REGION_TITLES), grouped by what they hold; a
# section label ends in the region's name ("header", "2.signature"). The answer model's features read them too.
REGIONS = {"header": ("header",), "furniture": ("recipients", "signature"), "framing": ("intro", "closing")}


def region_of(section: str) -> str:
    """The region group (:data:`REGIONS`) a section label belongs to, or "" for the numbered body."""
    name = section.rsplit(".", 1)[-1]
    return next((group for group, names in REGIONS.items() if name in names), "")


@dataclass
class RerankQuery:
    """A question as the re-ranker reads it: its weighted terms, numbers and years."""

    unigrams: dict[str, float]  # folded syllable term -> idf
    bigrams: dict[str, float]
    numbers: set[str]  # numeric tokens ("321", "2025", "31/01/2025")
    years: set[str]
    toneless: bool
    glossed: bool  # an English question, searched with its Vietnamese gloss

    @classmethod
    def of(cls, query: str, lexical: LexicalIndex, lexical_extra: str = "") -> RerankQuery:
        tokens = tokenize(f"{query} {lexical_extra}")
        terms = dict.fromkeys(lexical_terms(tokens))
        idf = lexical.idf(terms)
        return cls({t: w for t, w in idf.items() if t.startswith("u:")},
                   {t: w for t, w in idf.items() if t.startswith("b:")},
                   {t for t in tokenize(query) if _NUMBER.search(t)}, set(_YEAR.findall(query)),
                   not has_diacritics(query), bool(lexical_extra.strip()))


def _share(weights: dict[str, float], present: set[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total > 0 else 0.0


@dataclass
class _Candidate:
    """One fused candidate with the term sets its features read, computed once."""

    hit: ScoredChunk
    rank: int
    text_terms: set[str]
    heading_terms: set[str]
    meta_terms: set[str]
    meta_text: str
    years: set[str]


def _candidate(hit: ScoredChunk, rank: int) -> _Candidate:
    c = hit.chunk
    meta = f"{c.doc_type} {c.number} {c.title} {c.date}"
    return _Candidate(hit, rank, term_set(c.text), term_set(" ".join([*c.section_titles, c.section_title, c.lead_in])),
                      term_set(meta), fold(meta).lower(),
                      set(_YEAR.findall(f"{c.date} {c.text}")))


@dataclass
class _Context:
    """What the features of one candidate compare it with: the query and all the candidates."""

    query: RerankQuery
    candidates: list[_Candidate]
    max_score: float
    max_lexical: float
    max_dense: float
    max_text: float
    doc_rank: dict[str, int]
    doc_count: dict[str, int]


def _context(query: RerankQuery, candidates: list[_Candidate]) -> _Context:
    doc_rank: dict[str, int] = {}
    doc_count: dict[str, int] = {}
    for c in candidates:  # candidates are in fused order: a document's rank is that of its best passage
        doc = c.hit.chunk.doc_id
        doc_rank.setdefault(doc, len(doc_rank))
        doc_count[doc] = doc_count.get(doc, 0) + 1
    return _Context(query, candidates, max((c.hit.score for c in candidates), default=0.0),
                    max((c.hit.lexical_score or 0.0 for c in candidates), default=0.0),
                    max((c.hit.dense_score or 0.0 for c in candidates), default=0.0),
                    max((_share(query.unigrams, c.text_terms) for c in candidates), default=0.0),
                    doc_rank, doc_count)


def _ratio(value: float | None, top: float) -> float:
    return (value or 0.0) / top if top > 0 else 0.0


def _numbers_in(numbers: set[str], terms: set[str], text: str = "") -> float:
    """Share of the question's numbers the passage (or its document's title and number) holds."""
    if not numbers:
        return 0.0
    return sum(f"u:{n}" in terms or (n in text) for n in numbers) / len(numbers)


Feature = Callable[[_Context, _Candidate], float]

FEATURES: dict[str, Feature] = {
    # The question.
    "q_terms": lambda x, c: math.log1p(len(x.query.unigrams)),
    "q_numbers": lambda x, c: float(bool(x.query.numbers)),
    "q_years": lambda x, c: float(bool(x.query.years)),
    "q_toneless": lambda x, c: float(x.query.toneless),
    "q_glossed": lambda x, c: float(x.query.glossed),
    # Retrieval.
    "fused": lambda x, c: _ratio(c.hit.score, x.max_score),
    "fused_rank": lambda x, c: math.log1p(c.rank),
    "dense": lambda x, c: c.hit.dense_score or 0.0,
    "dense_gap": lambda x, c: x.max_dense - (c.hit.dense_score or 0.0),
    "dense_rank": lambda x, c: math.log1p(c.hit.dense_rank or 200),
    "lexical": lambda x, c: _ratio(c.hit.lexical_score, x.max_lexical),
    "lexical_rank": lambda x, c: math.log1p(c.hit.lexical_rank or 200),
    # The question's terms, weighted by rarity, in the passage, its headings, its document's title.
    "text_terms": lambda x, c: _share(x.query.unigrams, c.text_terms),
    "text_terms_gap": lambda x, c: x.max_text - _share(x.query.unigrams, c.text_terms),
    "text_pairs": lambda x, c: _share(x.query.bigrams, c.text_terms),
    "heading_terms": lambda x, c: _share(x.query.unigrams, c.heading_terms),
    "title_terms": lambda x, c: _share(x.query.unigrams, c.meta_terms),
    "title_pairs": lambda x, c: _share(x.query.bigrams, c.meta_terms),
    "numbers_text": lambda x, c: _numbers_in(x.query.numbers, c.text_terms),
    "numbers_title": lambda x, c: _numbers_in(x.query.numbers, c.meta_terms, c.meta_text),
    "year_conflict": lambda x, c: float(bool(x.query.years) and not (x.query.years & c.years)),
    # The passage and its document.
    **{f"region_{group}": (lambda x, c, group=group: float(region_of(c.hit.chunk.section) == group))
       for group in REGIONS},
    "table": lambda x, c: float(c.hit.chunk.kind == "table"),
    "chars": lambda x, c: math.log1p(len(c.hit.chunk.text)),
    "doc_rank": lambda x, c: math.log1p(x.doc_rank[c.hit.chunk.doc_id]),
    "doc_passages": lambda x, c: x.doc_count[c.hit.chunk.doc_id] / len(x.candidates),
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)

# The direction each feature may move the score, all else equal, imposed when the trees are fitted: a
# better retrieval score or more of the question's words in the passage never makes it less likely, nor
# does a year it does not contradict, and the document's furniture (recipients, signature) is never more
# likely. Without them, trees fitted on a few hundred questions put a notice's signature block above the
# passage holding every word of the question (from the signer questions they saw; those are answered from
# the signature itself, see qa_service's SignatureSource). The question's words in headings and titles are
# left free: constrained too, they cost the re-ranker all it gained (cross-validated MRR@10 0.786 against
# 0.805; docs/retrieval.md).
MONOTONE: dict[str, int] = {
    **dict.fromkeys(("fused", "dense", "lexical", "text_terms", "text_pairs"), 1),
    **dict.fromkeys(("fused_rank", "dense_gap", "dense_rank", "lexical_rank", "text_terms_gap", "year_conflict",
                     "region_furniture"), -1),
}


def feature_rows(query: RerankQuery, hits: list[ScoredChunk]) -> list[list[float]]:
    """The features of each of ``hits`` (in fused order), in :data:`FEATURE_NAMES` order."""
    candidates = [_candidate(h, rank) for rank, h in enumerate(hits)]
    context = _context(query, candidates)
    return [[float(f(context, c)) for f in FEATURES.values()] for c in candidates]


@dataclass
class Reranker:
    """The fitted scorer and how deep it reads; ``training`` records how it was fitted.

    Attributes:
        features: the feature names, in the order of ``scorer``'s inputs.
        scorer: probability that a passage holds the evidence of the question.
        depth: how many fused candidates are re-ranked (those below keep their fused order, after them).
    """

    features: list[str]
    scorer: LogisticModel | TreeEnsemble
    depth: int = 40
    training: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_features(self.features, FEATURE_NAMES, "re-rank model", "notice-qa-eval tune-rerank")

    def rerank(self, query: RerankQuery, hits: list[ScoredChunk]) -> list[ScoredChunk]:
        """``hits`` (fused order) with the first ``depth`` re-ordered by the scorer, whose probability becomes
        their ``score`` (the fused score stays in ``fused_score``); ties keep the fused order."""
        head, tail = hits[:self.depth], hits[self.depth:]
        scored = [replace(h, score=self.scorer.predict(x), fused_score=h.score)
                  for h, x in zip(head, feature_rows(query, head))]
        order = sorted(range(len(scored)), key=lambda i: (-scored[i].score, i))
        # Below the re-ranked head the fused order stays, its scores scaled under the head's lowest, so the
        # order of the list and of its scores agree.
        floor, fused_floor = min((h.score for h in scored), default=0.0), min((h.score for h in head), default=0.0)
        rest = [replace(h, score=floor * h.score / fused_floor if fused_floor > 0 else 0.0, fused_score=h.score)
                for h in tail]
        return [scored[i] for i in order] + rest

    def save(self, path: str | Path) -> None:
        save_model_file(path, {"format": FORMAT, "version": VERSION, **asdict(self), "scorer": scorer_to_dict(self.scorer)})

    @classmethod
    def load(cls, path: str | Path | None = None) -> Reranker:
        """The model at ``path``, or the one bundled with the package."""
        data = read_model_file(path, ("index", "models/rerank_model.json"), FORMAT, (VERSION,), "re-rank model")
        try:
            return cls(list(data["features"]), scorer_from_dict(data["scorer"]), int(data.get("depth", 40)),
                       dict(data.get("training", {})))
        except (KeyError, TypeError) as exc:
            raise ModelFileError(f"re-rank model file is incomplete: {exc}") from exc
