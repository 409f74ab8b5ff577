"""Text normalisation: pages of extracted lines -> one paragraph per line, with footnotes set apart.

Steps, in order:

1. Lines are NFC-normalised, spaces collapsed, the look-alike "Ð" (U+00D0) read as "Đ".
2. Page furniture is dropped: page numbers ("2", "- 2 -", "Trang 2") at the top or bottom of a page,
   and running headers/footers (the same line, digits aside, at the top or bottom of many pages).
3. Footnotes are set apart: a line "N text" whose N was printed as a marker glued to a word
   earlier on the page ("tỉnh1") opens footnote N; markers are removed from the body text and
   remembered as anchors. Footnotes go after the body, one paragraph each.
4. Lines are rejoined into paragraphs, across page breaks too: a line opens a new paragraph when it
   starts an item or heading (``I.``, ``1.``, ``2.1.``, ``a)``, ``-``, ``+``, ``Điều 5.``), when the
   previous line left room for its first word (the previous line ended by choice, not by the page
   width), or when the previous line ended a sentence and this one starts with a capital.

Loaders that know paragraph boundaries (Word) pass :class:`~ingest.models.Block` objects, which
skip steps 2-4 apart from footnotes.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from ingest.models import Page

# Lines that open a paragraph of their own: headings, numbered and lettered items, bullets, articles.
ITEM_START = re.compile(
    r"""^(?:
        (?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|Điều|ĐIỀU)\s+[\dIVXLC]+\b
      | (?:Phụ\ lục|PHỤ\ LỤC)\b
      | (?:Biểu\ mẫu|Mẫu\ số)\s+\d
      | [IVXLC]{1,6}[.)]\s
      | \d{1,2}(?:\.\d{1,2}){0,3}[.)]\s
      | \d{1,2}\.\d{1,2}(?:\.\d{1,2}){0,2}\s
      | [a-zđ][)]\s
      | \(\d{1,2}\)\s
      | [-+•–*]\s*\S
      | Nơi\ nhận
    )""",
    re.VERBOSE,
)
# Capitalised openings that begin a paragraph even after a full-width line (a centred title above them).
OPENING = re.compile(r"^(?:Ngày\s+\d|Căn cứ\b|Hôm nay\b|Kính gửi\b|Trên đây\b|Trân trọng\b|Theo đề nghị\b)")
# An item marker OCR misread as a sign ("§. Giao Sở ...", "$) ..."): a paragraph of its own after a sentence,
# numbered by its neighbours (``ingest.structure``), never by the sign.
UNREADABLE_MARKER = re.compile(r"^[^\w\s\-–+•*(\[\"“'][.)]\s+(\w.*)$")
SENTENCE_END = re.compile(r"(?:[.:!?…]|\./\.)[”\"’)]?$")
PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:Trang\s+)?(\d{1,4})(?:\s*/\s*\d{1,4})?[-–—\s]*$", re.IGNORECASE)
DECORATION = re.compile(r"^[\s_.\-–—=*~·•]{3,}$")
# A footnote marker: digits glued to a word ("tỉnh1", "QPPL4"), a closing mark, or a year ("năm 20257").
# Only a marker whose footnote text is found on the page is taken out of the text.
MARKER = re.compile(r"(?:(?<=[^\W\d_]{2})|(?<=[)”\"’])|(?<=\b(?:19|20)\d\d))(\d{1,2})(?=[^\w]|$)")
FOOTNOTE_LINE = re.compile(r"^(\d{1,2})\s+(?![.)\d])(\S.*)$")
ANCHOR = re.compile("\ue000(\\d+)\ue001")
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


@dataclass
class Paragraph:
    """A paragraph of the normalised text: ``text[start:end]``, without the trailing newline."""

    start: int
    end: int
    kind: str = "paragraph"  # paragraph | table_header | table_row | footnote
    page: int = 1
    table: int = -1
    anchor: int = -1  # footnotes: offset of the marker in the body text, -1 if not found


@dataclass
class NormalizedText:
    """The cleaned text of a document, one paragraph per line, footnotes after the body."""

    text: str
    page_starts: list[int]
    paragraphs: list[Paragraph] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)

    @property
    def body_end(self) -> int:
        """Where the footnotes begin (the end of the text when there are none)."""
        notes = [p.start for p in self.paragraphs if p.kind == "footnote"]
        return min(notes) if notes else len(self.text)


def normalize_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line)
    line = line.replace("\u00d0", "Đ").replace("\u00f0", "đ")
    line = INVISIBLE.sub("", line)
    return SPACES.sub(" ", line).strip()


# -- page furniture -----------------------------------------------------------------------------

def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


def strip_furniture(pages: list[list[str]], edge: int = 2) -> list[list[str]]:
    """Drop page numbers and running headers/footers from each page's lines.

    Only the first and last ``edge`` lines of a page are candidates, and a running line must recur
    on at least half the pages (three at least), so a heading repeated once is never lost.
    """
    count = len(pages)
    seen: dict[str, int] = {}
    for lines in pages:
        for key in {_furniture_key(line) for line in lines[:edge] + lines[-edge:] if line}:
            seen[key] = seen.get(key, 0) + 1
    running = {key for key, n in seen.items() if count >= 3 and n >= max(3, count // 2)}
    cleaned = []
    for lines in pages:
        # Removed, not blanked: a blank line ends a paragraph, and a page break is not a paragraph break.
        drop = {i for positions in (range(min(edge, len(lines))),
                                    range(len(lines) - 1, max(len(lines) - 1 - edge, -1), -1))
                for i in positions
                if lines[i] and (_furniture_key(lines[i]) in running or _is_page_number(lines[i], count))}
        cleaned.append([line for i, line in enumerate(lines) if i not in drop])
    return cleaned


def _is_page_number(line: str, page_count: int) -> bool:
    m = PAGE_NUMBER.match(line)
    return m is not None and int(m.group(1)) <= page_count + 5


# -- footnotes ------------------------------------------------------------------------------------

def split_footnotes(pages: list[list[str]], to_page_end: bool, note_starts: list[int] | None = None
                    ) -> tuple[list[list[str]], list[tuple[int, str, int]]]:
    """(pages of body lines with markers turned into anchors, [(number, footnote text, page index)]).

    A marker may sit on an earlier page than its footnote. With ``to_page_end`` (printed pages) a
    footnote area runs to the end of its page; otherwise (text without page breaks) a footnote ends
    where a new item or sentence begins. ``note_starts[p]``: where page ``p``'s lines known to be its
    footnote area begin (smaller type, :mod:`ingest.pdf_footnotes`); such a line without a number of
    its own continues the footnote before it (one that ran over from the previous page), or opens one
    numbered 0.
    """
    body = [list(lines) for lines in pages]
    markers: dict[int, tuple[int, int, re.Match]] = {}  # number -> latest (page, line, match)
    notes: list[tuple[int, list[str], int]] = []
    chosen: dict[int, tuple[int, int, re.Match]] = {}
    for p, lines in enumerate(body):
        in_notes = False
        area = note_starts[p] if note_starts else len(lines)
        for i, line in enumerate(lines):
            if not line:
                continue
            m = FOOTNOTE_LINE.match(line)
            number = int(m.group(1)) if m else 0
            if m and number in markers and number not in chosen and (not notes or number > notes[-1][0]):
                chosen[number] = markers[number]
                notes.append((number, [m.group(2)], p))
                lines[i] = ""
                in_notes = True
                continue
            if i >= area and not in_notes:
                if notes:
                    notes[-1][1].append(line)
                else:
                    notes.append((0, [line], p))
                lines[i] = ""
                in_notes = True
                continue
            if in_notes:
                previous = notes[-1][1][-1]
                if to_page_end or not (ITEM_START.match(line) or SENTENCE_END.search(previous)):
                    notes[-1][1].append(line)
                    lines[i] = ""
                    continue
                in_notes = False
            markers.update((int(mk.group(1)), (p, i, mk)) for mk in MARKER.finditer(line))
    if not notes:
        return pages, []
    # Replace each footnote's marker (the last one before its text) with an anchor, right to left in a line.
    for p, i, mk in sorted(chosen.values(), key=lambda item: (item[0], item[1], -item[2].start())):
        line = body[p][i]
        body[p][i] = f"{line[:mk.start()]}\ue000{mk.group(1)}\ue001{line[mk.end():]}"
    return body, [(n, " ".join(parts), p) for n, parts, p in notes]


# -- paragraphs -------------------------------------------------------------------------------------

def _line_width(lines: list[str]) -> int:
    """Typical length of a line that was wrapped by the page width (90th percentile)."""
    lengths = sorted(len(line) for line in lines if line)
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def _starts_paragraph(previous: str, line: str, width: int) -> bool:
    if ITEM_START.match(line):
        # "... đồng chí Đặng Xuân Phong" / "- Ủy viên ...": a dash after a full, unpunctuated line joins names.
        return not (line[:1] in "-–+" and len(previous) >= 0.9 * width and previous[-1:].isalnum())
    if line[:1] in ",.;:)":
        return False
    if OPENING.match(line) and not previous.endswith((",", "-")):
        return True
    first_word = line.split(" ", 1)[0]
    if len(previous) + 1 + len(first_word) < 0.8 * width:
        return True  # the previous line ended early: by choice, not by the margin
    return SENTENCE_END.search(previous) is not None and (line[:1].isupper() or line[:1] in "“\"("
                                                          or UNREADABLE_MARKER.match(line) is not None)


def _join(paragraph: str, line: str) -> str:
    # "QĐ-" + "UBND": a hyphen glued to a word was a break inside a compound, not a space.
    if (re.search(r"\w-$", paragraph) and line[:1].isalnum()) or line[:1] in ",.;:)":
        return paragraph + line
    return f"{paragraph} {line}"


class _Builder:
    """Accumulates paragraphs and page offsets into the normalised text."""

    def __init__(self, page_count: int):
        self.parts: list[str] = []
        self.kinds: list[tuple[str, int, int]] = []  # (kind, page, table)
        self.page_marks: list[tuple[int, int, int]] = []  # (page, paragraph index, char offset in it)
        self.page_count = page_count

    def mark_page(self, page: int) -> None:
        if self.parts:
            self.page_marks.append((page, len(self.parts) - 1, len(self.parts[-1]) + 1))
        else:
            self.page_marks.append((page, 0, 0))

    def new(self, text: str, kind: str, page: int, table: int = -1) -> None:
        self.parts.append(text)
        self.kinds.append((kind, page, table))

    def extend(self, text: str) -> None:
        self.parts[-1] = _join(self.parts[-1], text)

    def build(self, notes: list[tuple[int, str, int]]) -> NormalizedText:
        paragraphs: list[Paragraph] = []
        pieces: list[str] = []
        anchors: dict[int, int] = {}
        offsets: list[int] = []
        offset = 0
        for text, (kind, page, table) in zip(self.parts, self.kinds):
            clean = []
            last = 0
            for m in ANCHOR.finditer(text):
                clean.append(text[last:m.start()])
                anchors.setdefault(int(m.group(1)), offset + sum(len(c) for c in clean))
                last = m.end()
            clean.append(text[last:])
            body = "".join(clean)
            offsets.append(offset)
            paragraphs.append(Paragraph(offset, offset + len(body), kind, page, table))
            pieces.append(body + "\n")
            offset += len(body) + 1
        page_starts = [0] * self.page_count
        marks = {page: (index, inner) for page, index, inner in self.page_marks}
        running = 0
        for page in range(1, self.page_count + 1):
            if page in marks:
                index, inner = marks[page]
                if index < len(offsets):
                    raw = self.parts[index][:inner]
                    running = offsets[index] + len(ANCHOR.sub("", raw)) if inner else offsets[index]
                    running = min(running, offsets[index] + paragraphs[index].end - paragraphs[index].start)
                else:
                    running = offset
            page_starts[page - 1] = max(running, page_starts[page - 2] if page > 1 else 0)
        footnotes = []
        for number, text, page in notes:
            paragraphs.append(Paragraph(offset, offset + len(text), "footnote", page, -1, anchors.get(number, -1)))
            pieces.append(text + "\n")
            footnotes.append(text)
            offset += len(text) + 1
        return NormalizedText("".join(pieces), page_starts, paragraphs, footnotes)


def normalize_pages(pages: list[Page]) -> NormalizedText:
    """Normalise a document's pages (see the module docstring)."""
    builder = _Builder(len(pages))
    notes: list[tuple[int, str, int]] = []
    if any(page.blocks for page in pages):
        _add_blocks(pages, builder, notes)
        return builder.build(notes)
    line_pages = [[normalize_line(line) for line in page.text.splitlines()] for page in pages]
    line_pages = [_glue_orphans([line for line in lines if not DECORATION.match(line)]) for lines in line_pages]
    if len(pages) > 1:
        line_pages = strip_furniture(line_pages)
    if _blank_lines_are_spacing(line_pages):
        line_pages = [[line for line in lines if line] for lines in line_pages]
    note_starts = [len(lines) for lines in line_pages]
    for lines, page in zip(line_pages, pages):
        lines += [line for line in map(normalize_line, page.notes.splitlines()) if line]
    bodies, found = split_footnotes(line_pages, to_page_end=len(pages) > 1, note_starts=note_starts)
    # The footnote area is gone from the body: its emptied lines must not end the paragraph the page break cut.
    bodies = [body[:start] for body, start in zip(bodies, note_starts)]
    notes += [(n, f"{n} {text}" if n else text, pages[p].number) for n, text, p in found]
    width = _line_width([line for body in bodies for line in body])
    previous = ""
    for page, body in zip(pages, bodies):
        builder.mark_page(page.number)
        for line in body:
            if not line:
                previous = ""  # a blank line ends the paragraph
                continue
            if not previous or _starts_paragraph(previous, line, width):
                builder.new(line, "paragraph", page.number)
            else:
                builder.extend(line)
            previous = line
    return builder.build(notes)


