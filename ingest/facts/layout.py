"""The document as the extractors walk it: paragraphs in their sections, zones, and citation locations.

A notice opens with a meeting description ("... kết luận như sau:"), may assess results
("I. Đánh giá chung", "Về kết quả ..."), assigns tasks, and closes with a formula ("... biết, thực
hiện./.") and the recipients ("Nơi nhận"). Tasks are read from the directive part only; indicators
from the whole body.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.facts.models import Location
from ingest.facts.text import Paragraph, paragraphs
from ingest.vietnamese import fold
from ingest.models import ParsedDocument, Section
from ingest.normalize import page_at
from ingest.structure import is_region, section_at

# "... đồng chí chủ trì kết luận và chỉ đạo như sau:" ends the meeting description.
_CONCLUSION = re.compile(r"(?:kết luận|chỉ đạo|thống nhất)(?:\s+và\s+chỉ đạo)?\s+(?:như\s+)?sau\s*:", re.IGNORECASE)
_RECIPIENTS = re.compile(r"^\s*(?:Nơi nhận|NƠI NHẬN)\s*:?", re.MULTILINE)
_APPENDIX = re.compile(r"^\s*(?:PHỤ LỤC|Phụ lục)\b", re.MULTILINE)
# The closing formula: "... thông báo để các cơ quan, đơn vị biết, thực hiện./."
_CLOSING = re.compile(r"thông báo.*\./\.\s*$", re.IGNORECASE)
# Sections that assess results or describe the meeting (participants, time, place) assign no tasks.
_ASSESSMENT = re.compile(r"^(?:ve\s+)?(?:danh gia|ket qua|tinh hinh|boi canh|ton tai|han che|mot so ket qua|"
                         r"thanh phan|thoi gian(?:,| va)? dia diem|dia diem)")
# "Về kết quả thực hiện các nhiệm vụ ..." is still an assessment; "nhiệm vụ, giải pháp" is not.
_DIRECTIVE_WORDS = re.compile(r"giai phap|to chuc thuc hien|phuong huong|thoi gian toi|trach nhiem|"
                              r"(?<!thuc hien )(?<!thuc hien cac )nhiem vu")


@dataclass
class Block:
    """One paragraph with the section it belongs to.

    ``heading`` is True for the paragraph that opens ``section``; ``body`` is False for the meeting
    description and the closing formula; ``directive`` is also False in assessment sections.
    """

    para: Paragraph
    section: Section | None
    heading: bool
    directive: bool
    body: bool  # after the meeting description and not the closing formula


def is_assessment(title: str) -> bool:
    """Whether a section title announces an assessment of results rather than tasks."""
    key = fold(title).lower().strip()
    return bool(_ASSESSMENT.match(key)) and not _DIRECTIVE_WORDS.search(key)


@dataclass
class DocumentLayout:
    """Paragraphs of a parsed document with their sections, zones and pages."""

    doc: ParsedDocument
    blocks: list[Block] = field(init=False)

    def __post_init__(self) -> None:
        doc = self.doc
        text = doc.text
        self._by_label = {s.label: s for s in doc.sections}
        # The recipients and signature are skipped; an appendix after them ("PHỤ LỤC") is read again.
        skipped = (len(text), len(text))
        recipients = _RECIPIENTS.search(text)
        if recipients:
            appendix = _APPENDIX.search(text, recipients.end())
            skipped = (recipients.start(), appendix.start() if appendix else len(text))
        end = skipped[0]
        begin = 0
        first_section = min((s.start for s in doc.sections if not is_region(s)), default=end)
        conclusion = _CONCLUSION.search(text, 0, max(first_section, min(end, 4000)))
        if conclusion:
            begin = conclusion.end()
        self.blocks = []
        for para in paragraphs(text):
            if skipped[0] <= para.start < skipped[1]:
                continue
            section = self.section_at(para.start)
            heading = section is not None and not is_region(section) and section.start == para.start
            body = para.end > begin and not _CLOSING.search(para.body)
            self.blocks.append(Block(para, section, heading, body and not self._in_assessment(section), body))

    def section_at(self, offset: int) -> Section | None:
        """The innermost section containing ``offset``."""
        return section_at(self.doc.sections, offset)

    def parent(self, section: Section | None) -> Section | None:
        return self._by_label.get(section.parent) if section is not None and section.parent else None

    def _in_assessment(self, section: Section | None) -> bool:
        while section is not None:
            if is_assessment(section.title):
                return True
            section = self.parent(section)
        return False

    def has_content(self, section: Section) -> bool:
        """Whether a section holds more than its heading line: directive body paragraphs or subsections."""
        return any(b.directive and section.start < b.para.start < section.end for b in self.blocks)

    def page(self, offset: int) -> int:
        """1-based page of a character offset."""
        return page_at(self.doc.page_starts, offset) if self.doc.page_starts else 1

    def location(self, start: int, end: int) -> Location:
        """Citation facts for the document's words between ``start`` and ``end``."""
        section = self.section_at(start)
        return Location(section=section.label if section else "", section_title=section.title if section else "",
                        page_start=self.page(start), page_end=self.page(max(start, end - 1)), char_start=start,
                        char_end=end, text=self.doc.text[start:end].strip())


def table_cells(line: str) -> list[tuple[int, str]] | None:
    """(offset, text) of each cell of a table row as the loaders write it ("a | b | | d"), or None.

    Empty cells at the end lose their trailing spaces in normalisation ("a | b |"), so cells are the
    text between "|" marks, stripped.
    """
    if " | " not in line:
        return None
    cells, pos = [], 0
    for part in line.split("|"):
        cells.append((pos + len(part) - len(part.lstrip()), part.strip()))
        pos += len(part) + 1
    return cells if len(cells) >= 3 else None
