"""Regions of an administrative document (layout of Decree 30/2020/NĐ-CP) around its numbered body.

A document file may hold several documents: the main one, appendices (``PHỤ LỤC``) and attached
documents that repeat the national motto under their own type (a charter "ĐIỀU LỆ" attached to
the decision that approves it). Each :class:`Segment` has

* a header: issuer, motto, number, place and date, type, abstract ("trích yếu"), the signing
  authority of a decision, "Kính gửi:"/"... điện:" and its addressees;
* a body (the numbered sections, the intro before them, the closing after them);
* recipients ("Nơi nhận:" and its list), the signature (role lines and the signer's name) and
  whatever follows the signature (a trailer, labelled closing).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.normalize import ITEM_START, Paragraph

# "HÒA" and the older "HOÀ" spelling both occur.
MOTTO = re.compile(r"CỘNG\s+H(?:ÒA|OÀ|OA)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*[-–]\s*Tự\s+do",
                   re.IGNORECASE)
NUMBER_LINE = re.compile(r"^S[ốóô]\s*:")  # "Só:" is a common OCR reading of "Số:"
PLACE_DATE = re.compile(r"^[^,]{2,40},\s*ngày\b")
SUBJECT = re.compile(r"^V/v\b")
ADDRESSEES = re.compile(r"^(?:Kính\s+gửi\b|[A-ZĐÀ-Ỹ ]{4,}\s+điện\s*:)")
DOC_TYPES = (
    "THÔNG BÁO", "KẾ HOẠCH", "QUYẾT ĐỊNH", "BÁO CÁO", "CÔNG ĐIỆN", "CÔNG VĂN", "CHỈ THỊ", "NGHỊ QUYẾT",
    "NGHỊ ĐỊNH", "THÔNG TƯ", "TỜ TRÌNH", "HƯỚNG DẪN", "CHƯƠNG TRÌNH", "ĐỀ ÁN", "DỰ ÁN", "QUY ĐỊNH", "QUY CHẾ",
    "ĐIỀU LỆ", "BIÊN BẢN", "LUẬT", "PHƯƠNG ÁN", "KẾT LUẬN", "GIẤY MỜI", "THÔNG CÁO",
)
DOC_TYPE = re.compile(r"^(%s)\b(?!.*:$)" % "|".join(DOC_TYPES))
BODY_CUE = re.compile(
    r"^(?:Căn cứ|Thực hiện|Ngày|Theo|Sau khi|Trong|Để|Hôm nay|Vào|Năm|Qua|Tại|Triển khai|Xét|Nhằm|Chiều|Sáng|"
    r"Thời gian|Thừa lệnh|Kính gửi)\b"
)
ROLE_WORDS = re.compile(
    r"^(?:TM|KT|TL|TUQ|Q|T/M)\.|CHỦ TỊCH|TRƯỞNG|GIÁM ĐỐC|CHÁNH|THỦ TƯỚNG|CHỦ NHIỆM|BÍ THƯ|HIỆU TRƯỞNG|"
    r"TỔNG CỤC|ỦY VIÊN|UỶ VIÊN|KÝ THAY|THỪA LỆNH"
)
APPENDIX = re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?([IVXLC]{1,6}|\d{1,2}[a-z]?|[A-Z]))?\s*[.:\-–]?\s*(.*)$")
RECIPIENTS = re.compile(r"^Nơi\s+nhận\b")
CLOSING_CUE = re.compile(
    r"^(?:Trên đây|Trân trọng|Rất mong|Kính đề nghị|Kính báo cáo|Kính trình)"
    r"|trân trọng thông báo|thông báo (?:để|đến)\b|(?:thông báo|báo cáo)\b.{0,200}\bđể\b.{0,160}\bbiết\b",
    re.IGNORECASE,
)
HEADER_SCAN = 30


@dataclass
class Region:
    """Paragraphs ``start`` (inclusive) to ``end`` (exclusive) of a paragraph list."""

    start: int
    end: int
    paragraphs: list[Paragraph]

    def _offset(self, index: int) -> int:
        if index < len(self.paragraphs):
            return self.paragraphs[index].start
        return self.paragraphs[-1].end + 1 if self.paragraphs else 0

    @property
    def start_offset(self) -> int:
        return self._offset(self.start)

    @property
    def end_offset(self) -> int:
        return self._offset(self.end)

    def __bool__(self) -> bool:
        return self.end > self.start


@dataclass
class AppendixHeading:
    key: str  # "Phụ lục II", or "Phụ lục" when unnumbered
    title: str


@dataclass
class Segment:
    """One document inside the file: main document, appendix or attached document."""

    header: Region | None
    body: Region
    recipients: Region | None
    signature: Region | None
    trailer: Region | None
    prefix: str = ""  # label prefix of an attached document ("Điều lệ")
    appendix: AppendixHeading | None = None

    def closing_start(self, text: str, last_heading: int) -> int | None:
        """First paragraph of the closing: after the last numbered heading, a paragraph that closes."""
        paragraphs = self.body.paragraphs
        first = last_heading + 1 if last_heading >= 0 else self.body.start + 1
        for index in range(max(first, self.body.start), self.body.end):
            para = paragraphs[index]
            line = text[para.start:para.end]
            if para.kind != "paragraph" or ITEM_START.match(line):
                continue
            if CLOSING_CUE.search(line) or line.endswith("./."):
                return index
        return None


def _is_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def is_role_line(line: str) -> bool:
    """A signature role line: "KT. CHỦ TỊCH", "PHÓ CHÁNH VĂN PHÒNG", "BỘ TRƯỞNG"."""
    return _is_upper(line) and len(line.split()) <= 12 and ROLE_WORDS.search(line) is not None


def is_name_line(line: str) -> bool:
    """A signer's name: two to six capitalised words, nothing else."""
    words = line.split()
    return 2 <= len(words) <= 6 and all(w[:1].isupper() and w.isalpha() for w in words) and not _is_upper(line)


