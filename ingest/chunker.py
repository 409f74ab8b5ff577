"""Structure-aware chunking: passages follow the section tree and never cross a section boundary.

Within a section's own text (its heading and the paragraphs before its first subsection) the
paragraphs (items, bullets, table rows) are grouped in reading order until a group reaches
``target_chars``; a paragraph longer than ``max_chars`` is cut at sentence boundaries. Each chunk
carries the lead-in sentence of the list it belongs to ("Giao Sở Tư pháp chủ trì, ...:" for the
items a), b), c) below it; the header row for table rows), and an ``embed_text`` that adds the
document title and the heading path to the document's own words.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

from ingest.models import Chunk, DocumentMeta, Section
from ingest.normalize import ITEM_START, NormalizedText, Paragraph, page_at
from ingest.structure import SectionTree, is_region, section_at

SENTENCE_END = re.compile(r"(?<=[.;!?…])\s+(?=[A-ZĐÀ-Ỹ\d(“\"+\-])")
CLAUSE_END = re.compile(r"(?<=[,;])\s+")
LEAD_IN_MAX = 400


@dataclass(frozen=True)
class ChunkerConfig:
    """Sizes in characters: a run of paragraphs closes at ``target_chars``; longer paragraphs are cut."""

    target_chars: int = 600
    max_chars: int = 900
    # A section whose own text is only a short heading, with subsections below, gets no chunk:
    # its title is in every subsection's embed_text already.
    bare_heading_chars: int = 100


@dataclass
class _Span:
    start: int
    end: int
    kind: str = "text"

    @property
    def size(self) -> int:
        return self.end - self.start


def split_long(text: str, span: _Span, target: int, limit: int) -> list[_Span]:
    """Cut a span longer than ``limit`` at sentence ends (at commas when a sentence is too long)."""
    if span.size <= limit:
        return [span]
    cuts = [m for m in SENTENCE_END.finditer(text, span.start, span.end)]
    if not cuts:
        cuts = [m for m in CLAUSE_END.finditer(text, span.start, span.end)]
    pieces, start = [], span.start
    for m in cuts:
        if m.start() - start >= target:
            pieces.append(_Span(start, m.start(), span.kind))
            start = m.end()
    if span.end - start < target // 3 and pieces:
        pieces[-1] = _Span(pieces[-1].start, span.end, span.kind)  # no orphan scrap at the end
    else:
        pieces.append(_Span(start, span.end, span.kind))
    return pieces


def _own_ranges(sections: list[Section], body_end: int) -> list[tuple[Section | None, int, int]]:
    """Each section's own text: from its start to the next section start, within its own span."""
    bounds = sorted(sections, key=lambda s: (s.start, s.level))
    ranges: list[tuple[Section | None, int, int]] = []
    first = bounds[0].start if bounds else body_end
    if first > 0:
        ranges.append((None, 0, first))
    for i, section in enumerate(bounds):
        nxt = bounds[i + 1].start if i + 1 < len(bounds) else body_end
        ranges.append((section, section.start, min(nxt, max(section.end, section.start))))
    return ranges


def _lead_in(text: str, previous: list[Paragraph]) -> str:
    """The last paragraph before a list that announces it (ends with ':'), shortened to its last sentence."""
    for para in reversed(previous):
        line = text[para.start:para.end].strip()
        if para.kind == "table_header":
            return line
        if line.endswith(":"):
            if len(line) > LEAD_IN_MAX:
                line = SENTENCE_END.split(line)[-1][-LEAD_IN_MAX:]
            return line
        if not ITEM_START.match(line):
            return ""  # a plain paragraph between: the list, if any, was introduced earlier
    return ""


