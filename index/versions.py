"""One passage for the text that several versions of a document hold (a draft, the signed file, a copy).

The store groups versions at ingest (:mod:`ingest.versions`); a search over an office's archive
would otherwise return the same paragraph two or three times, crowding out other documents and
making answers cite a draft. Two passages are the same when their words are alike and their figures
and dates are exactly the same. :func:`collapse_versions` keeps the passage of the preferred version
(issued, then unknown, then draft; the better-ranked among equals) in the place of the best-ranked
copy, and lists the other versions' files on it.

Example:
    >>> hits = retriever.search("tỷ lệ hồ sơ trực tuyến", k=20)     # doctest: +SKIP
    >>> [h.chunk.source for h in collapse_versions(hits)]            # doctest: +SKIP
    ['TTr 166 (ban ky).pdf', ...]                                    # the draft's copy of it is listed on the hit
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ingest.versions import ROLE_ORDER
from ingest.vietnamese import tokenize

if TYPE_CHECKING:
    from index.retriever import ScoredChunk

SAME_PASSAGE = 0.8  # word-set Jaccard from which two passages of versions of one text are the same passage


def _words(hit: "ScoredChunk") -> set[str]:
    return set(tokenize(hit.chunk.text))


def _same(a: set[str], b: set[str], threshold: float) -> bool:
    """Alike words and exactly the same figures and dates: a monthly report's template repeats its
    words, and hiding one month's figure behind another's would be a wrong answer."""
    if {w for w in a if any(ch.isdigit() for ch in w)} != {w for w in b if any(ch.isdigit() for ch in w)}:
        return False
    return (len(a & b) / len(a | b) if a or b else 1.0) >= threshold


def collapse_versions(hits: Sequence["ScoredChunk"], same_passage: float = SAME_PASSAGE) -> list["ScoredChunk"]:
    """``hits`` (best first) with each passage that other versions of its document repeat given once."""
    clusters: list[list[tuple["ScoredChunk", set[str]]]] = []
    for hit in hits:
        words, group = _words(hit), hit.chunk.version_group
        # A cluster holds one passage per version: two passages of one document are never merged.
        home = next((c for c in clusters if group and c[0][0].chunk.version_group == group
                     and all(h.chunk.doc_id != hit.chunk.doc_id for h, _ in c)
                     and _same(c[0][1], words, same_passage)), None)
        if home is None:
            clusters.append([(hit, words)])
        else:
            home.append((hit, words))
    out = []
    for cluster in clusters:
        if len(cluster) == 1:
            out.append(cluster[0][0])
            continue
        first = cluster[0][0]
        kept = min((h for h, _ in cluster), key=lambda h: ROLE_ORDER.get(h.chunk.version_role, 1))
        others = [h.chunk.source for h, _ in cluster if h is not kept]
        out.append(replace(kept, score=first.score, other_versions=list(dict.fromkeys(others))))
    return out
