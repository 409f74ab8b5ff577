"""Document context for answerers: the sentence introducing a section, a document's facts and full text.

A retrieved item ("a) Thường xuyên theo dõi ...") often sits in its own section while the sentence
that assigns it ("Giao Sở Khoa học và Công nghệ chủ trì, phối hợp ...:") opens the parent section.
The answerer asks this context for that sentence, and for a document's text when it checks whether
a detail named in the question (a place, a figure) appears in the document at all.
"""
from __future__ import annotations

import math
import re
import threading
from collections import Counter
from typing import Protocol

from index.catalog import ChunkRecord
from index.store import NoticeStore
from ingest.vietnamese import fold, tokenize
from qa_service.answering.question import folded
from qa_service.answering.units import ASSIGNING_LINE

LEAD_LEVELS = 1  # parent sections searched for an introducing sentence (higher ones are too general)


class DocumentContext(Protocol):
    """What an answerer may look up beyond the retrieved passages (all methods are cheap after a warm-up)."""

    def section_lead(self, chunk: ChunkRecord) -> str:
        """The sentence introducing ``chunk``'s section from a parent section, or ``""``."""
        ...

    def document_folded(self, doc_id: str) -> str:
        """The document's whole text, folded (see ``question.folded``), or ``""``."""
        ...

    def document_facts(self, doc_id: str) -> str:
        """The document's header facts (issuer, province, place, date, title), folded, or ``""``."""
        ...

    def document_issuer(self, doc_id: str) -> str:
        """Who issued the document and where (issuer, province, place), folded, or ``""``."""
        ...

    def rarity(self, term: str) -> float | None:
        """How rare a folded syllable is across the store (1 + log inverse passage frequency), or None."""
        ...

    def abbreviations(self, doc_id: str) -> dict[str, str]:
        """The abbreviations the document defines, folded, with their folded expansions ("tlkc" ->
        "tai lieu kiem chung"; see :func:`defined_abbreviations`)."""
        ...


class NoContext:
    """No look-ups: answers rely on the retrieved passages alone."""

    def section_lead(self, chunk: ChunkRecord) -> str:
        return ""

    def document_folded(self, doc_id: str) -> str:
        return ""

    def document_facts(self, doc_id: str) -> str:
        return ""

    def document_issuer(self, doc_id: str) -> str:
        return ""

    def rarity(self, term: str) -> float | None:
        return None

    def abbreviations(self, doc_id: str) -> dict[str, str]:
        return {}


# "Tài liệu kiểm chứng (TLKC)": a document defines an abbreviation once, then uses it alone.
_DEFINED = re.compile(r"\(([A-ZĐ]{2,8})\)")


def defined_abbreviations(text: str) -> dict[str, str]:
    """The abbreviations ``text`` defines in parentheses, folded: letters that are the initials of as many
    words right before them ("tiêu chí thành phần (TCTP)" -> {"tctp": "tieu chi thanh phan"})."""
    found: dict[str, str] = {}
    for match in _DEFINED.finditer(text):
        letters = fold(match.group(1)).lower()
        words = [fold(w) for w in tokenize(text[max(0, match.start() - 160):match.start()])][-len(letters):]
        if len(words) == len(letters) and all(w[:1] == c for w, c in zip(words, letters)):
            found.setdefault(letters, " ".join(words))
    return found


def parent_label(label: str) -> str:
    """ "II.5.a" -> "II.5"; "" at the top."""
    return label.rsplit(".", 1)[0] if "." in label else ""


def introducing_line(text: str) -> str:
    """The last line of a section's own text when it introduces the subsections after it ("...:", "Giao X")."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    last = lines[-1] if lines else ""
    if last.endswith(":") or (ASSIGNING_LINE.match(last) and len(last) < 160 and not last.endswith((".", ";"))):
        return last
    return ""


class StoreContext:
    """:class:`DocumentContext` over a :class:`NoticeStore`, cached until the store changes."""

    def __init__(self, store: NoticeStore):
        self.store = store
        self._lock = threading.Lock()
        self._generation = -1
        self._leads: dict[tuple[str, str], str] = {}
        self._texts: dict[str, str] = {}
        self._facts: dict[str, str] = {}
        self._issuers: dict[str, str] = {}
        self._abbreviations: dict[str, dict[str, str]] = {}
        self._raw: dict[str, str] = {}
        self._frequencies: Counter | None = None
        self._passages = 0

    def _fresh(self) -> None:
        generation = self.store.catalog.generation
        if generation != self._generation:
            self._leads.clear()
            self._texts.clear()
            self._facts.clear()
            self._issuers.clear()
            self._abbreviations.clear()
            self._raw.clear()
            self._frequencies = None
            self._generation = generation

    def _section_tail(self, doc_id: str, section: str) -> str:
        """The last passage of the section's own text: what stands right before its first subsection."""
        ids = self.store.catalog.chunk_ids_where("d.doc_id = ? AND c.section = ?", [doc_id, section])
        chunks = self.store.chunks([int(i) for i in ids])
        last = max(chunks.values(), key=lambda c: c.char_start, default=None)
        return last.text if last else ""

    def section_lead(self, chunk: ChunkRecord) -> str:
        with self._lock:
            self._fresh()
            label = chunk.section
            for _ in range(LEAD_LEVELS):
                label = parent_label(label)
                if not label:
                    return ""
                key = (chunk.doc_id, label)
                if key not in self._leads:
                    self._leads[key] = introducing_line(self._section_tail(chunk.doc_id, label))
                if self._leads[key]:
                    return self._leads[key]
            return ""

    def document_folded(self, doc_id: str) -> str:
        with self._lock:
            self._fresh()
            if doc_id not in self._texts:
                self._texts[doc_id] = folded(self._document_text(doc_id))
            return self._texts[doc_id]

    def _document_text(self, doc_id: str) -> str:
        """The document's text, read once per store generation (called under the lock)."""
        if doc_id not in self._raw:
            self._raw[doc_id] = (self.store.catalog.document_detail(doc_id) or {}).get("text", "")
        return self._raw[doc_id]

    def abbreviations(self, doc_id: str) -> dict[str, str]:
        with self._lock:
            self._fresh()
            if doc_id not in self._abbreviations:
                self._abbreviations[doc_id] = defined_abbreviations(self._document_text(doc_id))
            return self._abbreviations[doc_id]

    def document_facts(self, doc_id: str) -> str:
        with self._lock:
            self._fresh()
            if doc_id not in self._facts:
                doc = self.store.document(doc_id)
                parts = [doc.issuer, doc.province, doc.place, doc.date, doc.title, doc.number] if doc else []
                self._facts[doc_id] = folded(" ".join(p for p in parts if p))
            return self._facts[doc_id]

    def document_issuer(self, doc_id: str) -> str:
        with self._lock:
            self._fresh()
            if doc_id not in self._issuers:
                doc = self.store.document(doc_id)
                parts = [doc.issuer, doc.province, doc.place] if doc else []
                self._issuers[doc_id] = folded(" ".join(p for p in parts if p))
            return self._issuers[doc_id]

    def rarity(self, term: str) -> float | None:
        with self._lock:
            self._fresh()
            if self._frequencies is None:
                # One pass over the passages per store generation (a few hundred ms per 10k passages).
                frequencies: Counter = Counter()
                passages = 0
                for _, text in self.store.catalog.iter_texts():
                    frequencies.update({fold(t) for t in tokenize(text)})
                    passages += 1
                self._frequencies, self._passages = frequencies, passages
            return 1.0 + math.log((self._passages + 1) / (self._frequencies.get(term, 0) + 1))
