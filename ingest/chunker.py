"""Structure-aware chunking: passages follow the section tree and never cross a section boundary."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ingest.models import Chunk, DocumentMeta, Section
from ingest.normalize import ITEM_START, page_at
from ingest.structure import title_path

SENTENCE_SPLIT = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ\d(“\"-])")


@dataclass(frozen=True)
class ChunkerConfig:
    target_chars: int = 700  # a run of items is closed once it reaches this size
    max_chars: int = 1200  # a single paragraph longer than this is split at sentence boundaries


@dataclass
class _Span:
    start: int
    end: int


def _paragraph_spans(text: str, start: int, end: int) -> list[_Span]:
    spans, offset = [], start
    for paragraph in text[start:end].split("\n"):
        if paragraph.strip():
            spans.append(_Span(offset, offset + len(paragraph)))
        offset += len(paragraph) + 1
    return spans


def _split_long(text: str, span: _Span, max_chars: int) -> list[_Span]:
    if span.end - span.start <= max_chars:
        return [span]
    pieces = []
    piece_start = span.start
    for match in SENTENCE_SPLIT.finditer(text, span.start, span.end):
        if match.start() - piece_start >= max_chars // 2:
            pieces.append(_Span(piece_start, match.start()))
            piece_start = match.end()
    pieces.append(_Span(piece_start, span.end))
    return pieces


def _own_ranges(sections: list[Section], text_len: int) -> list[tuple[Section | None, int, int]]:
    """Each section's own body: from its start to the start of the next section in reading order."""
    bounds = sorted(sections, key=lambda s: s.start)
    ranges: list[tuple[Section | None, int, int]] = []
    first = bounds[0].start if bounds else text_len
    if first > 0:
        ranges.append((None, 0, first))
    for i, section in enumerate(bounds):
        nxt = bounds[i + 1].start if i + 1 < len(bounds) else text_len
        ranges.append((section, section.start, min(nxt, max(section.end, nxt))))
    return ranges


def chunk_document(
    text: str,
    sections: list[Section],
    page_starts: list[int],
    meta: DocumentMeta,
    config: ChunkerConfig = ChunkerConfig(),
) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section, start, end in _own_ranges(sections, len(text)):
        spans = [piece for span in _paragraph_spans(text, start, end) for piece in _split_long(text, span, config.max_chars)]
        if not spans:
            continue
        lead_in = ""
        # A section opening with "...:" followed by items: the opening is the items' lead-in.
        first_text = text[spans[0].start : spans[0].end]
        if section is not None and first_text.rstrip().endswith(":") and len(spans) > 1:
            lead_in = first_text.strip()
        groups: list[list[_Span]] = [[]]
        for span in spans:
            size = sum(s.end - s.start for s in groups[-1])
            is_item = ITEM_START.match(text[span.start : span.end]) is not None
            if groups[-1] and (size >= config.target_chars or (is_item and size + span.end - span.start > config.max_chars)):
                groups.append([])
            groups[-1].append(span)
        path = title_path(sections, section) if section else []
        titles = [s.title for s in path]
        for group in groups:
            c_start, c_end = group[0].start, group[-1].end
            body = text[c_start:c_end]
            chunk_lead = lead_in if lead_in and not body.startswith(lead_in) else ""
            context = [meta.title] if meta.title else []
            context += [f"{s.label} {s.title}".strip() for s in path]
            if chunk_lead:
                context.append(chunk_lead)
            embed_text = "\n".join(context + [body])
            chunks.append(
                Chunk(
                    ordinal=len(chunks),
                    text=body,
                    embed_text=embed_text,
                    section=section.label if section else "",
                    section_title=section.title if section else "",
                    section_titles=titles,
                    page_start=page_at(page_starts, c_start),
                    page_end=page_at(page_starts, max(c_start, c_end - 1)),
                    char_start=c_start,
                    char_end=c_end,
                    lead_in=chunk_lead,
                    content_hash=hashlib.sha256(embed_text.encode()).hexdigest()[:16],
                )
            )
    return chunks

