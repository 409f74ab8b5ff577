"""Citation markers in generated answers: checked against the passages, renumbered, quoted.

A generated answer cites passage ``n`` of its prompt as ``[n]``. Markers that do not name a
passage of the prompt are removed; the valid ones are renumbered 1, 2, ... in order of first
appearance, and each citation quotes the unit of its passage closest to the sentences that cite it.
A sentence is kept only when a passage it cites supports it (:func:`supported`): a model that obeys
text injected into a notice ("HACKED [1]") or invents a figure has that sentence dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

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
    dropped: list[str] = field(default_factory=list)  # sentences no valid marker's passage supports


# A sentence is supported when the passages it cites hold this share of its words (Vietnamese; an English
# sentence is checked on its figures and names only, the passages being Vietnamese) and every figure of it.
SUPPORTED_SHARE = 0.5


def complete_sentences(text: str) -> str:
    """The part of a reply still being generated whose sentences are complete: those followed by more text
    (a marker may still follow the last full stop)."""
    sentences = [m for m in SENTENCE.finditer(text) if m.group().strip()]
    return text[:sentences[-2].end()] if len(sentences) > 1 else ""


_BARE_VERDICT = re.compile(r"^\s*(?:Đúng|Sai|Đáp án\s+[A-H])\s*[.:!]?\s*$", re.IGNORECASE)


def _numbers(words: set[str]) -> set[str]:
    return {w for w in words if any(ch.isdigit() for ch in w)}


def supported(sentence: str, passages: list[ScoredChunk], english: bool = False) -> bool:
    """Whether ``passages`` (the ones the sentence cites) state what ``sentence`` says: every figure of it, and
    half its words (a Vietnamese answer) or at least one of its figures or names (an ``english`` one)."""
    said = term_set(MARKER.sub(" ", sentence))
    if not said:
        return False
    held: set[str] = set()
    for hit in passages:
        held |= term_set(f"{hit.chunk.title} {hit.chunk.section_title} {hit.chunk.text}")
    if not _numbers(said) <= held:
        return False
    if english:
        return bool(said & held - {"the", "and", "of", "to", "in"})
    return len(said & held) >= SUPPORTED_SHARE * len(said)


def check_markers(text: str, hits: list[ScoredChunk], english: bool = False) -> CheckedAnswer:
    """Keep the sentences a passage they cite supports, with the markers that name one of ``hits``
    (1-based), renumbered, and quote those passages; ``english``: the answer is in English (its passages are
    in Vietnamese)."""
    order: dict[int, int] = {}
    removed: list[int] = []
    dropped: list[str] = []
    cited_by: dict[int, list[str]] = {}

    for sentence in SENTENCE.findall(text):
        if not sentence.strip() or _BARE_VERDICT.match(sentence):  # "Đúng." before its basis states no fact
            continue
        numbers = [int(n) for match in MARKER.finditer(sentence)
                   for n in re.split(r"\s*[,;]\s*", match.group(1).strip())]
        valid = [n for n in numbers if 1 <= n <= len(hits)]
        if not valid or not supported(sentence, [hits[n - 1] for n in valid], english):
            dropped.append(sentence.strip())
            text = text.replace(sentence, " ", 1)
            continue
        for number in valid:
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

    clean = "\n".join(" ".join(line.split()) for line in MARKER.sub(replace, text).splitlines() if line.strip())
    citations = [CitedQuote(new, hits[old - 1], best_quote(" ".join(cited_by[old]), hits[old - 1]))
                 for old, new in sorted(order.items(), key=lambda kv: kv[1])]
    return CheckedAnswer(clean, citations, removed, dropped)


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
