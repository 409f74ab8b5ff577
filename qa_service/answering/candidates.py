"""The candidate answers a learned model chooses between.

The composed extract (the units the selection quotes, see :mod:`scoring`) is short but may drop a
fact its passage states next to it, and its focused span (:mod:`spans`) is shorter still; a retrieved
passage read around its best unit is longer but keeps what stands beside the answer. All are the
document's own words; the answer model (:mod:`model`) estimates for each the probability that it holds
the answer, picks one and abstains when even the best is unlikely to be right.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from qa_service.answering.abstain import Verdict
from qa_service.answering.base import QUOTE_JOINER, Answer, CitedQuote
from qa_service.answering.scoring import ScoredUnit, UnitScorer
from qa_service.answering.units import Unit

SPAN = "span"  # the focused span of the extract's one unit ("16 tuổi"), when the question allows one
EXTRACT = "extract"  # the composed units with their lead-ins
PASSAGE = "passage"  # a retrieved passage read around its best unit


@dataclass
class Candidate:
    """One possible answer: its kind, the answer it would give, and how the unit scorer reads its words.

    ``scored`` is the candidate's text scored as one unit (an extract: its best unit); ``rank`` is the
    retrieval rank of the passage it quotes (0 = best); ``verdict`` the hand checks run on its own words
    (the extract and its span: the selection's verdict).
    """

    kind: str
    answer: Answer
    scored: ScoredUnit
    rank: int
    verdict: Verdict = field(default_factory=lambda: Verdict(False))


def passage_window(text: str, start: int, end: int, max_chars: int) -> tuple[int, int]:
    """The span of ``text`` of at most about ``max_chars`` characters around ``[start, end)``, widened
    to whole lines where they fit, so the window reads as the document does."""
    if len(text) <= max_chars:
        return 0, len(text)
    room = max(0, max_chars - (end - start))
    lo, hi = max(0, start - room // 3), min(len(text), end + room - room // 3)
    line_start = text.rfind("\n", 0, lo)
    lo = line_start + 1 if line_start >= 0 and start - (line_start + 1) <= max_chars else lo
    line_end = text.find("\n", hi)
    hi = line_end if 0 <= line_end and line_end - lo <= max_chars * 1.2 else hi
    return lo, hi


def passage_candidates(scorer: UnitScorer, scored: list[ScoredUnit], passages: int,
                       max_chars: int) -> list[Candidate]:
    """The window around the best unit of each of the first ``passages`` retrieved passages that hold a unit."""
    best_of: dict[int, ScoredUnit] = {}
    for s in scored:
        if s.unit.structured:
            continue
        chunk_id = s.unit.hit.chunk.chunk_id
        if chunk_id not in best_of or s.score > best_of[chunk_id].score:
            best_of[chunk_id] = s
    candidates = []
    for s in sorted(best_of.values(), key=lambda s: s.unit.rank)[:passages]:
        text = s.unit.hit.chunk.text
        lo, hi = passage_window(text, s.unit.start, s.unit.start + len(s.unit.text), max_chars)
        window = text[lo:hi].strip()
        if not window:
            continue
        unit = Unit(s.unit.hit, s.unit.rank, window, lo + text[lo:hi].find(window), lead=s.unit.lead)
        # The sentence introducing the unit often names the agency: keep it when the window does not.
        pieces = [s.unit.lead, window] if s.unit.lead and s.unit.lead not in window else [window]
        answer = Answer(f"{QUOTE_JOINER.join(pieces)} [1]", abstained=False,
                        citations=[CitedQuote(1, s.unit.hit, QUOTE_JOINER.join(pieces))], reason="passage")
        candidates.append(Candidate(PASSAGE, answer, scorer.score(unit), s.unit.rank))
    return candidates