class _DocumentChunker:
    def __init__(self, normalized: NormalizedText, sections: list[Section], meta: DocumentMeta,
                 config: ChunkerConfig):
        self.text = normalized.text
        self.normalized = normalized
        self.sections = sections
        self.config = config
        self.title = " ".join(part for part in (meta.doc_type.capitalize(), meta.title) if part)
        self.chunks: list[Chunk] = []
        self.body = [p for p in normalized.paragraphs if p.kind != "footnote"]
        self.starts = [p.start for p in self.body]
        self.headers = {p.table: p for p in self.body if p.kind == "table_header"}
        self.tree = SectionTree(sections)
        self.has_children = {id(parent) for parent in self.tree.parent_of.values()}

    def paragraphs_in(self, start: int, end: int) -> list[Paragraph]:
        return self.body[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, end)]

    def run(self) -> list[Chunk]:
        ranges = _own_ranges(self.sections, self.normalized.body_end)
        own = {id(s): (a, b) for s, a, b in ranges if s is not None}
        whole, absorbed = self.compact_sections(own)
        for section, start, end in ranges:
            if section is not None and id(section) in absorbed:
                continue
            if section is not None and id(section) in whole:
                self.section_chunks(section, section.start, section.end, own, whole=True)
            else:
                self.section_chunks(section, start, end, own)
        for para in self.normalized.paragraphs:
            if para.kind == "footnote":
                self.footnote_chunks(para)
        return self.chunks

    def compact_sections(self, own: dict) -> tuple[set[int], set[int]]:
        """Sections chunked whole, and the subsections inside them.

        A section titled by its heading alone whose subsections are each one short line without subsections
        of their own ("Điều 7. Cơ cấu tổ chức Quỹ khuyến học" over "1. Hội đồng quản lý Quỹ.", "2. Ban Giám
        đốc Quỹ.", "3. Ban Kiểm soát Quỹ."), and which fits in one chunk, is chunked whole under its own
        label: a chunk per line would hold a name without what it is a list of. A list its section
        introduces with a sentence ("... gồm:"), and a table, stay one chunk per item or row, each carrying
        that sentence or the header row as its lead-in, so its items keep their own labels.
        """
        children: dict[int, list[Section]] = {}
        for section in self.sections:
            parent = self.tree.parent(section)
            if parent is not None:
                children.setdefault(id(parent), []).append(section)

        def short_line(section: Section) -> bool:
            a, b = own.get(id(section), (section.start, section.end))
            return b - a < self.config.bare_heading_chars and id(section) not in children

        whole: set[int] = set()
        absorbed: set[int] = set()
        for section in self.sections:
            listed = children.get(id(section), [])
            a, b = own.get(id(section), (section.start, section.start))
            if len(listed) < 2 or is_region(section) or self.text[a:b].rstrip().endswith(":") or \
                    any(p.kind.startswith("table") for p in self.paragraphs_in(section.start, section.end)):
                continue  # a list with its lead-in, or table rows (each row has its header as lead-in)
            if section.end - section.start <= self.config.target_chars and all(short_line(c) for c in listed):
                whole.add(id(section))
                absorbed.update(id(c) for c in listed)
        return whole, absorbed

    def section_chunks(self, section: Section | None, start: int, end: int, own: dict, whole: bool = False) -> None:
        """Chunks of a section's own text (``start``..``end``), or of its whole span when ``whole``."""
        paragraphs = [p for p in self.paragraphs_in(start, end) if p.kind != "table_header" or p.start > start]
        if not paragraphs:
            return
        if not whole and section is not None and id(section) in self.has_children and len(paragraphs) == 1 \
                and paragraphs[0].end - paragraphs[0].start < self.config.bare_heading_chars \
                and not is_region(section):
            return
        units: list[tuple[_Span, Paragraph]] = []
        for para in paragraphs:
            kind = "table" if para.kind.startswith("table") else "text"
            for piece in split_long(self.text, _Span(para.start, para.end, kind),
                                    self.config.target_chars, self.config.max_chars):
                units.append((piece, para))
        groups: list[list[tuple[_Span, Paragraph]]] = [[]]
        for unit in units:
            current = groups[-1]
            size = sum(span.size for span, _ in current)
            if current and (size >= self.config.target_chars or current[-1][0].kind != unit[0].kind
                            or size + unit[0].size > self.config.max_chars):
                groups.append([])
            groups[-1].append(unit)
        parent_intro = self.parent_intro(section, own)
        for group in groups:
            first_para = group[0][1]
            before = [p for p in paragraphs if p.start < first_para.start]
            lead_in = _lead_in(self.text, before) if before else parent_intro
            if group[0][0].kind == "table" and not lead_in:
                lead_in = self.table_header(first_para)
            self.emit(section, group[0][0].start, group[-1][0].end, lead_in,
                      "table" if group[0][0].kind == "table" else "text")

    def parent_intro(self, section: Section | None, own: dict) -> str:
        """The paragraph of the parent's own text that introduces this section's list, if any."""
        parent = self.tree.parent(section) if section is not None else None
        if parent is None or id(parent) not in own:
            return ""
        start, end = own[id(parent)]
        return _lead_in(self.text, self.paragraphs_in(start, end))

    def table_header(self, row: Paragraph) -> str:
        header = self.headers.get(row.table)
        return self.text[header.start:header.end] if header else ""

    def emit(self, section: Section | None, start: int, end: int, lead_in: str, kind: str,
             page: int | None = None) -> None:
        body = self.text[start:end]
        path = self.tree.path(section)
        context = [self.title] if self.title else []
        # A region's label is an English key ("signature"); its title says what it holds in Vietnamese.
        context += [s.title if is_region(s) else f"{s.label} {s.title}".strip() for s in path]
        context = [line for line in context if line]
        if lead_in and not body.startswith(lead_in):
            context.append(lead_in)
        else:
            lead_in = ""
        embed_text = "\n".join(context + [body])
        self.chunks.append(Chunk(
            ordinal=len(self.chunks),
            text=body,
            embed_text=embed_text,
            section=section.label if section else "",
            section_title=section.title if section else "",
            section_titles=[s.title for s in path],
            page_start=page or page_at(self.normalized.page_starts, start),
            page_end=page or page_at(self.normalized.page_starts, max(start, end - 1)),
            char_start=start,
            char_end=end,
            lead_in=lead_in,
            content_hash=hashlib.sha256(embed_text.encode()).hexdigest()[:16],
            kind=kind,
        ))

    def footnote_chunks(self, para: Paragraph) -> None:
        section = section_at(self.sections, para.anchor) if para.anchor >= 0 else None
        lead_in = ""
        if para.anchor >= 0:
            sentence = SENTENCE_END.split(self.text[max(0, para.anchor - LEAD_IN_MAX):para.anchor])[-1]
            lead_in = sentence.split("\n")[-1].strip()
        for piece in split_long(self.text, _Span(para.start, para.end), self.config.target_chars,
                                self.config.max_chars):
            self.emit(section, piece.start, piece.end, lead_in, "footnote", page=para.page)


def chunk_document(
    normalized: NormalizedText,
    sections: list[Section],
    meta: DocumentMeta,
    config: ChunkerConfig = ChunkerConfig(),
) -> list[Chunk]:
    """Chunks of a document in reading order, footnotes last (see the module docstring)."""
    return _DocumentChunker(normalized, sections, meta, config).run()
