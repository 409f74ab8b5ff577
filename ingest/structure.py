"""Section tree of an administrative or legal document, flattened in reading order.

Labels follow the document's own numbering (the convention is written down in
``docs/ingestion.md``):

* administrative numbering nests ``I.`` > ``1.`` > ``1.1.`` > ``a)``: ``II.2.4``, ``II.1.e``, ``2.b``;
* legal structure: articles are the root of their labels (``Điều 3.2.a``, ``Điều 1.II.2.a``), the
  ``Phần``/``Chương``/``Mục`` above them are sections of their own (``Chương II``) but do not
  prefix article labels, since article numbers are unique in a document;
* an appendix is ``Phụ lục II`` (or ``Phụ lục`` when unnumbered) and its items follow it:
  ``Phụ lục II.1``, ``Phụ lục I.2`` (rows of a table numbered in an STT column count as items);
* a document attached after the signature (a charter, a regulation) prefixes its labels with
  its type: ``Điều lệ - Điều 6.2.e``;
* the regions around the numbered body are ``header``, ``intro`` (before the first numbered
  section), ``closing`` (after the last one), ``recipients`` (``Nơi nhận``) and ``signature``.

A line only opens a numbered section when its number continues the numbering around it: a
"16." right after "4." is a wrapped line or a stray number, not a sibling.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.models import Section
from ingest.normalize import UNREADABLE_MARKER, NormalizedText, Paragraph
from ingest.regions import Region, find_regions

ROMAN = re.compile(r"^([IVXLC]{1,6})[.)]\s+(.*)$")
NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?:[.)]\s*|\s+(?=\D))(.*)$")
LETTER = re.compile(r"^([a-zđ])\)\s*(.*)$")
ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+(\d{1,3}[a-zđ]?)\s*[.:]\s*(.*)$")
PART = re.compile(r"^(Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+([IVXLC]{1,6}|\d{1,2})\b\s*[.:\-–]?\s*(.*)$")
APPENDIX = re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?([IVXLC]{1,6}|\d{1,2}[a-z]?|[A-Z]))?\b\s*[.:\-–]?\s*(.*)$")
FORM = re.compile(r"^(Biểu mẫu|Biểu|Mẫu số|Mẫu)\s+(?:số\s+)?(\d{1,2}[a-z]?)\s*[.:\-–]?\s*(.*)$")
TABLE_KEY = re.compile(r"^(?:[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])\.?$")

LETTERS = "abcdđefghijklmnopqrstuvwxyz"
TITLE_MAX = 160
PART_RANK = {"phần": 1.0, "chương": 1.2, "mục": 1.4}
RANK = {"appendix": 0.0, "form": 0.5, "article": 2.0, "roman": 3.0, "number": 4.0, "letter": 8.0}
TABLE_RANK = 10.0  # rows of a numbered table nest below whatever section holds the table


def _title(text: str) -> str:
    text = text.strip()
    return text if len(text) <= TITLE_MAX else text[:TITLE_MAX].rsplit(" ", 1)[0] + "…"


def roman_value(key: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(key, key[1:] + " "):
        total += -values[a] if values.get(b, 0) > values[a] else values[a]
    return total


@dataclass
class _Heading:
    kind: str
    key: str  # own key: "II", "2.1", "a", "Điều 3", "Chương II", "Phụ lục II"
    title: str
    rank: float
    ordinal: int = 0


@dataclass
class _Open:
    section: Section
    heading: _Heading
    last: dict[str, int] = field(default_factory=dict)  # kind -> ordinal of the latest child


def heading_of(text: str, kind: str = "paragraph", in_appendix: bool = False) -> _Heading | None:
    """The numbered heading this paragraph opens, before any continuity check."""
    if kind in ("table_row", "table_header"):
        return None
    m = FORM.match(text) if in_appendix and len(text) < 120 else None
    if m:
        return _Heading("form", f"{m.group(1)} {m.group(2)}", m.group(3), RANK["form"])
    m = PART.match(text)
    if m and (m.group(1)[0].isupper()):
        word = m.group(1).capitalize()
        return _Heading("part", f"{word} {m.group(2)}", m.group(3), PART_RANK[word.lower()])
    m = ARTICLE.match(text)
    if m:
        return _Heading("article", f"Điều {m.group(1)}", m.group(2), RANK["article"], int(re.sub(r"\D", "", m.group(1))))
    m = ROMAN.match(text)
    if m:
        return _Heading("roman", m.group(1), m.group(2), RANK["roman"], roman_value(m.group(1)))
    m = NUMBER.match(text)
    if m and not re.match(r"^\d{1,2}/\d", text) and (not m.group(2) or re.search(r"\w", m.group(2))):
        key = m.group(1)
        if "." not in key and not re.match(r"^\d{1,2}[.)]", text):
            return None  # "16 được giao ...": a bare number is a wrapped line, not an item
        return _Heading("number", key, m.group(2), RANK["number"] + key.count("."), int(key.split(".")[-1]))
    m = LETTER.match(text)
    if m:
        return _Heading("letter", m.group(1), m.group(2), RANK["letter"], LETTERS.index(m.group(1)) + 1)
    return None


def _table_heading(text: str) -> _Heading | None:
    cells = text.split(" | ")
    key = cells[0].strip().rstrip(".")
    if not key or not TABLE_KEY.match(key):
        return None
    title = next((c for c in cells[1:] if c.strip()), "")
    if re.fullmatch(r"[IVXLC]{1,6}", key):
        return _Heading("roman", key, title, TABLE_RANK, roman_value(key))
    if key[0].isdigit():
        key = ".".join(str(int(part)) for part in key.split("."))  # "09" -> "9"
        return _Heading("number", key, title, TABLE_RANK + 1 + key.count("."), int(key.split(".")[-1]))
    return _Heading("letter", key, title, TABLE_RANK + 5, LETTERS.index(key) + 1)


def _continues(heading: _Heading, parent: _Open | None, root_last: dict[str, int]) -> bool:
    """Whether the heading's number follows its would-be siblings (see the module docstring)."""
    if heading.kind not in ("roman", "number"):
        return True
    scope = parent.last if parent else root_last
    counter = f"{heading.kind}{heading.key.count('.')}"
    last = scope.get(counter)
    if heading.ordinal == 1:
        return True
    if last is None:
        return heading.ordinal <= 3
    return last <= heading.ordinal <= last + 3


