"""Extractive answerer: the sentences of the top passages that best cover the question, cited."""
from __future__ import annotations

import re

from index.retriever import ScoredChunk
from index.text import fold, tokenize
from qa_service.answering.base import NOT_FOUND_VI, Answer, CitedQuote

UNIT_SPLIT = re.compile(r"\n|(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ(“\"-])")
STOP = {fold(w) for w in (
    "của", "và", "các", "những", "là", "gì", "nào", "bao", "nhiêu", "theo", "trong", "được", "có", "cho", "về",
    "với", "tại", "the", "of", "what", "which", "is", "a", "an", "to", "in", "for", "how", "ai", "không",
)}
MAX_ANSWER_CHARS = 400


def _terms(text: str) -> set[str]:
    return {t for t in (fold(tok) for tok in tokenize(text)) if t not in STOP}


class ExtractiveAnswerer:
    def __init__(self, passages_considered: int = 5, min_coverage: float = 0.35):
        self.passages_considered = passages_considered
        self.min_coverage = min_coverage

    def answer(self, question: str, hits: list[ScoredChunk]) -> Answer:
        wanted = _terms(question)
        if not hits or not wanted:
            return Answer(NOT_FOUND_VI, abstained=True)
        best: tuple[float, ScoredChunk, str] | None = None
        for rank, hit in enumerate(hits[: self.passages_considered]):
            for unit in UNIT_SPLIT.split(hit.chunk.text):
                unit = unit.strip()
                if len(unit) < 15:
                    continue
                context = _terms(f"{hit.chunk.section_title} {hit.chunk.lead_in} {unit}")
                coverage = len(wanted & context) / len(wanted)
                score = coverage - 0.03 * rank - 0.0002 * max(0, len(unit) - MAX_ANSWER_CHARS)
                if best is None or score > best[0]:
                    best = (score, hit, unit)
        if best is None or best[0] < self.min_coverage:
            return Answer(NOT_FOUND_VI, abstained=True)
        _, hit, unit = best
        if len(unit) > MAX_ANSWER_CHARS:
            unit = unit[:MAX_ANSWER_CHARS].rsplit(" ", 1)[0] + " …"
        return Answer(f"{unit} [1]", abstained=False, citations=[CitedQuote(1, hit, unit)])


