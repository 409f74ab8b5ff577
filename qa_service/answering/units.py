"""Answer units: the bullets, items, sentences and table rows a passage is made of, with their context.

An answer quotes whole units, so the cited words are the document's own. Each unit knows the
sentence that introduces it ("Giao Sở Tư pháp chủ trì, phối hợp với ...:" before items a), b), c)),
because an item alone often does not name the agency it is assigned to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from index.retriever import ScoredChunk
from qa_service.answering.question import AGENCY as AGENCY_FACET
from qa_service.answering.question import DATE, DATE_NUM, NUMBER, QuestionAnalysis, folded

# A line opening an item: "a)", "1.", "2.1.", "-", "+", "•", "(1)".
ITEM_START = re.compile(r"^\s*(?:[-+•–*]|\(?\d+(?:\.\d+)*[.)]|\(?[a-zđ][.)]|[IVXLC]+\.)\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ(“\"\d-])")
CLAUSE_END = re.compile(r"(?<=;)\s+")
CELL_END = re.compile(r"\s\|\s")  # between the cells of a table row as the loaders write it ("a | b | c")
# "Giao Sở Tài chính" alone on a line, or any line ending with a colon, introduces what follows.
ASSIGNING_LINE = re.compile(r"^\s*(?:\(?[a-zđ\d]+[.)]\s*)?(?:giao|đề nghị|yêu cầu|chỉ đạo)\s+\S", re.IGNORECASE)
# Sections the ingestion labels as blocks of the document's frame, read whole.
BLOCK_SECTIONS = frozenset({"signature", "recipients"})
MAX_QUOTE_CHARS = 1000  # a citation quotes a unit's whole line up to this length, else its sentence
MAX_UNIT_CHARS = 420  # a longer paragraph is split into sentences (answers trim long sentences to clauses)
# The opening of a sentence that enumerates after a colon: "Ngày 20/4/2026, UBND tỉnh ... báo cáo: (1) ..."
INLINE_LEAD = re.compile(r"[^;:]{30,}?:\s+(?=\S)")

# Time expressions a deadline answer states (folded text).
STRONG_TIME = re.compile(
    r"\bngay \d{1,2} thang \d{1,2}\b|\bthang \d{1,2}(?:/\d{4}| nam \d{4})\b|"
    r"\bquy (?:i|ii|iii|iv|\d)\b|\b\d+ (?:tuan|thang|ngay)/lan\b|\bhang (?:tuan|thang|quy|nam|ngay)\b|"
    r"\bdinh ky\b|\bcham nhat\b|\btruoc ngay\b|\bthuong nien\b")
# ... and a duration ("10 ngày", "06 (sáu) tháng", "03 năm"), an hour ("08h00") or a moment named by an event
# ("kể từ thời điểm mở thừa kế").
WEAK_TIME = re.compile(r"\b(?:trong|truoc|sau|den|tu) (?:nam|thang|quy|ngay) \d|\bnam (?:19|20)\d{2}\b|"
                       r"\b\d+ (?:\([a-z ]+\) )?(?:ngay|thang|nam|tuan|gio|phut)\b|\b\d{1,2}h(?:\d{2})?\b|"
                       r"\bthoi diem\b|\bke tu\b|"
                       r"\bsau khi\b|\bngay sau\b|\btruoc khi\b|\bkip thoi\b|\bthuong xuyen\b")
PERCENT = re.compile(r"\d(?:[.,]\d+)?\s?%|\bphan tram\b")
MONEY = re.compile(r"\d[\d.,]*\s*(?:nghin |trieu |ty |ti )?(?:dong|vnd|usd)\b|\d[\d.,]*\s*(?:trieu|ty)\b")
LENGTH = re.compile(r"\d[\d.,]*\s*(?:km|m|met|kilomet)\b")
# Words stating a goal or an indicator to reach (folded text).
TARGET_WORDS = re.compile(r"\b(?:phan dau|toi thieu|it nhat|toi da|muc tieu|chi tieu|dat (?:tren |duoi )?\d|"
                          r"tang (?:them )?\d|bao dam \d|dam bao \d)")
# Agencies and people an assignment names (folded text).
AGENCY = re.compile(
    # "Sở Tài chính", not "hồ sơ cấp ..." (folded alike).
    r"\b(?:(?<!ho )so [a-z]+|bo [a-z]+|ban [a-z]+|uy ban nhan dan|ubnd|cuc [a-z]+|chi cuc|van phong|cong an|"
    r"trung tam|kho bac|ngan hang|thanh tra|nha dau tu|tap doan|cong ty|hoi dong|doan [a-z]+|"
    # "Quỹ Khuyến học", not "quy định", "quy trình", "quy hoạch" (everywhere in legal text).
    r"quy (?!dinh|trinh|che|hoach|mo|pham|tac|luat|cach|uoc|doi|trach|tu\b|nap|chuan)[a-z]+|"
    r"thu tuong|chu tich|pho chu tich|bo truong|cac so|cac co quan|cac don vi|dia phuong|"
    r"chinh phu|quoc hoi|toa an|vien kiem sat)\b")

# "đồng chí Nguyễn Hồng Hải" names a person; "đồng chí chủ trì" does not.
NAMED_PERSON = re.compile(r"(?i:đồng chí|ông|bà)\s+(\w)")


def states_agency(text: str, folded_text: str | None = None) -> bool:
    """Whether a text names an agency, a body or a person ("đồng chí Nguyễn Hồng Hải")."""
    if AGENCY.search(folded(text) if folded_text is None else folded_text):
        return True
    return any(m.group(1).isupper() for m in NAMED_PERSON.finditer(text))


_NUMBER_WORD = re.compile(r"\d|\b(?:mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi|tram|nghin|trieu)\b")
_TIME_WORD = re.compile(r"\d|\b(?:ngay|thang|nam|quy|tuan|gio|khi|truoc|sau|tu|thoi diem|thoi han|hang|dinh ky)\b")


def states_asked(analysis: QuestionAnalysis, text: str) -> dict[str, bool]:
    """For each kind of fact the question asks (a body for "who", a time for "when", a figure for "how
    many"), whether ``text`` states one."""
    plain = folded(text)
    checks = {AGENCY_FACET: lambda: states_agency(text, plain) or text[:1].isupper(),
              DATE: lambda: bool(_TIME_WORD.search(plain)), NUMBER: lambda: bool(_NUMBER_WORD.search(plain))}
    return {facet: check() for facet, check in checks.items() if facet in analysis.facets}


def is_date(written: str) -> bool:
    """Whether "dd/mm[/yyyy]" or "mm/yyyy" is a possible date ("24/24 giờ" is not)."""
    parts = [int(p) for p in re.split(r"[/-]", written)]
    if len(parts) == 2 and parts[1] >= 1900:
        return 1 <= parts[0] <= 12
    return 1 <= parts[0] <= 31 and 1 <= parts[1] <= 12


@dataclass
class Unit:
    """One quotable piece of a passage.

    Attributes:
        hit: the retrieved passage the unit comes from.
        rank: the passage's rank in the retrieval results (0 = best).
        text: the document's words (stripped).
        start: offset of ``text`` in the passage text.
        lead: the sentence that introduces the unit (an assignment or a list lead-in), possibly empty.
        heading: True for a line that is only the section's own heading.
        is_lead: True when this unit introduces the units after it.
        line: the passage line the unit is a sentence or clause of.
        context: the words a citation quotes for it: its whole line, or its sentence in a long one.
        deadlines: the dated deadlines (ISO) structured data (a task row) gives the unit. Passage units have
            none: a date in a passage may be a deadline, a meeting day or a result's cut-off, which only
            the task extractor tells apart.
        deadline_text: the deadline as the document writes it ("trước ngày 31/01/2024"), when known.
        structured: True for a statement of a structured source (a task row), not a piece of the passage.
    """

    hit: ScoredChunk
    rank: int
    text: str
    start: int
    lead: str = ""
    heading: bool = False
    is_lead: bool = False
    line: int = 0
    context: str = ""
    deadlines: tuple[str, ...] = ()
    deadline_text: str = ""
    structured: bool = False

    @cached_property
    def folded(self) -> str:
        return folded(self.text)

    @cached_property
    def folded_lead(self) -> str:
        return folded(self.lead)

    @property
    def key(self) -> tuple[int, int]:
        return (self.hit.chunk.chunk_id, self.start)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def overlaps(self, other: Unit) -> bool:
        """Whether two units quote some of the same words of one passage (a row inside a line, say)."""
        return (self.hit.chunk.chunk_id == other.hit.chunk.chunk_id and self.start < other.end
                and other.start < self.end)

    def has_time(self, strong_only: bool = False) -> bool:
        if STRONG_TIME.search(self.folded) or any(is_date(m.group(0)) for m in DATE_NUM.finditer(self.text)):
            return True
        return not strong_only and bool(WEAK_TIME.search(self.folded))

    def has_agency(self) -> bool:
        return states_agency(self.text, self.folded)


# The heading of an article of a law: "Điều 23. Chức năng của Trung tâm trọng tài".
ARTICLE_HEADING = re.compile(r"^\s*(?:Điều|Dieu|Article)\s+\d+[a-zđ]?\s*[.:]\s*", re.IGNORECASE)


def _is_heading(line: str, hit: ScoredChunk) -> bool:
    """A line that only repeats the section heading ("2.4. Thu ngân sách", "Điều 23. Chức năng ...") or the
    document title."""
    body = folded(ARTICLE_HEADING.sub("", ITEM_START.sub("", line)).strip().rstrip(":").strip())
    if not body or body.endswith((".", ";")):
        return False
    for title in (hit.chunk.section_title, hit.chunk.title):
        title = folded(title)
        if title and len(body) <= len(title) + 3 and title.startswith(body.rstrip(" .…")):
            return True
    return False


def _bounds(text: str, splitter: re.Pattern) -> tuple[list[int], list[int]]:
    """Start and end offsets of the pieces of ``text`` between ``splitter`` matches."""
    cuts = [0] + [m.end() for m in splitter.finditer(text)] + [len(text)]
    return cuts[:-1], cuts[1:]


def _split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, piece) pieces of a paragraph longer than MAX_UNIT_CHARS: sentences (within the cells of a
    table row), and a sentence still longer than that at its semicolons (Vietnamese administrative prose
    chains clauses and items with ";")."""
    if len(text) <= MAX_UNIT_CHARS:
        return [(0, text)]
    if " | " in text:  # a long table row: runs of its cells, a long cell alone (a sentence never spans cells)
        starts = [0] + [m.end() for m in CELL_END.finditer(text)]
        ends = [m.start() for m in CELL_END.finditer(text)] + [len(text)]
        pieces: list[tuple[int, str]] = []
        run: tuple[int, int] | None = None
        for a, b in zip(starts, ends):
            if b - a > MAX_UNIT_CHARS // 2 or (run and b - run[0] > MAX_UNIT_CHARS):
                if run:
                    pieces.append((run[0], text[run[0]:run[1]]))
                run = None
                if b - a > MAX_UNIT_CHARS // 2:
                    pieces.extend((a + offset, piece) for offset, piece in _split_prose(text[a:b]))
                    continue
            run = (run[0] if run else a, b)
        if run:
            pieces.append((run[0], text[run[0]:run[1]]))
        return [(a, piece) for a, piece in pieces if piece.strip(" |")]
    return _split_prose(text)


def _split_prose(text: str) -> list[tuple[int, str]]:
    """(offset, piece) pieces of text: itself when short, else its sentences, a long one at its semicolons."""
    if len(text) <= MAX_UNIT_CHARS:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    bounds = [0] + [m.end() for m in SENTENCE_END.finditer(text)] + [len(text)]
    for a, b in zip(bounds, bounds[1:]):
        sentence = text[a:b]
        if not sentence.strip():
            continue
        if len(sentence) <= MAX_UNIT_CHARS:
            pieces.append((a, sentence))
            continue
        cuts = [0] + [m.end() for m in CLAUSE_END.finditer(sentence)] + [len(sentence)]
        # "... báo cáo: (1) ...; (2) ...": the words before the colon introduce every clause (see split_units).
        opening = INLINE_LEAD.match(sentence[:cuts[1]])
        if opening:
            cuts.insert(1, opening.end())
        pieces.extend((a + c, sentence[c:d]) for c, d in zip(cuts, cuts[1:]) if sentence[c:d].strip())
    return pieces


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) pairs, with lines that a hard break cut mid-sentence joined back."""
    lines: list[tuple[int, str]] = []
    offset = 0
    for raw in text.split("\n"):
        start = offset + (len(raw) - len(raw.lstrip()))
        offset += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        if lines and line[0].islower() and not ITEM_START.match(line) and \
                not lines[-1][1].endswith((".", ";", ":", "!", "?")):
            prev_start, prev = lines[-1]
            lines[-1] = (prev_start, text[prev_start:start + len(line)])
            continue
        lines.append((start, line))
    return lines


