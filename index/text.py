"""Index terms for lexical matching: tone-folded syllables and syllable bigrams (the folding and
tokenizing themselves are ``ingest.vietnamese``)."""
from __future__ import annotations

from itertools import pairwise

from ingest.vietnamese import fold, tokenize

def lexical_terms(tokens: list[str]) -> list[str]:
    """Index terms of tokenized text: tone-folded syllables ("u:") and adjacent syllable pairs ("b:").

    Folding makes a query typed without tone marks match like the accented one. Separate accented
    fields were measured too (dev notices and ALQAC): they did not rank better and doubled the postings.
    """
    folded = [fold(t) for t in tokens]
    return [f"u:{t}" for t in folded] + [f"b:{a}_{b}" for a, b in pairwise(folded)]


def term_set(text: str) -> set[str]:
    """The distinct :func:`lexical_terms` of ``text``, folding the text once instead of syllable by syllable
    (the re-ranker reads the terms of forty passages a query)."""
    folded = tokenize(fold(text))
    return {f"u:{t}" for t in folded} | {f"b:{a}_{b}" for a, b in pairwise(folded)}
