"""Section tree of an administrative or legal document, flattened in reading order."""
from __future__ import annotations

import re

from ingest.models import Section

ROMAN = re.compile(r"^([IVXLC]{1,6})[.)]\s+(.*)$")
NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(.*)$")
LETTER = re.compile(r"^([a-zđ])\)\s+(.*)$")
ARTICLE = re.compile(r"^(Điều|ĐIỀU)\s+(\d+[a-z]?)\.?\s*(.*)$")
CHAPTER = re.compile(r"^(Chương|CHƯƠNG|Phần|PHẦN|Mục|MỤC)\s+([\dIVXLC]+)\.?\s*(.*)$")
APPENDIX = re.compile(r"^(?:Phụ lục|PHỤ LỤC)\s+([\dIVXLC]+)\.?\s*(.*)$")

TITLE_MAX = 160


def _title(text: str) -> str:
    text = text.strip()
    return text if len(text) <= TITLE_MAX else text[:TITLE_MAX].rsplit(" ", 1)[0] + "…"


def _heading(paragraph: str):
    """(kind, key, title) when the paragraph opens a section, else None."""
    for kind, pattern in (("appendix", APPENDIX), ("chapter", CHAPTER), ("article", ARTICLE)):
        m = pattern.match(paragraph)
        if m:
            groups = m.groups()
            if kind == "chapter":
                return kind, f"{groups[0].capitalize()} {groups[1]}", groups[2]
            if kind == "article":
                return kind, f"Điều {groups[1]}", groups[2]
            return kind, f"Phụ lục {groups[0]}", groups[1]
    m = ROMAN.match(paragraph)
    if m:
        return "roman", m.group(1), m.group(2)
    m = NUMBER.match(paragraph)
    if m and not re.match(r"^\d{1,2}/\d", paragraph):
        return "number", m.group(1), m.group(2)
    m = LETTER.match(paragraph)
    if m:
        return "letter", m.group(1), m.group(2)
    return None


# Deeper kinds nest inside shallower ones; numbers nest by their dotted depth.
KIND_RANK = {"appendix": 0, "chapter": 1, "article": 2, "roman": 3, "number": 4, "letter": 8}


def _rank(kind: str, key: str) -> int:
    return KIND_RANK[kind] + (key.count(".") if kind == "number" else 0)


def parse_sections(text: str) -> list[Section]:
    """Sections with full label paths ("II.2.4") and spans covering their subsections."""
    sections: list[Section] = []
    stack: list[tuple[int, Section, str]] = []  # (rank, section, own key)
    offset = 0
    for paragraph in text.split("\n"):
        head = _heading(paragraph)
        if head:
            kind, key, title = head
            rank = _rank(kind, key)
            while stack and stack[-1][0] >= rank:
                stack.pop()[1].end = offset
            parent = stack[-1][1] if stack else None
            own = key
            if kind == "number" and "." in key and parent is not None:
                # "2.4." under "II" -> the number already carries its parent "2".
                prefix_parent = next((s for r, s, k in reversed(stack) if KIND_RANK["number"] > r), None)
                label = f"{prefix_parent.label}.{key}" if prefix_parent else key
            else:
                label = f"{parent.label}.{own}" if parent else own
            section = Section(label=label, title=_title(title), level=len(stack), start=offset, end=len(text),
                              parent=parent.label if parent else None)
            sections.append(section)
            stack.append((rank, section, own))
        offset += len(paragraph) + 1
    for _, section, _ in stack:
        section.end = len(text)
    return sections


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The deepest section whose span contains ``offset``."""
    best = None
    for section in sections:
        if section.start <= offset < section.end and (best is None or section.level >= best.level):
            best = section
    return best


def title_path(sections: list[Section], section: Section | None) -> list[Section]:
    by_label = {s.label: s for s in sections}
    path: list[Section] = []
    while section is not None:
        path.append(section)
        section = by_label.get(section.parent) if section.parent else None
    return path[::-1]