def _glue_orphans(lines: list[str]) -> list[str]:
    """A line of bare punctuation ("." after a raised footnote marker) belongs to the line before."""
    out: list[str] = []
    for line in lines:
        if line and re.fullmatch(r"[.,;:)\]”\"’]+", line) and out and out[-1]:
            out[-1] += line
            if len(out) >= 2 and out[-2] and re.fullmatch(r"\d{1,2}[.,;:)\]”\"’]+", out[-1]):
                out[-2] += out.pop()  # a raised marker on a line of its own, then its punctuation
        else:
            out.append(line)
    return out


def _blank_lines_are_spacing(pages: list[list[str]]) -> bool:
    """True when blank lines separate nearly every printed line (an extraction artefact, not paragraphs)."""
    pairs = blanks = 0
    for lines in pages:
        for a, b in zip(lines, lines[1:]):
            if a:
                pairs += 1
                blanks += not b
    return pairs > 0 and blanks / pairs > 0.6


def _add_blocks(pages: list[Page], builder: _Builder, notes: list[tuple[int, str, int]]) -> None:
    for page in pages:
        builder.mark_page(page.number)
        for block in page.blocks:
            text = normalize_line(block.text)
            if not text or DECORATION.match(text):
                continue
            if block.kind == "footnote":
                number = FOOTNOTE_LINE.match(text)
                notes.append((int(number.group(1)) if number else len(notes) + 1, text, page.number))
            else:
                builder.new(text, block.kind, page.number, block.table)


def page_at(page_starts: list[int], offset: int) -> int:
    """1-based page number containing character ``offset``."""
    return max(1, bisect.bisect_right(page_starts, offset))
