"""Text normalisation: NFC, and paragraphs rebuilt from the hard line breaks of extracted text."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ingest.models import Page

# Lines that open a paragraph of their own: headings, numbered and lettered items, bullets, articles.
ITEM_START = re.compile(
    r"""^(?:
        (?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|Điều|ĐIỀU|Phụ\ lục|PHỤ\ LỤC)\s+[\dIVXLC]+
      | [IVXLC]{1,6}[.)]\s
      | \d{1,2}(?:\.\d{1,2}){0,3}[.)]\s
      | [a-zđ][)]\s
      | [-+•–*]\s*
    )""",
    re.VERBOSE,
)
SENTENCE_END = re.compile(r"[.:;!?…]\s*$")


@dataclass
class NormalizedText:
    """The cleaned text of a document, one paragraph per line, with the offset where each page begins."""

    text: str
    page_starts: list[int]


def normalize_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line)
    line = line.replace("\u00a0", " ").replace("\t", " ")
    return re.sub(r" {2,}", " ", line).strip()


def _full_width(lines: list[str]) -> int:
    """Typical length of a line that was wrapped by the page width (90th percentile)."""
    lengths = sorted(len(line) for line in lines if line)
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def rebuild_paragraphs(lines: list[str]) -> list[str]:
    """Join lines that a PDF extraction broke mid-sentence; keep item and heading starts.

    A line much shorter than the page's wrapped lines ended its paragraph (a heading, a header
    line, the last line of a paragraph), so the next line starts a new one.
    """
    paragraphs: list[str] = []
    short = 0.6 * _full_width(lines)
    previous = ""
    for line in lines:
        if not line:
            continue
        starts_new = (
            not paragraphs
            or ITEM_START.match(line) is not None
            or len(previous) < short
            or (SENTENCE_END.search(paragraphs[-1]) is not None and line[:1].isupper())
        )
        previous = line
        if starts_new:
            paragraphs.append(line)
        else:
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
    return paragraphs


def normalize_pages(pages: list[Page]) -> NormalizedText:
    parts: list[str] = []
    page_starts: list[int] = []
    offset = 0
    for page in pages:
        page_starts.append(offset)
        paragraphs = rebuild_paragraphs([normalize_line(line) for line in page.text.splitlines()])
        if paragraphs:
            block = "\n".join(paragraphs) + "\n"
            parts.append(block)
            offset += len(block)
    return NormalizedText(text="".join(parts), page_starts=page_starts)


def page_at(page_starts: list[int], offset: int) -> int:
    """1-based page number containing character ``offset``."""
    import bisect

    return max(1, bisect.bisect_right(page_starts, offset))