def doc_type_of(line: str) -> str:
    m = DOC_TYPE.match(line) if _is_upper(line) else None
    return m.group(1) if m else ""


def _header_end(lines: list[str], start: int, end: int) -> int:
    """Index of the first paragraph after the header block starting at ``start`` (``start`` if none)."""
    phase, found, abstract = "top", False, 0
    j = start
    limit = min(end, start + HEADER_SCAN)
    while j < limit:
        line = lines[j]
        if phase == "subject":  # continuation lines of a "V/v ..." subject
            if line[:1].islower():
                j += 1
                continue
            phase = "top"
        if phase == "top":
            if doc_type_of(line):
                phase, found = "abstract", True
            elif ADDRESSEES.match(line):
                phase, found = "addressees", True
            elif MOTTO.search(line) or NUMBER_LINE.match(line):
                found = True
            elif SUBJECT.match(line):
                phase = "subject"
            elif not (PLACE_DATE.match(line) or (_is_upper(line) and len(line) < 100)):
                break
            j += 1
            continue
        if phase == "abstract":
            if ADDRESSEES.match(line):
                phase = "addressees"
            elif line.startswith("("):  # "(Kèm theo Quyết định số ...)", possibly over several lines
                phase = "abstract" if line.rstrip().endswith(")") else "paren"
            elif _is_upper(line) and len(line) < 200:
                pass  # the signing authority of a decision, or an upper-case abstract
            elif line[:1].islower() and abstract:
                pass
            elif BODY_CUE.match(line) or ITEM_START.match(line) or abstract >= 4 or len(line) > 400 \
                    or line.endswith("."):
                break
            else:
                abstract += 1
            j += 1
            continue
        if phase == "paren":
            phase = "abstract" if line.rstrip().endswith(")") else "paren"
            j += 1
            continue
        if phase == "addressees":
            if line[:1] in "-+•" or line[:1].islower():
                j += 1
                continue
            break
    return j if found else start


