"""Language-quality score: how much of a text reads as Vietnamese.

A garbled text layer (an old OCR pass, a legacy-font PDF: "uY BAN NgAN nAN TINH LAMDONG",
"Nguy6n", "c6ng") is still "text" to an extractor, so emptiness alone cannot catch it. Every
Vietnamese word is one syllable of a closed shape, (initial consonant)(rhyme)(tone), so the share of
tokens that are well-formed syllables separates real Vietnamese from garbage with a wide margin,
and the share of syllables carrying Vietnamese diacritics catches text whose marks were lost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.vietnamese import split_tone

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

# Tone marks are dropped before matching the shape; vowel quality marks (â ă ê ô ơ ư) are kept.
INITIAL = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
NUCLEUS = r"(?:iê|yê|ia|ya|uô|ua|ươ|ưa|oo|[aăâeêioôơuưy])"
RHYME = rf"[ou]?{NUCLEUS}(?:ch|ng|nh|[cmnpt]|[iyou])?"
SYLLABLE = re.compile(rf"^{INITIAL}{RHYME}$")


@dataclass(frozen=True)
class QualityScore:
    """``syllable_share``: well-formed syllables among scored tokens; ``diacritic_share``: syllables with marks."""

    tokens: int
    syllable_share: float
    diacritic_share: float

    @property
    def garbled(self) -> bool:
        """True when the text clearly is not readable Vietnamese (too little text is never garbled)."""
        if self.tokens < 12:
            return False
        return self.syllable_share < 0.6 or (self.tokens >= 40 and self.diacritic_share < 0.15)


def _strip_tone(token: str) -> tuple[str, bool]:
    """The token without its tone mark, and whether it carries a Vietnamese mark (a tone, or đ)."""
    base, tone = split_tone(token)
    return base, bool(tone) or "đ" in base


def _case_is_regular(token: str) -> bool:
    # "Ngan", "ngan", "NGAN" are words; "NgAN", "uY" are recognition errors.
    return token.islower() or token.isupper() or (token[0].isupper() and token[1:].islower()) or len(token) == 1


def is_syllable(token: str) -> bool:
    """Whether ``token`` is a well-formed Vietnamese syllable (tone marks and case are allowed)."""
    return _classify(token)[0]


@lru_cache(maxsize=65536)  # a pure function of the token; documents reuse a small vocabulary
def _classify(token: str) -> tuple[bool, bool]:
    """(is a syllable, carries Vietnamese marks)."""
    if not _case_is_regular(token):
        return False, False
    base, marked = _strip_tone(token)
    return SYLLABLE.match(base) is not None, marked


def score_text(text: str) -> QualityScore:
    """Score ``text``; pure numbers and all-capital acronyms (UBND, CCHC) are not counted either way."""
    scored = valid = marked = 0
    for token in TOKEN.findall(text):
        if token.isdigit():
            continue
        ok, has_marks = _classify(token)
        if not ok and token.isupper() and token.isalpha() and len(token) <= 8:
            continue  # an acronym
        scored += 1
        if ok:
            valid += 1
            marked += has_marks
    return QualityScore(
        tokens=scored,
        syllable_share=valid / scored if scored else 1.0,
        diacritic_share=marked / valid if valid else 0.0,
    )