# Titles of the regions around the numbered body. They name what a region holds in the words a
# question uses ("ai ký", "gửi cho ai", "ban hành ngày nào"), for search and for the citation line.
REGION_TITLES = {
    "header": "Phần đầu văn bản: cơ quan ban hành, số, ngày ban hành",
    "intro": "Phần mở đầu",
    "closing": "Phần kết",
    "recipients": "Nơi nhận văn bản",
    "signature": "Người ký văn bản",
}


class _TreeBuilder:
    def __init__(self, text: str):
        self.text = text
        self.sections: list[Section] = []

    def add(self, label: str, title: str, level: int, start: int, end: int, parent: str | None = None,
            kind: str = "region") -> Section:
        section = Section(label=label, title=_title(title), level=level, start=start, end=end, parent=parent,
                          kind=kind)
        self.sections.append(section)
        return section

    def body(self, paragraphs: list[Paragraph], region: Region, prefix: str, base_level: int,
             root: Section | None) -> int:
        """Add the numbered sections of a body range; returns the index of the last heading paragraph (-1: none)."""
        stack: list[_Open] = []
        root_last: dict[str, int] = {}
        tables: dict[int, bool] = {}  # table -> has an STT column
        last_heading = -1

        def close(to_rank: float, at: int) -> None:
            while stack and stack[-1].heading.rank >= to_rank:
                stack.pop().section.end = at

        for index in range(region.start, region.end):
            para = paragraphs[index]
            text = self.text[para.start:para.end]
            if para.kind == "table_header":
                tables[para.table] = bool(re.match(r"^(?:STT|TT|Số\s*TT)\b", text, re.IGNORECASE))
                continue
            if para.kind == "table_row":
                heading = _table_heading(text) if tables.get(para.table) else None
            else:
                close(TABLE_RANK, para.start)  # a table's numbered rows end with the table
                heading = heading_of(text, para.kind, in_appendix=root is not None) or self._unreadable_item(
                    text, paragraphs, index, region, stack, root_last)
            if heading is None:
                continue
            if heading.kind in ("part", "form") and not heading.title and index + 1 < region.end:
                # "Chương II" / "CHỨC NĂNG, NHIỆM VỤ": the title is printed on the next line.
                following = paragraphs[index + 1]
                candidate = self.text[following.start:following.end]
                if len(candidate) < 150 and heading_of(candidate) is None:
                    heading.title = candidate
            survivors = [o for o in stack if o.heading.rank < heading.rank]
            parent = survivors[-1] if survivors else None
            if not _continues(heading, parent, root_last):
                continue
            close(heading.rank, para.start)
            parent = stack[-1] if stack else None
            label = self._label(heading, stack, root, prefix)
            section = self.add(label, heading.title, base_level + len(stack), para.start, region.end_offset,
                               parent.section.label if parent else (root.label if root else None), heading.kind)
            counter = f"{heading.kind}{heading.key.count('.')}"
            (parent.last if parent else root_last)[counter] = heading.ordinal
            stack.append(_Open(section, heading))
            last_heading = index
        for open_ in stack:
            open_.section.end = region.end_offset
        return last_heading

    def _unreadable_item(self, text: str, paragraphs: list[Paragraph], index: int, region: Region,
                         stack: list[_Open], root_last: dict[str, int]) -> _Heading | None:
        """An item whose number OCR could not read ("§. Giao Sở Xây dựng ..." between items 1 and 3).

        Its number is never read from the marker: it is the one its neighbours leave out, and only when the
        previous item of its level is n - 1 and the next one is n + 1; otherwise the paragraph stays part of
        the item before it."""
        m = UNREADABLE_MARKER.match(text)
        if not m:
            return None
        rank = RANK["number"]
        parent = next((o for o in reversed(stack) if o.heading.rank < rank), None)
        last = (parent.last if parent else root_last).get("number0")
        if last is None:
            return None
        for following in paragraphs[index + 1:region.end]:
            nxt = heading_of(self.text[following.start:following.end], following.kind)
            if nxt is None or nxt.rank > rank:
                continue
            if nxt.kind == "number" and nxt.rank == rank and nxt.ordinal == last + 2:
                return _Heading("number", str(last + 1), m.group(1), rank, last + 1)
            return None
        return None

    @staticmethod
    def _label(heading: _Heading, stack: list[_Open], root: Section | None, prefix: str) -> str:
        if heading.kind in ("article", "part"):
            return f"{prefix}{heading.key}"
        if heading.kind == "form" and root is not None:
            return f"{root.label} {heading.key}"
        # The nearest open ancestor that is not part of the legal frame above articles.
        for open_ in reversed(stack):
            if open_.heading.kind == "part":
                break
            if heading.kind == "number" and "." in heading.key and open_.heading.kind == "number" \
                    and open_.heading.rank < TABLE_RANK:
                continue  # "2.1" already carries its parent "2"
            return f"{open_.section.label}.{heading.key}"
        if root is not None:
            joiner = " " if root.label.endswith("Phụ lục") else "."
            return f"{root.label}{joiner}{heading.key}"
        return f"{prefix}{heading.key}"


