"""The evidence matching rule every score uses.

Normalise with Unicode NFC, lower case, collapse white space; a passage matches an evidence item
when it comes from that document and contains at least 60% of the quote's word trigrams.
Words are runs of letters and digits, so punctuation and PDF spacing do not break a match.
"""
from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"\w+", re.UNICODE)
MIN_TRIGRAM_SHARE = 0.6


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).lower()).strip()


def words(text: str) -> list[str]:
    return WORD.findall(normalize(text))


def trigrams(tokens: list[str]) -> set[tuple[str, ...]]:
    if len(tokens) < 3:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)}


def trigram_share(quote: str, text: str) -> float:
    """Share of the quote's word trigrams found in ``text`` (0 when the quote has no words)."""
    wanted = trigrams(words(quote))
    if not wanted:
        return 0.0
    if len(next(iter(wanted))) < 3:  # a quote of one or two words: contiguous match
        return 1.0 if f" {' '.join(next(iter(wanted)))} " in f" {' '.join(words(text))} " else 0.0
    return len(wanted & trigrams(words(text))) / len(wanted)


def matches(passage_source: str, passage_text: str, evidence_doc: str, quote: str) -> bool:
    return passage_source == evidence_doc and trigram_share(quote, passage_text) >= MIN_TRIGRAM_SHARE
