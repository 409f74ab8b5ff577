"""Citation markers in generated answers: checked against the passages, renumbered, quoted.

A generated answer cites passage ``n`` of its prompt as ``[n]``. Markers that do not name a
passage of the prompt are removed; the valid ones are renumbered 1, 2, ... in order of first
appearance, and each citation quotes the unit of its passage closest to the sentences that cite it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.retriever import ScoredChunk
from qa_service.answering.base import CitedQuote
from qa_service.answering.scoring import term_set
from qa_service.answering.units import split_units

# "[1]", "[1, 3]", "[1][2]", "[ 2 ]"; also full-width brackets some models emit.
MARKER = re.compile(r"\s?[\[【［]\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*[\]】］]")
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?(?:\s*[\[【［][\d\s,;]+[\]】］])*", re.UNICODE)


@dataclass
class CheckedAnswer:
    """An answer whose markers were checked: ``text`` carries only valid, renumbered markers."""

    text: str
    citations: list[CitedQuote]
    removed: list[int]  # marker numbers that named no passage


def check_markers(text: str, hits: list[ScoredChunk]) -> CheckedAnswer:
    """Keep the markers that name one of ``hits`` (1-based), renumber them, and quote their passages."""
    order: dict[int, int] = {}
    removed: list[int] = []
    cited_by: dict[int, list[str]] = {}

    for sentence in SENTENCE.findall(text):
        for match in MARKER.finditer(sentence):
            for number in (int(n) for n in re.split(r"\s*[,;]\s*", match.group(1).strip())):
                if 1 <= number <= len(hits):
                    order.setdefault(number, len(order) + 1)
                    cited_by.setdefault(number, []).append(MARKER.sub("", sentence))

    def replace(match: re.Match) -> str:
        kept = []
        for number in (int(n) for n in re.split(r"\s*[,;]\s*", match.group(1).strip())):
            if number in order:
                kept.append(f"[{order[number]}]")
            else:
                removed.append(number)
        return (" " + "".join(kept)) if kept else ""

    clean = MARKER.sub(replace, text).strip()
    citations = [CitedQuote(new, hits[old - 1], best_quote(" ".join(cited_by[old]), hits[old - 1]))
                 for old, new in sorted(order.items(), key=lambda kv: kv[1])]
    return CheckedAnswer(clean, citations, removed)


def best_quote(statement: str, hit: ScoredChunk) -> str:
    """The unit of ``hit``'s passage sharing the most words with ``statement`` (the whole passage if none)."""
    wanted = term_set(statement)
    best, best_overlap = hit.chunk.text.strip(), 0.0
    for unit in split_units(hit, 0):
        terms = term_set(unit.text)
        if not terms:
            continue
        overlap = len(wanted & terms) / len(terms) ** 0.5
        if overlap > best_overlap:
            best, best_overlap = unit.text, overlap
    return best