def parse_sections(normalized: NormalizedText) -> list[Section]:
    """Sections with full label paths ("II.2.4"), region sections, spans covering their subsections."""
    text = normalized.text
    paragraphs = [p for p in normalized.paragraphs if p.kind != "footnote"]
    builder = _TreeBuilder(text)
    for segment in find_regions(text, paragraphs):
        prefix = f"{segment.prefix} - " if segment.prefix else ""
        root = None
        if segment.appendix:
            heading = segment.appendix
            root = builder.add(heading.key, heading.title, 0, segment.body.start_offset, segment.body.end_offset,
                               kind="appendix")
        level = 1 if root else 0
        if segment.header:
            builder.add(f"{prefix}header", REGION_TITLES["header"], 0, segment.header.start_offset,
                        segment.header.end_offset)
        body = segment.body
        first_body = body.start + (1 if root else 0)
        numbered = Region(first_body, body.end, paragraphs)
        before = len(builder.sections)
        last_heading = builder.body(paragraphs, numbered, prefix, level, root)
        added = builder.sections[before:]
        # intro: body text before the first numbered section
        first_start = added[0].start if added else numbered.end_offset
        if not root and numbered.start_offset < first_start:
            added.append(builder.add(f"{prefix}intro", REGION_TITLES["intro"], 0, numbered.start_offset, first_start))
        closing_start = segment.closing_start(text, last_heading)
        if closing_start is not None:
            closing_offset = paragraphs[closing_start].start
            for section in added:
                section.end = min(section.end, closing_offset)
            builder.add(f"{prefix}closing", REGION_TITLES["closing"], 0, closing_offset, numbered.end_offset)
        for name, region in (("recipients", segment.recipients), ("signature", segment.signature),
                             ("closing", segment.trailer)):
            if region:
                builder.add(f"{prefix}{name}", REGION_TITLES[name], 0, region.start_offset, region.end_offset)
    sections = sorted(builder.sections, key=lambda s: (s.start, s.level))
    return [s for s in sections if s.end > s.start]


def is_region(section: Section) -> bool:
    """Whether a section is a region around the numbered body (header, intro, closing, recipients, signature)."""
    return section.kind == "region"


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The deepest section whose span contains ``offset``."""
    best = None
    for section in sections:
        if section.start <= offset < section.end and (best is None or section.level >= best.level):
            best = section
    return best


def title_path(sections: list[Section], section: Section | None) -> list[Section]:
    """The section and its ancestors, root first (for many lookups build a :class:`SectionTree`)."""
    return SectionTree(sections).path(section)


class SectionTree:
    """Parent links of a document's sections, resolved once.

    Labels can repeat (a list restarting at 1), so a section's parent is the latest section before it
    that carries its parent's label.
    """

    def __init__(self, sections: list[Section]):
        self.parent_of: dict[int, Section] = {}
        latest: dict[str, Section] = {}
        for section in sorted(sections, key=lambda s: (s.start, s.level)):
            if section.parent and section.parent in latest:
                self.parent_of[id(section)] = latest[section.parent]
            latest[section.label] = section

    def parent(self, section: Section) -> Section | None:
        return self.parent_of.get(id(section))

    def path(self, section: Section | None) -> list[Section]:
        """The section and its ancestors, root first."""
        path: list[Section] = []
        while section is not None and len(path) < 64:
            path.append(section)
            section = self.parent(section)
        return path[::-1]