def _tail(lines: list[str], start: int, end: int) -> tuple[int, Region | None, Region | None, Region | None]:
    """(body end, recipients, signature, trailer) as index ranges; regions hold no paragraphs yet."""
    notes = next((i for i in range(end - 1, start - 1, -1) if RECIPIENTS.match(lines[i])), None)
    if notes is None:
        # No "Nơi nhận": a signature at the very end, if any.
        j = end
        while j > start and not lines[j - 1].strip():
            j -= 1
        if j > start and is_name_line(lines[j - 1]) and j - 1 > start and is_role_line(lines[j - 2]):
            sig_start = j - 2
            while sig_start > start and is_role_line(lines[sig_start - 1]):
                sig_start -= 1
            return sig_start, None, Region(sig_start, j, []), Region(j, end, []) if j < end else None
        return end, None, None, None
    r_end = notes + 1
    while r_end < end and not is_role_line(lines[r_end]) and not is_name_line(lines[r_end]) \
            and (lines[r_end][:1] in "-+•" or not _is_upper(lines[r_end])):
        r_end += 1
    recipients = Region(notes, r_end, [])
    # The signature follows the list (or sits just above "Nơi nhận" in some layouts).
    sig_start = sig_end = r_end
    while sig_end < end and is_role_line(lines[sig_end]):
        sig_end += 1
    if sig_end > sig_start:
        while sig_end < end and is_name_line(lines[sig_end]):
            sig_end += 1
        body_end = notes
    else:
        sig_start = notes
        while sig_start > start and (is_role_line(lines[sig_start - 1]) or is_name_line(lines[sig_start - 1])):
            sig_start -= 1
        body_end = sig_start
        sig_end = notes if sig_start < notes else sig_start
    signature = Region(sig_start, sig_end, []) if sig_end > sig_start else None
    trailer_start = max(r_end, sig_end)
    trailer = Region(trailer_start, end, []) if trailer_start < end else None
    return body_end, recipients, signature, trailer


def _boundaries(lines: list[str], paragraphs: list[Paragraph], header_end: int) -> list[tuple[int, str, AppendixHeading | None]]:
    """Where appendices and attached documents begin: (index, label prefix, appendix heading)."""
    found = []
    for i in range(header_end, len(lines)):
        line = lines[i]
        if paragraphs[i].kind != "paragraph":
            continue
        m = APPENDIX.match(line)
        if m and len(line) < 200 and (line.startswith("PHỤ LỤC") or m.group(1)) \
                and not (m.group(2) or "")[:1].islower():
            key = f"Phụ lục {m.group(1)}" if m.group(1) else "Phụ lục"
            title = m.group(2)
            if not title and i + 1 < len(lines) and _is_upper(lines[i + 1]):
                title = lines[i + 1]
            found.append((i, "", AppendixHeading(key, title)))
            continue
        if MOTTO.search(line) and i > header_end and not (found and i - found[-1][0] <= 4):
            kind = next((doc_type_of(lines[k]) for k in range(i + 1, min(i + 5, len(lines))) if doc_type_of(lines[k])), "")
            if kind:
                begin = i
                while begin > header_end and begin > i - 3 and _is_upper(lines[begin - 1]) \
                        and not is_role_line(lines[begin - 1]) and not MOTTO.search(lines[begin - 1]):
                    begin -= 1
                found.append((begin, kind.capitalize(), None))
    # An attached document's own appendices are part of it; keep boundaries strictly increasing.
    result, last = [], -1
    for index, prefix, appendix in sorted(found, key=lambda b: b[0]):
        if index > last:
            result.append((index, prefix, appendix))
            last = index
    return result


def find_regions(text: str, paragraphs: list[Paragraph]) -> list[Segment]:
    """Segments of a document's body paragraphs (footnotes excluded), in reading order."""
    lines = [text[p.start:p.end] for p in paragraphs]
    if not lines:
        return []
    main_header_end = _header_end(lines, 0, len(lines))
    starts = [(0, "", None)] + _boundaries(lines, paragraphs, main_header_end)
    segments = []
    for n, (begin, prefix, appendix) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        header_end = begin if appendix else (main_header_end if n == 0 else _header_end(lines, begin, end))
        body_end, recipients, signature, trailer = _tail(lines, header_end, end)
        segments.append(Segment(
            header=Region(begin, header_end, paragraphs) if header_end > begin else None,
            body=Region(header_end, body_end, paragraphs),
            recipients=_attach(recipients, paragraphs),
            signature=_attach(signature, paragraphs),
            trailer=_attach(trailer, paragraphs),
            prefix=prefix,
            appendix=appendix,
        ))
    return segments


def _attach(region: Region | None, paragraphs: list[Paragraph]) -> Region | None:
    return Region(region.start, region.end, paragraphs) if region else None