def place_statement(text: str, units: list[Unit], hit: ScoredChunk, rank: int, lead: str = "",
                    deadlines: tuple[str, ...] = (), deadline_text: str = "") -> Unit | None:
    """A statement of ``hit``'s passage (words of it, e.g. a task row) as a unit among the passage's ``units``.

    It takes the line number, introducing sentence and quoted context of the passage unit it starts
    in, so it reads and is cited like that unit; None when the words are not in the passage.
    """
    text = text.strip()
    start = hit.chunk.text.find(text)
    if start < 0 or not text:
        return None
    host = next((u for u in units if u.start <= start < u.end), None)
    if host is None:
        host = next((u for u in units if start <= u.start < start + len(text)), None)
    # The citation quotes the line the words stand in, as for the passage's own units, when it holds them.
    context = host.context if host and text in host.context else text
    return Unit(hit=hit, rank=rank, text=text, start=start, lead=lead or (host.lead if host else ""),
                line=host.line if host else -1, context=context,
                deadlines=deadlines, deadline_text=deadline_text, structured=True)


def split_units(hit: ScoredChunk, rank: int, parent_lead: str = "") -> list[Unit]:
    """The units of ``hit``'s passage in reading order.

    ``parent_lead`` is the introducing sentence of the passage's section when it lives in another
    passage (the parent section's "Giao ... :" line); the passage's own ``lead_in`` wins over it.
    """
    lead = hit.chunk.lead_in.strip() or parent_lead.strip()
    if hit.chunk.section in BLOCK_SECTIONS:  # a signature or recipients block reads as one statement
        text = hit.chunk.text.strip()
        return [Unit(hit=hit, rank=rank, text=text, start=hit.chunk.text.find(text))] if text else []
    units: list[Unit] = []
    # A passage cut from a table carries the table's header row as its lead-in: its first line is data.
    previous = hit.chunk.lead_in.strip() if " | " in hit.chunk.lead_in else ""
    for line_no, (line_start, line) in enumerate(_lines(hit.chunk.text)):
        # The first row of a table (or one opening "STT |") names the columns: context, not an answer.
        header_row = " | " in line and (" | " not in previous or line.startswith("STT"))
        previous = line
        heading = header_row or _is_heading(line, hit)
        introduces = not header_row and (line.endswith(":") or (
            ASSIGNING_LINE.match(line) is not None and len(line) < 160 and not line.endswith((".", ";"))))
        sentences = [(0, line)] if len(line) <= MAX_QUOTE_CHARS else [
            (a, line[a:b]) for a, b in zip(*_bounds(line, SENTENCE_END))]
        piece_lead = lead
        for piece_offset, piece in _split_sentences(line):
            stripped = piece.strip()
            if stripped:
                context = next((t for a, t in reversed(sentences) if a <= piece_offset), line).strip()
                # A clause ending in a colon inside a long line introduces the clauses after it in that line.
                opens = stripped.endswith(":") and stripped != line
                units.append(Unit(hit=hit, rank=rank, text=stripped,
                                  start=line_start + piece_offset + (len(piece) - len(piece.lstrip())),
                                  lead=piece_lead, heading=heading, is_lead=introduces or opens, line=line_no,
                                  context=context))
                if opens:
                    piece_lead = stripped
        if introduces:
            lead = line
    return units
