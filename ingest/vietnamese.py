"""The Vietnamese text tools every stage uses, in one place: tone folding, comparison keys, tones, syllables.

Ingest (fact extraction), the index (lexical terms, dates, tone restoration) and answering all read
text through these functions, so a query typed without tone marks, a heading and a task row's agency
are folded the same way everywhere.

Example:
    >>> fold("Sở Tài chính")
    'So Tai chinh'
    >>> fold_key("Sở KH&ĐT")
    'so kh va dt'
    >>> tokenize("GRDP đạt 5,11% năm 2024")
    ['grdp', 'đạt', '5,11', 'năm', '2024']
"""
from __future__ import annotations

import re
import unicodedata

# A syllable or a number with its separators ("9.399", "31/01/2024", "5,11").
TOKEN = re.compile(r"[^\W_]+(?:[.,/][^\W_]+)*", re.UNICODE)


def _fold_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


# Every character below U+3000 (and the Hebrew presentation forms) that folding changes, mapped to what it
# folds to: one C-level ``str.translate`` instead of a Python loop over the characters of a passage.
_FOLD_TABLE = {cp: _fold_slow(chr(cp)) for cp in (*range(0x80, 0x3000), *range(0xFB1D, 0xFB50))
               if _fold_slow(chr(cp)) != chr(cp)}


def fold(text: str) -> str:
    """Remove tone marks and other diacritics, keeping case ("Sở Tài chính" -> "So Tai chinh")."""
    if text.isascii():
        return text
    if max(text) >= "\u3000":  # outside the table (CJK, historic scripts' combining marks): the full way
        return _fold_slow(text)
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).translate(_FOLD_TABLE))


def fold_key(text: str) -> str:
    """A comparison key: folded, lower case, "&" spelled "va", punctuation and spacing collapsed."""
    key = fold(text).lower().replace("&", " va ")
    key = re.sub(r"[^\w]+", " ", key)
    return re.sub(r"\s+", " ", key).strip()


def fold_chars(text: str) -> str:
    """Lower case without diacritics, one character for one, so offsets into the result hold for ``text``."""
    out = []
    for ch in text:
        base = "d" if ch in "đĐ" else unicodedata.normalize("NFD", ch)[0]
        out.append(base.lower()[:1] if unicodedata.category(base) != "Mn" else ch)
    return "".join(out)


# Tone marks as combining characters, with their digit: acute 1, grave 2, hook above 3, tilde 4, dot below 5.
TONES = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}


def split_tone(syllable: str) -> tuple[str, str]:
    """A syllable in lower case without its tone mark, and the tone as a digit ("" when it has none):
    "thỏa" and "thoả" -> ("thoa", "3"); other diacritics stay ("đường" -> ("đương", "2"))."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    tone = next((TONES[c] for c in decomposed if c in TONES), "")
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES)), tone


def tokenize(text: str) -> list[str]:
    """Lower-cased syllables; numbers keep their separators ("9.399", "31/01/2024", "5,11")."""
    return TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def has_diacritics(text: str) -> bool:
    return fold(text) != text
