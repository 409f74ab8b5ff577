"""What to search for a question: the question itself, and for an English question its Vietnamese gloss.

The lexical index holds Vietnamese syllables (tone-folded), so the words of an English question
match nothing there and only the dense half of hybrid retrieval can find its passages. The
glossary of administrative vocabulary (:mod:`qa_service.answering.lexicon`) gives the Vietnamese
words the documents use ("dossier" -> "hồ sơ", "on time" -> "đúng hạn"); searching them as a second
query and fusing both result lists by reciprocal rank lets both halves work for English questions.
"""
from __future__ import annotations

from index.retriever import ScoredChunk
from qa_service.answering.question import QuestionAnalysis, analyze

RRF_K = 60  # damping of reciprocal rank fusion, as in the hybrid retriever


def gloss(analysis: QuestionAnalysis) -> str:
    """The Vietnamese words (folded) an English question stands for, with its names, places and figures."""
    parts = [*analysis.terms, *sorted(analysis.provinces), *sorted(analysis.names), *sorted(analysis.codes),
             *sorted(analysis.dates), *sorted(analysis.years), *sorted(analysis.doc_numbers)]
    return " ".join(dict.fromkeys(parts))


def retrieval_queries(question: str) -> list[str]:
    """The queries to search for ``question``: itself, plus its gloss when it is in English."""
    analysis = analyze(question)
    if analysis.language != "en":
        return [question]
    words = gloss(analysis)
    return [question, words] if words else [question]


def fuse(result_lists: list[list[ScoredChunk]], k: int) -> list[ScoredChunk]:
    """The ``k`` best passages of several result lists by reciprocal rank fusion (first list wins ties)."""
    scores: dict[int, float] = {}
    first: dict[int, ScoredChunk] = {}
    for hits in result_lists:
        for rank, hit in enumerate(hits):
            chunk_id = hit.chunk.chunk_id
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
            first.setdefault(chunk_id, hit)
    ranked = sorted(scores, key=lambda chunk_id: -scores[chunk_id])
    return [ScoredChunk(chunk=first[i].chunk, score=scores[i], dense_score=first[i].dense_score,
                        lexical_score=first[i].lexical_score, dense_rank=first[i].dense_rank,
                        lexical_rank=first[i].lexical_rank) for i in ranked[:k]]
