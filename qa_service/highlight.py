"""Where a query's words occur in a passage, as character spans (offsets into the text, never markup).

Returning offsets instead of marked-up HTML keeps document text as data: a client renders the
spans itself (the web page wraps them in ``<mark>`` elements built with ``textContent``), so a
notice that contains ``<script>`` can never become markup on the way.

Matching follows the lexical index: words typed with tone marks match those exact syllables
(case-insensitively); a query typed without tone marks matches the folded syllables
("so tai chinh" marks "Sở Tài chính"). A Vietnamese word is often two or three syllables, so a syllable
is marked where it continues a two-word phrase of the query ("giải ngân" in "giải ngân vốn", not "giải"
in "giải phóng"); on its own only when it is a figure, a code or an acronym ("2025", "CCHC"), or the
query's only content syllable. Common function syllables are never content syllables.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ingest.vietnamese import TOKEN, fold, has_diacritics, tokenize

# Syllables too frequent in Vietnamese administrative prose to be worth marking on their own.
FUNCTION_SYLLABLES = frozenset((
    "và", "của", "các", "những", "là", "theo", "trong", "được", "có", "cho", "về", "với", "tại", "để", "đã",
    "đến", "từ", "này", "đó", "thì", "mà", "hoặc", "như", "một", "ở", "ra", "vào", "khi", "nào", "gì",
    "the", "of", "and", "to", "in", "for", "a", "an", "is", "on",
))
# Typed without tone marks a syllable is ambiguous ("tai" is "tại" or "tài"), so the folded set is wider.
FOLDED_FUNCTION_SYLLABLES = frozenset(fold(w) for w in FUNCTION_SYLLABLES)


@dataclass(frozen=True)
class QueryTerms:
    """A query's words as compared with a passage's words."""

    words: tuple[str, ...]  # in query order, compared form
    accented: bool
    alone: frozenset[str] = frozenset()  # words marked even outside a phrase of the query

    @classmethod
    def of(cls, query: str) -> QueryTerms:
        accented = has_diacritics(query)
        tokens = tokenize(query)
        words = tuple(word_key(t, accented) for t in tokens)
        stop = FUNCTION_SYLLABLES if accented else FOLDED_FUNCTION_SYLLABLES
        content = {w for w in words if w not in stop}
        alone = {word_key(t, accented) for t in TOKEN.findall(query)  # as typed: tokenize lower-cases
                 if any(ch.isdigit() for ch in t) or (len(t) > 1 and t.isupper())}
        return cls(words, accented, frozenset(content if len(content) == 1 else alone & content))

    @property
    def marked(self) -> list[str]:
        """The distinct words marked on their own, in query order."""
        stop = FUNCTION_SYLLABLES if self.accented else FOLDED_FUNCTION_SYLLABLES
        return list(dict.fromkeys(w for w in self.words if w not in stop))

    def any_occur_in(self, text: str) -> bool:
        """Whether a content word of the query occurs in ``text``."""
        present = {word_key(t, self.accented) for t in tokenize(text)}
        return any(w in present for w in self.marked)

    def all_occur_in(self, text: str) -> bool:
        """Whether every word of the query occurs in ``text``, in any order."""
        present = {word_key(t, self.accented) for t in tokenize(text)}
        return all(w in present for w in self.words)


def word_key(token: str, accented: bool) -> str:
    """A word as compared: lower-cased, and without tone marks unless the query had them."""
    token = unicodedata.normalize("NFC", token).lower()
    return token if accented else fold(token)


def highlight_spans(text: str, terms: QueryTerms) -> list[tuple[int, int]]:
    """[start, end) offsets of the query's words in ``text``, adjacent words merged into one span."""
    if not terms.words:
        return []
    words = [(m.start(), m.end(), word_key(m.group(), terms.accented)) for m in TOKEN.finditer(text)]
    singles = terms.alone
    phrases = set(zip(terms.words, terms.words[1:]))
    lit = [key in singles for _, _, key in words]
    for i in range(len(words) - 1):
        if (words[i][2], words[i + 1][2]) in phrases:
            lit[i] = lit[i + 1] = True
    spans: list[tuple[int, int]] = []
    for (start, end, _), on in zip(words, lit):
        if not on:
            continue
        if spans and not text[spans[-1][1]:start].strip():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans
