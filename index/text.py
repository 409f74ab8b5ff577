"""Vietnamese text for lexical matching: syllable tokens, tone-mark folding, syllable bigrams."""
from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

TOKEN = re.compile(r"[^\W_]+(?:[.,/][^\W_]+)*", re.UNICODE)


def fold(text: str) -> str:
    """Remove tone marks and other diacritics ("Sở Tài chính" -> "so tai chinh")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def tokenize(text: str) -> list[str]:
    """Lower-cased syllables; numbers keep their separators ("9.399", "31/01/2024", "5,11")."""
    return TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def has_diacritics(text: str) -> bool:
    return fold(text) != text


def lexical_terms(tokens: list[str]) -> list[str]:
    """Index terms of tokenized text: tone-folded syllables ("u:") and adjacent syllable pairs ("b:").

    Folding makes a query typed without tone marks match like the accented one. Separate accented
    fields were measured too (dev notices and ALQAC): they did not rank better and doubled the postings.
    """
    folded = [fold(t) for t in tokens]
    return [f"u:{t}" for t in folded] + [f"b:{a}_{b}" for a, b in pairwise(folded)]
