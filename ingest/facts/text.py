"""Text helpers shared by the fact extractors: paragraphs, clauses, the document's year (folding: ``ingest.vietnamese``)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import ParsedDocument

# Item markers that open a paragraph: "- ", "+ ", "• ", "a) ", "1. ", "2.1. ", "II. ".
MARKER = re.compile(r"^\s*(?:[-+•*–]\s+|[a-zđ]\)\s+|\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+(?!\d)|[IVXLC]{1,6}[.)]\s+)")


@dataclass(frozen=True)
class Paragraph:
    """One line of the normalised text, with its item marker split off.

    ``start``/``end`` are offsets of the whole line; ``body_start`` is where the text after the
    marker begins, so offsets found in ``body`` map back with ``body_start + i``.
    """

    start: int
    end: int
    body_start: int
    marker: str
    body: str


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Paragraph]:
    """Non-empty lines of ``text[start:end]`` in reading order."""
    end = len(text) if end is None else end
    found: list[Paragraph] = []
    offset = start
    for line in text[start:end].split("\n"):
        line_end = offset + len(line)
        if line.strip():
            m = MARKER.match(line)
            marker = m.group(0).strip() if m else ""
            skip = m.end() if m else len(line) - len(line.lstrip())
            body = line[skip:].rstrip()
            found.append(Paragraph(offset, line_end, offset + skip, marker, body))
        offset = line_end + 1
    return found


@dataclass(frozen=True)
class Clause:
    """A stretch of a paragraph between sentence ends and semicolons; offsets are relative to the paragraph body."""

    start: int
    end: int
    text: str


_MEMBERS_FOLLOW = re.compile(r"(?:các (?:xã|phường|huyện|sở|bộ)|sở, (?:ban, )?ngành)$", re.IGNORECASE)
_CLAUSE_END = re.compile(r";\s*|\.\s+|:\s+|,\s*(?=(?:trong đó|đồng thời)\b)")


def starts_upper(text: str, pos: int) -> bool:
    """Whether ``text`` has a capital letter (or an opening quote or bracket) at ``pos``."""
    return pos < len(text) and (text[pos].isupper() or text[pos] in "“\"(")


def clauses(body: str) -> list[Clause]:
    """Clauses of a paragraph body, split at ';', ':', sentence ends and ', trong đó' / ', đồng thời'.

    A full stop ends a sentence only before a capital letter, so "1.618" or "TP. Hồ" stay whole
    when no capital follows.
    """
    found: list[Clause] = []
    pos = 0
    for m in _CLAUSE_END.finditer(body):
        if m.group(0).startswith(".") and not starts_upper(body, m.end()):
            continue
        if m.group(0).startswith(":") and _MEMBERS_FOLLOW.search(body, 0, m.start()):
            continue  # "UBND các xã: Đức Trọng, Hiệp Thạnh" names members, it does not end a clause
        if m.start() > pos:
            found.append(Clause(pos, m.start(), body[pos:m.start()]))
        pos = m.end()
    if pos < len(body):
        found.append(Clause(pos, len(body), body[pos:]))
    return [c for c in found if c.text.strip()]


_HEADER_YEAR = re.compile(r"ngày\s+(?:\d{1,2}\s+)?tháng\s+(?:\d{1,2}\s+)?năm\s+(\d{4})", re.IGNORECASE)
_ANY_DATE_YEAR = re.compile(r"\b\d{1,2}/\d{1,2}/(\d{4})\b|\bnăm\s+(\d{4})\b")


def document_year(doc: ParsedDocument) -> int | None:
    """The year the document speaks from: its date, the header's "ngày .. tháng .. năm YYYY", or a dated phrase."""
    if doc.meta.date[:4].isdigit():
        return int(doc.meta.date[:4])
    head = doc.text[:3000]
    m = _HEADER_YEAR.search(head)
    if m:
        return int(m.group(1))
    m = _ANY_DATE_YEAR.search(head)
    if m:
        return int(m.group(1) or m.group(2))
    return None
