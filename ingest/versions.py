"""Versions of one document: how alike two texts are, and whether a text is a draft or the issued version.

An office keeps the draft of a text (``.docx``), its revisions and the signed PDF side by side, and
copies of them under other names. Each document is summarised by a MinHash signature of the
shingles (runs of ``SHINGLE`` syllables) of its folded text: the share of equal signature values
estimates the Jaccard similarity of the two shingle sets, so two documents are compared without
keeping their shingles, and the signature's bands (locality-sensitive hashing) find the stored
documents worth comparing without comparing every pair.

Example:
    >>> a = signature("Giao Sở Tài chính chủ trì, phối hợp với các sở, ngành tham mưu ... trước ngày 31/01/2024")
    >>> similarity(a, a)
    1.0
    >>> version_role("DU THAO BC CCHC.docx", "DỰ THẢO\\nBÁO CÁO ...", number="")
    'draft'
"""
from __future__ import annotations

import re
import zlib

import numpy as np

from ingest.vietnamese import fold, fold_key, tokenize

SHINGLE = 5  # syllables: long enough that two unrelated notices share few, short enough to survive edits
NUM_HASHES = 64
BANDS = 16  # of NUM_HASHES // BANDS values each: pairs above ~0.5 similarity share a band almost surely
SAME_DOCUMENT = 0.8  # estimated similarity from which two texts are versions of one document (docs/retrieval.md)

_rng = np.random.default_rng(20261202)  # fixed: signatures stored in a catalog must stay comparable
_A = (_rng.integers(1, 1 << 63, NUM_HASHES, dtype=np.uint64) | np.uint64(1))
_B = _rng.integers(0, 1 << 63, NUM_HASHES, dtype=np.uint64)

DRAFT, ISSUED = "draft", "issued"
ROLE_ORDER = {ISSUED: 0, "": 1, DRAFT: 2}  # which version stands first: issued, then unknown, then draft
# A draft says so on a line of its own at the top ("DỰ THẢO", "Dự thảo lần 2"), or its file name starts so
# ("DU THAO BC ...", "draft-..."); "Tờ trình dự thảo Kế hoạch ..." is a submission about a draft, not a draft.
_DRAFT_LINE = re.compile(r"^\W*du thao(?:\s+(?:lan\s+)?\d+|\s+lan\s+\w+)?\W*$", re.MULTILINE)
_DRAFT_NAME = re.compile(r"^(?:\d+\s+)?(?:du ?thao|dt|draft)\b|\bdraft\b")
_SIGNED_NAME = re.compile(r"(?:^|[^a-z])(?:ban ky|da ky|signed)(?:[^a-z]|$)")


def shingles(text: str) -> np.ndarray:
    """Stable 32-bit hashes of the document's runs of ``SHINGLE`` folded syllables (unique, as uint64)."""
    words = tokenize(fold(text))
    n = min(SHINGLE, len(words))  # a text shorter than a shingle is one shingle
    grams = {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)} if words else set()
    return np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint64, count=len(grams))


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of ``text`` (``NUM_HASHES`` uint32 values); None for a text without words, which
    is nobody's version."""
    values = shingles(text)
    if not len(values):
        return None
    # Multiply-shift hashing: (a*x + b) mod 2^64, its high 32 bits; one row per hash function.
    with np.errstate(over="ignore"):
        hashed = (_A[:, None] * values[None, :] + _B[:, None]) >> np.uint64(32)
    return hashed.min(axis=1).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of the two texts' shingle sets."""
    return float(np.mean(a == b))


def band_keys(sig: np.ndarray) -> list[str]:
    """One key per band of the signature: documents sharing a key are compared."""
    rows = NUM_HASHES // BANDS
    return [f"{i}:{sig[i * rows:(i + 1) * rows].tobytes().hex()}" for i in range(BANDS)]


def numbered_apart(number: str, other: str) -> bool:
    """Two documents that both bear a number, and not the same one, are two issued documents (a monthly
    report and the next month's share their template), never versions of one."""
    a, b = (re.sub(r"\s+", "", fold_key(n)) for n in (number or "", other or ""))
    return bool(re.match(r"\d", a) and re.match(r"\d", b)) and a != b


def version_role(source: str, text: str, number: str) -> str:
    """``draft`` when the document says it is one, ``issued`` when it bears a number (or its file name says it
    is signed), else ``""`` (unknown); the text's own stamp first, then its number, then its file name."""
    name = fold_key(source)
    if _DRAFT_LINE.search(fold(text[:600]).lower()):
        return DRAFT
    if re.match(r"\s*\d", number or ""):
        return ISSUED
    if _DRAFT_NAME.search(name):
        return DRAFT
    return ISSUED if _SIGNED_NAME.search(name) else ""
